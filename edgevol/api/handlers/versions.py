"""Version discovery: ``/`` and ``/v3``, served without authentication.

openstacksdk discovers with ``GET /v3`` and ``GET /v3/`` before it has a
token (and with the placeholder token ``notused`` in noauth setups), then
continues at the document's ``self`` link; python-cinderclient reads
``GET /`` to negotiate its microversion.
"""

from edgevol.api.request import Response
from edgevol.api.views import versions as views


def choices(req):
    """GET / -> 300 Multiple Choices with the v3 entry (Cinder's shape)."""
    return Response(300, views.index(req))


def v3(req):
    """GET /v3 and /v3/ -> 200 with the same entry."""
    return Response(200, views.index(req))
