"""The WSGI middlewares edgevol's API is built of (see ``deploy``).

Each is a few lines of plain WSGI: they run on every call, and webob's
request objects would cost more than the work they do.
"""

import re
import urllib.parse
import uuid

from oslo_log import log as logging

from edgevol.api import faults
from edgevol.api.handlers import versions
from edgevol.api import request as api_request
from edgevol.api import router
from edgevol.api import validation
from edgevol import context as edgevol_context

LOG = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-openstack-request-id"
ENV_REQUEST_ID = "openstack.request_id"
ENV_GLOBAL_REQUEST_ID = "openstack.global_request_id"
ENV_CONTEXT = "edgevol.context"
_GLOBAL_ID_RE = re.compile(
    r"^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$")


class RequestId:
    """Give every call an id, returned in ``x-openstack-request-id``.

    A caller's own well-formed id (``X-OpenStack-Request-ID``) is kept as
    the global request id, as oslo.middleware does, so logs of several
    services can be joined.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        request_id = "req-%s" % uuid.uuid4()
        environ[ENV_REQUEST_ID] = request_id
        inbound = environ.get("HTTP_X_OPENSTACK_REQUEST_ID")
        if inbound and _GLOBAL_ID_RE.match(inbound):
            environ[ENV_GLOBAL_REQUEST_ID] = inbound

        def start_with_id(status, headers, exc_info=None):
            headers.append((REQUEST_ID_HEADER, request_id))
            return start_response(status, headers, exc_info)

        return self.application(environ, start_with_id)


def _roles(environ, default):
    header = environ.get("HTTP_X_ROLES")
    if header is None:
        return default
    return [role.strip() for role in header.split(",") if role.strip()]


class NoAuth:
    """``auth_strategy = noauth``: the token names the caller.

    ``X-Auth-Token: user:project``; a token without ``:`` is both user and
    project (openstacksdk sends ``notused``, Cinder's noauth does the
    same). The user ``admin`` gets the ``admin`` role, others ``member``,
    unless ``X-Roles`` says otherwise.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        token = environ.get("HTTP_X_AUTH_TOKEN")
        if not token:
            return faults.respond(
                start_response, 401, "Authentication required: send "
                "X-Auth-Token: <user>:<project>.")
        # Some clients percent-encode the colon (glanceclient does).
        token = urllib.parse.unquote(token)
        user, sep, project = token.partition(":")
        if not sep:
            project = user
        # Both are stored with what the caller makes (255-character
        # columns that hold no NUL).
        if not user or not project or max(len(user), len(project)) > 255 \
                or validation.UNSTORABLE.search(token):
            return faults.respond(start_response, 401,
                                  "Malformed noauth token %r." % token)
        default_roles = ["admin"] if user == "admin" else ["member"]
        environ[ENV_CONTEXT] = edgevol_context.RequestContext(
            user_id=user, project_id=project,
            roles=_roles(environ, default_roles),
            request_id=environ.get(ENV_REQUEST_ID),
            global_request_id=environ.get(ENV_GLOBAL_REQUEST_ID))
        return self.application(environ, start_response)


class KeystoneContext:
    """``auth_strategy = keystone``: the context from auth_token's headers.

    keystonemiddleware's ``auth_token`` sits in front and has already
    rejected bad tokens unless ``delay_auth_decision`` is set; then the
    identity status says whether the token was good.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if environ.get("HTTP_X_IDENTITY_STATUS") != "Confirmed":
            return faults.respond(start_response, 401,
                                  "Authentication required.")
        environ[ENV_CONTEXT] = edgevol_context.RequestContext.from_environ(
            environ, request_id=environ.get(ENV_REQUEST_ID),
            global_request_id=environ.get(ENV_GLOBAL_REQUEST_ID))
        return self.application(environ, start_response)


class PublicPaths:
    """Serve what needs no credentials; pass the rest to ``protected``.

    ``/`` and ``/v3[/]`` are version discovery (clients ask before they
    authenticate); ``/healthcheck`` is for load balancers.
    """

    VERSION_PATHS = {"": versions.choices, "/": versions.choices,
                     "/v3": versions.v3, "/v3/": versions.v3}

    def __init__(self, protected, healthcheck):
        self.protected = protected
        self.healthcheck = healthcheck

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        handler = self.VERSION_PATHS.get(path)
        if handler is not None:
            if environ["REQUEST_METHOD"] != "GET":
                return faults.respond(
                    start_response, 405, "The method specified is not "
                    "allowed for this resource.", [("Allow", "GET")])
            req = api_request.Request(environ, path)
            return router.send(start_response, handler(req))
        if path == "/healthcheck" or path.startswith("/healthcheck/"):
            return self.healthcheck(environ, start_response)
        return self.protected(environ, start_response)
