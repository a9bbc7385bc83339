"""Paste filter: edgevol's noauth token as identity headers for Glance.

Runs inside glance-api (its own venv imports it from this repository), so
it uses only the standard library.  Glance's ``context`` filter builds the
request context from ``X-Identity-Status``, ``X-User-Id``, ``X-Project-Id``
and ``X-Roles`` (normally set by keystonemiddleware); this filter sets them
from ``X-Auth-Token: user:project``, the token edgevol's noauth API and
the development clouds.yaml use.  glanceclient percent-encodes the colon.

Only for the single-machine environment: anyone can claim any identity.
The user ``admin`` gets the admin role (copy-image and location changes
are admin-only in Glance's default policy); everybody else is a member.
"""

import urllib.parse

ADMIN_USER = "admin"
ADMIN_ROLES = "admin,member,reader"
MEMBER_ROLES = "member,reader"
# Identity headers a caller must never set itself.
_IDENTITY = ("HTTP_X_IDENTITY_STATUS", "HTTP_X_USER_ID", "HTTP_X_PROJECT_ID",
             "HTTP_X_ROLES", "HTTP_X_TENANT_ID", "HTTP_X_ROLE")


def identity(token):
    """(user, project, roles) for a ``user:project`` token, else None."""
    user, sep, project = urllib.parse.unquote(token or "").partition(":")
    if not (sep and user and project):
        return None
    roles = ADMIN_ROLES if user == ADMIN_USER else MEMBER_ROLES
    return user, project, roles


class NoAuthMiddleware:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        for key in _IDENTITY:
            environ.pop(key, None)
        found = identity(environ.get("HTTP_X_AUTH_TOKEN"))
        if found:
            user, project, roles = found
            environ.update({"HTTP_X_IDENTITY_STATUS": "Confirmed",
                            "HTTP_X_USER_ID": user,
                            "HTTP_X_PROJECT_ID": project,
                            "HTTP_X_ROLES": roles})
        return self.app(environ, start_response)


def filter_factory(global_conf, **local_conf):
    return NoAuthMiddleware
