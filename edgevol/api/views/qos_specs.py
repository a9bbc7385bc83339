"""QoS specs bodies (Cinder's qos_specs views)."""

from edgevol.api.views import common


def _item(specs):
    return {"id": specs["id"], "name": specs["name"],
            "consumer": specs["consumer"], "specs": specs["specs"]}


def show(req, specs):
    return {"qos_specs": _item(specs),
            "links": common.resource_links(req, "qos-specs", specs["id"])}


def index(all_specs):
    return {"qos_specs": [_item(specs) for specs in all_specs]}


def keys(specs):
    return {"qos_specs": specs}


def associations(types):
    return {"qos_associations": [
        {"association_type": "volume_type", "id": t["id"],
         "name": t["name"]} for t in types]}
