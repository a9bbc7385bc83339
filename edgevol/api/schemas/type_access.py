"""Request bodies of a volume type's access actions (private types)."""

from edgevol.api.schemas import parameter_types as types


def _action(name):
    return {
        "type": "object",
        "properties": {
            name: {
                "type": "object",
                "properties": {"project": types.project_id},
                "required": ["project"],
                "additionalProperties": False,
            },
        },
        "required": [name],
        "additionalProperties": False,
    }


add_project_access = _action("addProjectAccess")
remove_project_access = _action("removeProjectAccess")
