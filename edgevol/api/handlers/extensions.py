"""/extensions: the Cinder API extensions edgevol serves."""

from edgevol.api.request import Response
from edgevol.api.views import extensions as views


def index(req):
    """GET /extensions -> 200, to every authenticated caller (as in
    Cinder, which guards it with no policy)."""
    return Response(200, views.index())
