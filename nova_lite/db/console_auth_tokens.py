"""SQL of the console tokens (``console_auth_tokens``, see
``models.ConsoleAuthToken`` and doc/consoles.md).

Tokens are stored as their SHA-256 (hex, ``token_hash``); the callers
(``nova_lite.consoleauth``) hash them. Validation and revocation are one
statement each, so a token is never found valid after the transaction
that deleted or moved its instance.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer

_TOKEN = models.ConsoleAuthToken


@retry_on_deadlock
def token_create(context, values):
    """Store a token and delete the expired ones.

    :param values: dict of the ``ConsoleAuthToken`` columns: token_hash,
        console_type, instance_uuid, host, expires and target_path or
        target_host/target_port
    :returns: the new row's id
    """
    with writer(context) as session:
        session.execute(sa.delete(_TOKEN).where(_TOKEN.expires <= utcnow()))
        row = _TOKEN(**values)
        session.add(row)
        session.flush()
        return row.id


def token_validate(context, token_hash):
    """The token of ``token_hash`` if it may connect now: unexpired,
    and its instance is live (not deleted, not soft-deleted) on the host
    the token was issued for.

    :returns: dict of the token's columns, or None
    """
    inst = models.Instance
    now = utcnow()
    query = sa.select(_TOKEN).join(
        inst, sa.and_(inst.uuid == _TOKEN.instance_uuid, inst.deleted == 0,
                      inst.host == _TOKEN.host)).where(
        _TOKEN.token_hash == token_hash, _TOKEN.expires > now,
        inst.vm_state.notin_(('deleted', 'soft-delete')))
    with reader(context) as session:
        row = session.scalars(query).first()
        if row is None:
            return None
        return {c.key: getattr(row, c.key)
                for c in sa.inspect(row).mapper.column_attrs}


def token_get_for_instance(context, token_hash, instance_uuid):
    """The unexpired token of ``token_hash`` (dict of its columns) when
    it belongs to ``instance_uuid`` (any instance when None); else
    None."""
    query = sa.select(_TOKEN).where(_TOKEN.token_hash == token_hash,
                                    _TOKEN.expires > utcnow())
    if instance_uuid is not None:
        query = query.where(_TOKEN.instance_uuid == instance_uuid)
    with reader(context) as session:
        row = session.scalars(query).first()
        if row is None:
            return None
        return {c.key: getattr(row, c.key)
                for c in sa.inspect(row).mapper.column_attrs}


def revoke_in_session(session, instance_uuid, keep_host=None):
    """Delete, in ``session``'s transaction, the tokens of
    ``instance_uuid`` except those issued for ``keep_host`` (None: all
    of them). Called when an instance is deleted or its host changes.

    :returns: number of tokens deleted
    """
    stmt = sa.delete(_TOKEN).where(_TOKEN.instance_uuid == instance_uuid)
    if keep_host is not None:
        stmt = stmt.where(_TOKEN.host != keep_host)
    return session.execute(
        stmt.execution_options(synchronize_session=False)).rowcount


@retry_on_deadlock
def revoke_for_instance(context, instance_uuid):
    """Delete every token of ``instance_uuid``; returns how many."""
    with writer(context) as session:
        return revoke_in_session(session, instance_uuid)
