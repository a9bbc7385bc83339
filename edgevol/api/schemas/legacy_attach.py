"""Request bodies of Cinder's legacy attach actions (Cinder's schemas:
validated before the volume is looked up, so a bad body is a 400 even for
an unknown volume)."""

from edgevol.api.schemas import parameter_types as types


def _action(name, properties, required=(), **extra):
    body = {"type": "object", "properties": properties,
            "additionalProperties": False, **extra}
    if required:
        body["required"] = list(required)
    return {"type": "object", "properties": {name: body},
            "required": [name], "additionalProperties": False}


attach = _action("os-attach", {
    "instance_uuid": dict(types.optional_uuid, type="string"),
    "mountpoint": {"type": "string", "minLength": 1, "maxLength": 255},
    "host_name": {"type": "string", "maxLength": 255},
    "mode": {"type": "string", "enum": ["rw", "ro"]},
}, required=["mountpoint"],
    anyOf=[{"required": ["instance_uuid"]}, {"required": ["host_name"]}])

detach = _action("os-detach", {"attachment_id": types.optional_uuid})
# Cinder: a null body is an old client's way of naming no attachment.
detach["properties"]["os-detach"]["type"] = ["object", "null"]

initialize_connection = _action("os-initialize_connection", {
    # Cinder also takes a string; edgevol needs the connector's host, and
    # says so (400) when the connector is no object naming one.
    "connector": {"type": ["object", "string"]},
}, required=["connector"])

terminate_connection = _action("os-terminate_connection", {
    # null: every connection of the volume, as in Cinder.
    "connector": {"type": ["object", "string", "null"]},
}, required=["connector"])
