"""The database layer: the only package that issues SQL.

Every function takes a ``RequestContext`` first and opens its own
transaction (``session.reader``/``session.writer``, oslo.db's
enginefacade). State changes are conditional writes ("task_state is X →
set Y"); a failed match raises a Conflict subclass or returns False,
never silently overwrites. What leaves the package is a plain dict of
columns or a frozen ``session.Record`` read model, never an ORM row.
Units: memory in MiB, disks in GiB, times naive UTC.

Modules, one per resource:

- ``session``: engine, transactions, retry decorator, ``utcnow``,
  ``to_dict``, ``Record``, the psycopg error mapping, ``ping``
- ``models``: the ORM tables; ``migration`` and ``migrations``: schema
- ``services``: services (os-services), the up computes, service
  deletion (up or down is ``nova_lite.servicegroup``'s rule)
- ``compute_nodes``: node reports and the scheduling query
- ``hypervisors``: nodes with their compute service and instance counts
  (os-hypervisors), one statement per listing
- ``claims``: allocations (atomic claims, placement, unclaims)
- ``flavors``, ``images``, ``keypairs``, ``quotas``, ``server_groups``,
  ``aggregates`` (host aggregates, availability zones)
- ``instances``: instance records; ``instance_metadata``,
  ``instance_faults``, ``actions`` (instance actions and events)
- ``network``: flat networks and fixed IPs
- ``purge``: hard deletion of soft-deleted instances
- ``async_jobs``, ``api_keys``: records of the CloudStack API
"""
