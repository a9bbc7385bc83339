"""Request context: who is asking, travelling from the API through RPC."""

from oslo_context import context as oslo_context


class RequestContext(oslo_context.RequestContext):
    """oslo.context's context plus edgevol's admin flag.

    ``is_admin`` comes from the roles (``admin``) unless given; managers and
    periodic tasks act with ``get_admin_context()``.
    """

    def __init__(self, is_admin=None, **kwargs):
        super().__init__(**kwargs)
        if is_admin is None:
            is_admin = "admin" in (self.roles or [])
        self.is_admin = is_admin

    def to_dict(self):
        values = super().to_dict()
        values["is_admin"] = self.is_admin
        return values

    @classmethod
    def from_dict(cls, values):
        return cls(
            is_admin=values.get("is_admin"),
            user_id=values.get("user_id") or values.get("user"),
            project_id=values.get("project_id") or values.get("project"),
            roles=values.get("roles") or [],
            # With Keystone, the managers hand the user's own token to
            # Glance (an upload's image belongs to the user).
            auth_token=values.get("auth_token"),
            request_id=values.get("request_id"),
            global_request_id=values.get("global_request_id"),
            read_only=values.get("read_only", False),
        )

    def elevated(self):
        """A copy of this context with admin rights (for internal reads)."""
        values = self.to_dict()
        values["is_admin"] = True
        values["roles"] = sorted(set(self.roles or []) | {"admin"})
        return self.from_dict(values)


def get_admin_context():
    return RequestContext(is_admin=True, roles=["admin"], user_id=None,
                          project_id=None, overwrite=False)


def scoped_filters(context, filters, all_tenants):
    """List ``filters`` limited to the caller's project, unless an admin
    asked for all projects (``all_tenants``) or named one."""
    filters = dict(filters or {})
    if not context.is_admin or (not all_tenants
                                and "project_id" not in filters):
        filters["project_id"] = context.project_id
    return filters
