"""Rendering of CloudStack responses as JSON or XML.

A response is ``{"<command>response": {...}}`` (CloudStack API reference,
"Response formats"). ``response=json`` gives JSON; anything else the
default XML, whose root element carries ``cloud-stack-version``. Both
drop None values. In XML a list repeats its element once per item
(``<nic>...</nic><nic>...</nic>``), booleans are ``true``/``false`` and
a dict becomes nested elements.
"""
import json
import re
from xml.etree import ElementTree

JSON_TYPE = 'application/json; charset=UTF-8'
XML_TYPE = 'text/xml; charset=UTF-8'


def wants_json(values):
    """True when the request asks for ``response=json``.

    :param values: ``{lower-case name: value}`` of the request
    """
    return (values.get('response') or '').lower() == 'json'


def _prune(value):
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_prune(v) for v in value if v is not None]
    return value


def to_json(response_name, body):
    """``(bytes, content type)`` of ``{response_name: body}``."""
    data = json.dumps({response_name: _prune(body)}, ensure_ascii=False)
    return data.encode('utf-8'), JSON_TYPE


_BAD_NAME_CHARS = re.compile(r'[^A-Za-z0-9_.-]')
_BAD_XML_CHARS = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def _name(key):
    """An XML element name from a key (user-chosen detail keys may hold
    characters XML names cannot): others become ``_``."""
    name = _BAD_NAME_CHARS.sub('_', str(key)) or '_'
    return name if name[0].isalpha() or name[0] == '_' else '_' + name


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return _BAD_XML_CHARS.sub('\ufffd', str(value))


def _append(parent, name, value):
    if value is None:
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _append(parent, name, item)
        return
    element = ElementTree.SubElement(parent, _name(name))
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    else:
        element.text = _text(value)


def to_xml(response_name, body, version):
    """``(bytes, content type)`` of ``body`` as an XML document whose
    root is ``<response_name cloud-stack-version="version">``."""
    root = ElementTree.Element(response_name,
                               {'cloud-stack-version': version})
    for key, value in (body or {}).items():
        _append(root, key, value)
    data = ElementTree.tostring(root, encoding='unicode')
    return (('<?xml version="1.0" encoding="UTF-8"?>' + data)
            .encode('utf-8'), XML_TYPE)


def render(response_name, body, as_json, version):
    """``(bytes, content type)`` in the requested format."""
    if as_json:
        return to_json(response_name, body)
    return to_xml(response_name, body, version)
