"""What several handlers share."""

from edgevol.api import faults


def own_target(req):
    """Policy target of a call on the caller's own project's resources.

    Writes to a volume are not preceded by a read of it: the business layer
    only ever reaches volumes of the caller's project unless the caller is
    an administrator, so the target's project is the caller's. This spares
    a database read per call; reads that load the object anyway use it.
    """
    return {"project_id": req.context.project_id}


def dispatch_action(req, actions, resource):
    """Run the action a ``POST .../action`` body names.

    Cinder's actions of a resource share one URL; the body's only key names
    the action. ``actions`` maps names to handlers taking (req, body).
    400 for a body that is not exactly one known action.
    """
    body = req.json_body()
    if not isinstance(body, dict) or len(body) != 1:
        raise faults.BadRequest("A %s action body has exactly one key, the "
                                "action's name." % resource)
    name = next(iter(body))
    if name not in actions:
        raise faults.BadRequest("Unknown %s action %s; valid: %s." %
                                (resource, name, ", ".join(sorted(actions))))
    return actions[name](req, body)
