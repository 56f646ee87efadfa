"""Policy enforcement with oslo.policy.

``authorize(context, rule, target)`` checks a rule of
``nova_lite.policies`` (overridable in ``[oslo_policy] policy_file``) and
raises ``exception.Forbidden`` (403) when it fails.
"""
import threading

from oslo_config import cfg
from oslo_policy import policy

from nova_lite import exception
from nova_lite import policies

_ENFORCER = None
_LOCK = threading.Lock()


def get_enforcer(conf=cfg.CONF):
    """The process's Enforcer with nova_lite's defaults registered."""
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is None:
            enforcer = policy.Enforcer(conf)
            enforcer.register_defaults(policies.list_rules())
            _ENFORCER = enforcer
        return _ENFORCER


def reset():
    """Forget the Enforcer (tests, config reload)."""
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is not None:
            _ENFORCER.clear()
        _ENFORCER = None


def default_target(context):
    """Target of a request on the context's own project."""
    return {'project_id': context.project_id, 'user_id': context.user_id}


def authorize(context, rule, target=None):
    """Check ``rule`` for ``context`` on ``target`` (default: the
    context's project).

    :raises: Forbidden (403) when the policy denies it
    """
    get_enforcer().authorize(
        rule, target or default_target(context), context, do_raise=True,
        exc=exception.Forbidden, action=rule)


def check_is_admin(context):
    """True when ``context`` passes ``context_is_admin``."""
    return get_enforcer().authorize('context_is_admin',
                                    default_target(context), context)


def can(context, rule, target=None):
    """Like ``authorize`` but returns a boolean."""
    return get_enforcer().authorize(rule, target or default_target(context),
                                    context)
