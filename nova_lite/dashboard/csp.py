"""The dashboard's Content-Security-Policy: nothing but this origin (no
inline script or style, no frames of it elsewhere). A page that embeds
another origin (the console proxy) extends it for that response."""

_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
           "script-src 'self'; frame-ancestors 'none'; form-action 'self'; "
           "base-uri 'none'")


def policy():
    """The policy every response gets unless its view sets another."""
    return _POLICY
