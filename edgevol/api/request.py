"""The request and response objects handlers see.

A thin layer over the WSGI environ instead of webob: the create path runs
through it on every call, and parsing only what a handler asks for (query
string, body) keeps the per-request cost to a few microseconds.
"""

import json
import urllib.parse

from edgevol.api import faults
from edgevol.api import validation

MAX_BODY_BYTES = 112 * 1024
"""Largest request body accepted (Cinder's osapi_max_request_body_size)."""

_DEFAULT_PORTS = {"http": "80", "https": "443"}

JSON_CONTENT_TYPES = ("application/json",
                      "application/vnd.openstack.volume+json")


class Request:
    """One API call: environ, route arguments, context and microversion.

    ``apis`` are the business-layer objects (``edgevol.api.deploy.APIs``)
    and ``conf`` the service's ConfigOpts, as handlers need them.
    """

    __slots__ = ("environ", "method", "path", "urlargs", "context",
                 "version", "url_project_id", "apis", "conf", "_params")

    def __init__(self, environ, path, apis=None, conf=None):
        self.environ = environ
        self.apis = apis
        self.conf = conf
        self.method = environ["REQUEST_METHOD"]
        self.path = path
        self.urlargs = {}
        self.context = environ.get("edgevol.context")
        self.version = None
        self.url_project_id = None
        self._params = None

    @property
    def params(self):
        """Query parameters as a dict; a repeated name keeps its last value."""
        if self._params is None:
            query = self.environ.get("QUERY_STRING", "")
            params = dict(urllib.parse.parse_qsl(
                query, keep_blank_values=True)) if query else {}
            # Values reach the database, which refuses NUL characters.
            validation.check_storable(params)
            self._params = params
        return self._params

    def header(self, name, default=None):
        key = "HTTP_" + name.upper().replace("-", "_")
        return self.environ.get(key, default)

    def json_body(self):
        """The body parsed as JSON; 400 when absent or not JSON."""
        raw = self._read_body()
        if not raw:
            raise faults.BadRequest("The request body is empty; a JSON "
                                    "object was expected.")
        content_type = self.environ.get("CONTENT_TYPE", "")
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type and media_type not in JSON_CONTENT_TYPES:
            raise faults.HTTPError(
                415, "Unsupported Content-Type %s; send application/json." %
                media_type)
        try:
            return json.loads(raw)
        except (ValueError, RecursionError) as error:
            # UnicodeDecodeError is a ValueError; nesting deeper than the
            # parser's recursion limit is junk too, not a server error.
            raise faults.BadRequest(
                "Malformed request body: %s" % error) from None

    def _read_body(self):
        stream = self.environ.get("wsgi.input")
        if stream is None:
            return b""
        length = self.environ.get("CONTENT_LENGTH")
        if length:
            try:
                length = int(length)
            except ValueError:
                raise faults.BadRequest(
                    "Content-Length must be an integer.") from None
            if length > MAX_BODY_BYTES:
                raise faults.HTTPError(413, "Request is too large.")
            return stream.read(length) if length > 0 else b""
        if "chunked" in self.environ.get("HTTP_TRANSFER_ENCODING", ""):
            raw = stream.read(MAX_BODY_BYTES + 1)
            if len(raw) > MAX_BODY_BYTES:
                raise faults.HTTPError(413, "Request is too large.")
            return raw
        return b""

    @property
    def host_url(self):
        """``scheme://host[:port]`` as the client addressed us."""
        environ = self.environ
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST")
        if not host:
            host = "%s:%s" % (environ.get("SERVER_NAME", "localhost"),
                              environ.get("SERVER_PORT", ""))
        default_port = ":" + _DEFAULT_PORTS.get(scheme, "")
        if host.endswith(default_port):
            host = host[:-len(default_port)]
        return "%s://%s" % (scheme, host.rstrip(":"))

    @property
    def application_url(self):
        """Where the service is mounted (``SCRIPT_NAME`` under a prefix)."""
        return self.host_url + self.environ.get("SCRIPT_NAME", "").rstrip("/")

    def resource_url(self, *parts, versioned=True):
        """URL of a resource, keeping the project segment the client used."""
        segments = ["v3"] if versioned else []
        if self.url_project_id:
            segments.append(self.url_project_id)
        segments.extend(urllib.parse.quote(str(p), safe="") for p in parts)
        return "%s/%s" % (self.application_url, "/".join(segments))


class Response:
    """What a handler returns; ``body`` is JSON-ready data or None."""

    __slots__ = ("status", "body", "headers")

    def __init__(self, status=200, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = headers or []


def encode_json(data):
    return json.dumps(data).encode("utf-8")
