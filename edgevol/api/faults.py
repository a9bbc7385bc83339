"""Every error becomes a Cinder-shaped fault here, and only here.

``{"badRequest": {"code": 400, "message": "..."}}``: clients (cinderclient,
openstacksdk) read the one top-level key's ``message``. Domain errors carry
their HTTP status (``edgevol.exception``); the API's own errors are
``HTTPError``; anything else is a bug, logged with its traceback and answered
with a 500 that says nothing about the inside.
"""

import json

from oslo_log import log as logging

from edgevol import exception

LOG = logging.getLogger(__name__)

FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    406: "notAcceptable",
    409: "conflictingRequest",
    412: "preconditionFailed",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}
DEFAULT_FAULT_NAME = "computeFault"

STATUS_TEXT = {
    200: "OK", 202: "Accepted", 204: "No Content", 300: "Multiple Choices",
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
    409: "Conflict", 412: "Precondition Failed",
    413: "Request Entity Too Large", 415: "Unsupported Media Type",
    500: "Internal Server Error", 501: "Not Implemented",
    503: "Service Unavailable",
}

INTERNAL_ERROR_MESSAGE = ("The server has either erred or is incapable of "
                          "performing the requested operation.")


def status_line(code):
    return "%d %s" % (code, STATUS_TEXT.get(code, "Unknown"))


class HTTPError(Exception):
    """An error the API layer itself decides (bad query, 405, 406, ...)."""

    def __init__(self, code, message, headers=()):
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = list(headers)


class BadRequest(HTTPError):
    def __init__(self, message):
        super().__init__(400, message)


class NotFound(HTTPError):
    def __init__(self, message):
        super().__init__(404, message)


def to_fault(error):
    """(status code, message, extra headers) for any exception.

    Domain errors below 500 are the user's to read; 5xx domain errors
    (storage or scheduler trouble) keep their message too, since edgevol
    writes those for users. Anything else is a bug: logged, not shown.
    """
    if isinstance(error, HTTPError):
        return error.code, error.message, error.headers
    if isinstance(error, exception.EdgevolError):
        if error.code >= 500:
            LOG.warning("Request failed: %s", error)
        message = str(error)
        if error.named:
            message = "%s: %s" % (type(error).__name__, message)
        return error.code, message, list(error.headers)
    LOG.exception("Unexpected error while serving the request")
    return 500, INTERNAL_ERROR_MESSAGE, []


def fault_body(code, message, headers=()):
    """The fault's JSON; an over-limit fault repeats ``Retry-After`` in the
    body as ``retryAfter``, as Cinder's does."""
    detail = {"code": code, "message": message}
    if code in (413, 429):
        retry = dict(headers).get("Retry-After")
        if retry:
            detail["retryAfter"] = retry
    name = FAULT_NAMES.get(code, DEFAULT_FAULT_NAME)
    return json.dumps({name: detail}).encode()


def respond(start_response, code, message, headers=()):
    """Send a fault as a complete WSGI response."""
    body = fault_body(code, message, headers)
    start_response(status_line(code), [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body)))] + list(headers))
    return [body]


class FaultWrapper:
    """Outermost guard: nothing escapes as a bare traceback or HTML page.

    The router already turns handler errors into faults (so they carry the
    microversion headers); this catches what the middlewares raise.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            return self.application(environ, start_response)
        except Exception as error:  # noqa: BLE001 - this IS the last resort
            code, message, headers = to_fault(error)
            return respond(start_response, code, message, headers)
