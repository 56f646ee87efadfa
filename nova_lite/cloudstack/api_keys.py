"""API keys of signed CloudStack requests (CloudStack API reference,
"Authentication", registerUserKeys): one live key per (Keystone user,
project). The secret key is never stored here: it is a Keystone
credential, which the ``api_keys`` row names (``credential_id``).

A key is a dict of the ``api_keys`` columns: ``api_key``,
``credential_id``, ``user_id``, ``project_id``, ...
"""
from nova_lite import context as nl_context
from nova_lite.db import api_keys as api_key_db


def get(api_key):
    """The live key ``api_key``, whoever owns it (read with an admin
    context: the caller is not known until the signature is checked).

    :raises: NotFound
    """
    return api_key_db.api_key_get(nl_context.get_admin_context(), api_key)


def replace(context, api_key, credential_id, user_id, project_id):
    """Make ``api_key`` (secret in Keystone credential ``credential_id``)
    the key of (user, project), retiring the one it had.

    :returns: (new key dict, [credential ids of the retired keys]), for
        the caller to delete those credentials
    """
    return api_key_db.api_key_replace(context, api_key, credential_id,
                                      user_id, project_id)
