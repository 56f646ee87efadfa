"""Guest metadata: what a guest learns about itself (``content``), from
the database (``lookup``), over the config drive (``configdrive`` in
``nova_lite.virt``) or the metadata service (``nova_lite.api.metadata``,
reached through the per-node ``proxy``)."""
