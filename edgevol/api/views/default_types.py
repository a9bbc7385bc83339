"""Bodies of /default-types: which type is which project's default."""


def _item(default):
    return {"project_id": default["project_id"],
            "volume_type_id": default["volume_type_id"]}


def show(default):
    return {"default_type": _item(default)}


def index(defaults):
    return {"default_types": [_item(default) for default in defaults]}
