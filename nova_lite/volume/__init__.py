"""Block storage: the volume service (``nova-lite-volume``) and the
API-side logic of the Block Storage v3 API subset (doc/volumes.md)."""
