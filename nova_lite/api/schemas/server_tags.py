"""Bodies of the server tags API (compute API reference, "Server tags
(servers, tags)", microversion 2.26): a tag is 1-60 characters without
``/`` or ``,``; ``PUT /servers/{id}/tags`` takes ``{"tags": [...]}``.
``PUT /servers/{id}/tags/{tag}`` takes no body
(``schemas.BODYLESS``)."""

#: Tags a server may have (compute API reference, "Server tags").
MAX_TAGS = 50

#: One tag.
TAG = {'type': 'string', 'minLength': 1, 'maxLength': 60,
       'pattern': r'^[^,/]*\Z'}

update_all = {
    'type': 'object',
    'properties': {
        # The per-server limit (50) is the handler's 400: a body may
        # repeat a tag.
        'tags': {'type': 'array', 'items': TAG, 'maxItems': 1000},
    },
    'required': ['tags'],
    'additionalProperties': False,
}
