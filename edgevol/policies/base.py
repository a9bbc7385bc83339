"""Rules the others are written in."""

from oslo_policy import policy

ADMIN = "rule:admin_api"
ADMIN_OR_OWNER = "rule:admin_or_owner"
ADMIN_OR_SERVICE = "rule:admin_api or role:service"
"""Administrators, and services acting for a project (the ``service``
role), for calls services make (Cinder's os-update_snapshot_status)."""

rules = [
    policy.RuleDefault(
        "context_is_admin", "role:admin",
        description="Who is an administrator."),
    policy.RuleDefault(
        "admin_or_owner",
        "rule:context_is_admin or project_id:%(project_id)s",
        description="An administrator, or a member of the project that "
                    "owns the resource."),
    policy.RuleDefault(
        "admin_api", "rule:context_is_admin",
        description="Operations for administrators only."),
]


def documented(name, check_str, description, operations):
    """A project-scoped rule with the API calls it guards."""
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{"method": method, "path": path}
                    for method, path in operations],
        scope_types=["project"])


def list_rules():
    return rules
