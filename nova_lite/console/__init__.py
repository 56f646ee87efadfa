"""The console proxy service (``nova-lite-novncproxy``, doc/consoles.md)."""
