"""SQL of the CloudStack API's login sessions (``cloudstack_sessions``,
see ``models.CloudStackSession``): ``nova_lite.db.login_sessions`` over
that table. Sessions are dicts of its columns; the callers
(``nova_lite.cloudstack.sessions``) hash the session id and key. Times
are naive UTC.
"""
from nova_lite.db import login_sessions
from nova_lite.db import models

_SESSIONS = login_sessions.LoginSessions(models.CloudStackSession)

#: session_create(context, values, idle_before, now, max_sessions):
#: values holds session_hash, key_hash, user_id, user_name, project_id,
#: project_name, domain_id, domain_name, roles (JSON text), last_used,
#: expires; returns how many other sessions were deleted.
session_create = _SESSIONS.create
session_get = _SESSIONS.get
session_touch = _SESSIONS.touch
session_delete = _SESSIONS.delete
session_count = _SESSIONS.count
