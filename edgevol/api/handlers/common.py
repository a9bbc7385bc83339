"""What several handlers share."""


def own_target(req):
    """Policy target of a call on the caller's own project's resources.

    Writes to a volume are not preceded by a read of it: the business layer
    only ever reaches volumes of the caller's project unless the caller is
    an administrator, so the target's project is the caller's. This spares
    a database read per call; reads that load the object anyway use it.
    """
    return {"project_id": req.context.project_id}
