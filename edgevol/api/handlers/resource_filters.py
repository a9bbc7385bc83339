"""GET /resource_filters (3.33): the filters each list accepts."""

from edgevol.api import faults
from edgevol.api.handlers import attachments
from edgevol.api.handlers import volumes
from edgevol.api import microversions as mv
from edgevol.api.request import Response
from edgevol import messages


def _filters():
    """resource -> filter names, read from the handlers that apply them."""
    return {"volume": sorted(volumes.LIST_FILTERS),
            "attachment": sorted(attachments.LIST_FILTERS),
            "message": sorted(messages.FILTERS)}


def index(req):
    """GET /resource_filters[?resource=volume] -> 200; 404 before 3.33."""
    if req.version < mv.RESOURCE_FILTER_CONFIG:
        raise faults.NotFound("Resource filters need microversion %s." %
                              str(mv.RESOURCE_FILTER_CONFIG))
    wanted = req.params.get("resource")
    return Response(200, {"resource_filters": [
        {"resource": resource, "filters": names}
        for resource, names in sorted(_filters().items())
        if wanted in (None, resource)]})
