"""nova_lite: a compact Nova-style compute control plane."""
