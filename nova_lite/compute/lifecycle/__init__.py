"""Server lifecycle operations of the compute manager, one module each
(mixed into ``nova_lite.compute.manager.ComputeManager``)."""
