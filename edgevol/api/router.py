"""The route table of the v3 API, and the WSGI app that dispatches it.

``ROUTES`` maps each URL template (relative to ``/v3``) to its methods and
handlers; it is the whole API at a glance. A known URL with another method
is a 405 with ``Allow``. Every path is also served under a project prefix,
``/v3/{project_id}/...`` (Keystone catalogs often carry one; Cinder made it
optional in 3.67).
"""

import time

from oslo_log import log as logging

from edgevol.api import faults
from edgevol.api.handlers import attachments
from edgevol.api.handlers import availability_zones
from edgevol.api.handlers import compute_hosts
from edgevol.api.handlers import default_types
from edgevol.api.handlers import extensions
from edgevol.api.handlers import hosts
from edgevol.api.handlers import messages
from edgevol.api.handlers import qos_specs
from edgevol.api.handlers import quota_classes
from edgevol.api.handlers import quotas
from edgevol.api.handlers import resource_filters
from edgevol.api.handlers import scheduler_stats
from edgevol.api.handlers import services
from edgevol.api.handlers import backups
from edgevol.api.handlers import snapshot_metadata
from edgevol.api.handlers import snapshots
from edgevol.api.handlers import transfers
from edgevol.api.handlers import type_access
from edgevol.api.handlers import type_encryption
from edgevol.api.handlers import volume_actions
from edgevol.api.handlers import volume_metadata
from edgevol.api.handlers import volume_types
from edgevol.api.handlers import volumes
from edgevol.api import microversions as mv
from edgevol.api import request as api_request

LOG = logging.getLogger(__name__)

# NOTE: path parameters match any one segment, never a pattern: a 404 for
# a malformed id must come from the resource's handler, which says what
# was not found, rather than from the router.
ROUTES = {
    "/volumes": {"GET": volumes.index, "POST": volumes.create},
    "/volumes/detail": {"GET": volumes.detail},
    "/volumes/summary": {"GET": volumes.summary},
    "/volumes/{volume_id}": {"GET": volumes.show, "PUT": volumes.update,
                             "DELETE": volumes.delete},
    "/volumes/{volume_id}/action": {"POST": volume_actions.action},
    "/volumes/{volume_id}/metadata": {"GET": volume_metadata.index,
                                      "POST": volume_metadata.create,
                                      "PUT": volume_metadata.update_all},
    "/volumes/{volume_id}/metadata/{key}": {
        "GET": volume_metadata.show, "PUT": volume_metadata.update,
        "DELETE": volume_metadata.delete},
    "/backups": {"GET": backups.index, "POST": backups.create},
    "/backups/detail": {"GET": backups.detail},
    "/backups/import_record": {"POST": backups.import_record},
    "/backups/{backup_id}": {"GET": backups.show, "PUT": backups.update,
                             "DELETE": backups.delete},
    "/backups/{backup_id}/action": {"POST": backups.action},
    "/backups/{backup_id}/restore": {"POST": backups.restore},
    "/backups/{backup_id}/export_record": {"GET": backups.export_record},
    "/snapshots": {"GET": snapshots.index, "POST": snapshots.create},
    "/snapshots/detail": {"GET": snapshots.detail},
    "/snapshots/{snapshot_id}": {"GET": snapshots.show,
                                 "PUT": snapshots.update,
                                 "DELETE": snapshots.delete},
    "/snapshots/{snapshot_id}/action": {"POST": snapshots.action},
    "/snapshots/{snapshot_id}/metadata": {
        "GET": snapshot_metadata.index, "POST": snapshot_metadata.create,
        "PUT": snapshot_metadata.update_all},
    "/snapshots/{snapshot_id}/metadata/{key}": {
        "GET": snapshot_metadata.show, "PUT": snapshot_metadata.update,
        "DELETE": snapshot_metadata.delete},
    "/os-availability-zone": {"GET": availability_zones.index},
    "/types": {"GET": volume_types.index, "POST": volume_types.create},
    "/types/default": {"GET": volume_types.show_default},
    "/types/{type_id}": {"GET": volume_types.show,
                         "PUT": volume_types.update,
                         "DELETE": volume_types.delete},
    "/types/{type_id}/action": {"POST": type_access.action},
    "/types/{type_id}/encryption": {"GET": type_encryption.show,
                                    "POST": type_encryption.create},
    # {key}: a key of the spec to GET, the encryption id to PUT or DELETE
    # (Cinder's one URL for both).
    "/types/{type_id}/encryption/{key}": {
        "GET": type_encryption.show_item, "PUT": type_encryption.update,
        "DELETE": type_encryption.delete},
    "/types/{type_id}/os-volume-type-access": {"GET": type_access.index},
    "/types/{type_id}/extra_specs": {
        "GET": volume_types.extra_specs_index,
        "POST": volume_types.extra_specs_create},
    "/types/{type_id}/extra_specs/{key}": {
        "GET": volume_types.extra_spec_show,
        "PUT": volume_types.extra_spec_update,
        "DELETE": volume_types.extra_spec_delete},
    "/default-types": {"GET": default_types.index},
    "/default-types/{project_id}": {"GET": default_types.show,
                                    "PUT": default_types.set_default,
                                    "DELETE": default_types.delete},
    "/os-services": {"GET": services.index},
    "/os-services/{action}": {"PUT": services.update},
    "/limits": {"GET": quotas.limits},
    "/os-quota-sets/{project_id}": {"GET": quotas.show, "PUT": quotas.update,
                                    "DELETE": quotas.delete},
    "/os-quota-sets/{project_id}/defaults": {"GET": quotas.defaults},
    "/os-quota-class-sets/{class_name}": {"GET": quota_classes.show,
                                          "PUT": quota_classes.update},
    "/attachments": {"GET": attachments.index, "POST": attachments.create},
    "/attachments/detail": {"GET": attachments.detail},
    "/attachments/{attachment_id}": {"GET": attachments.show,
                                     "PUT": attachments.update,
                                     "DELETE": attachments.delete},
    "/attachments/{attachment_id}/action": {"POST": attachments.action},
    "/resource_filters": {"GET": resource_filters.index},
    "/os-compute-hosts": {"GET": compute_hosts.index,
                          "POST": compute_hosts.create},
    "/os-compute-hosts/{name}": {"GET": compute_hosts.show,
                                 "DELETE": compute_hosts.delete},
    "/extensions": {"GET": extensions.index},
    "/qos-specs": {"GET": qos_specs.index, "POST": qos_specs.create},
    "/qos-specs/{qos_id}": {"GET": qos_specs.show, "PUT": qos_specs.update,
                            "DELETE": qos_specs.delete},
    "/qos-specs/{qos_id}/delete_keys": {"PUT": qos_specs.delete_keys},
    "/qos-specs/{qos_id}/associations": {"GET": qos_specs.associations},
    "/qos-specs/{qos_id}/associate": {"GET": qos_specs.associate},
    "/qos-specs/{qos_id}/disassociate": {"GET": qos_specs.disassociate},
    "/qos-specs/{qos_id}/disassociate_all": {
        "GET": qos_specs.disassociate_all},
    "/os-hosts": {"GET": hosts.index},
    "/os-hosts/{host}": {"GET": hosts.show},
    "/scheduler-stats/get_pools": {"GET": scheduler_stats.get_pools},
    "/capabilities/{host}": {"GET": scheduler_stats.capabilities},
    "/messages": {"GET": messages.index},
    "/messages/{message_id}": {"GET": messages.show,
                               "DELETE": messages.delete},
}
for _transfers in ("/volume-transfers", "/os-volume-transfer"):
    # One set of handlers: the new URL needs 3.55, the legacy one not.
    ROUTES.update({
        _transfers: {"GET": transfers.index, "POST": transfers.create},
        _transfers + "/detail": {"GET": transfers.detail},
        _transfers + "/{transfer_id}": {"GET": transfers.show,
                                        "DELETE": transfers.delete},
        _transfers + "/{transfer_id}/accept": {"POST": transfers.accept},
    })

PREFIX = "/v3/"


class RouteMap:
    """Templates indexed by segment count; literal segments win over
    parameters (``/volumes/detail`` before ``/volumes/{volume_id}``)."""

    def __init__(self, declarations):
        self._by_length = {}
        for template, methods in declarations.items():
            segments = tuple(template.strip("/").split("/"))
            params = sum(1 for s in segments if s.startswith("{"))
            self._by_length.setdefault(len(segments), []).append(
                (params, segments, methods))
        for candidates in self._by_length.values():
            candidates.sort(key=lambda item: item[0])

    def match(self, parts):
        """(methods, url arguments) for the path segments, or None."""
        for _, segments, methods in self._by_length.get(len(parts), ()):
            args = {}
            for template, part in zip(segments, parts, strict=True):
                if template[0] == "{":
                    args[template[1:-1]] = part
                elif template != part:
                    break
            else:
                return methods, args
        return None


def decode_path(environ):
    """PATH_INFO as text: WSGI hands over UTF-8 bytes as latin-1."""
    try:
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise faults.BadRequest("The URL path is not valid UTF-8.") from None
    if "\x00" in path:
        # Path segments are ids and names the database looks up.
        raise faults.BadRequest("NUL characters are not allowed in the URL.")
    return path


class Router:
    """The authenticated v3 API: negotiate, route, run, answer."""

    def __init__(self, conf, apis, declarations=None):
        self.conf = conf
        self.apis = apis
        self.routes = RouteMap(declarations or ROUTES)

    def __call__(self, environ, start_response):
        started = time.monotonic()
        version = None
        try:
            version = _negotiate(environ)
            req = api_request.Request(environ, decode_path(environ),
                                      self.apis, self.conf)
            req.version = version
            response = self._resolve(req)(req)
            status = response.status
            result = send(start_response, response,
                          mv.response_headers(version))
        except Exception as error:  # noqa: BLE001 - mapped to a fault
            status, message, headers = faults.to_fault(error)
            if version is not None:
                headers = headers + mv.response_headers(version)
            result = faults.respond(start_response, status, message, headers)
        LOG.info("%s %s -> %d (%.1f ms)", environ["REQUEST_METHOD"],
                 environ.get("PATH_INFO"), status,
                 (time.monotonic() - started) * 1000)
        return result

    def _resolve(self, req):
        """The handler for the request; sets url arguments and project."""
        if not req.path.startswith(PREFIX):
            raise faults.NotFound("No API at %s." % req.path)
        parts = req.path[len(PREFIX):].split("/")
        if "" in parts:
            # An empty segment is an empty id, never the collection: Cinder
            # (and Tempest's negative tests) answer GET, PUT and DELETE of
            # ``/volumes/`` with a 404.
            raise faults.NotFound("No API at %s: a path segment is empty." %
                                  req.path)
        project = req.context.project_id
        found = None
        # A leading segment equal to the caller's project is the prefix,
        # even when it looks like a collection name.
        if len(parts) > 1 and parts[0] == project:
            found = self.routes.match(parts[1:])
            if found:
                req.url_project_id = parts[0]
        if found is None:
            found = self.routes.match(parts)
        if found is None and len(parts) > 1:
            found = self.routes.match(parts[1:])
            if found:
                req.url_project_id = parts[0]
        if found is None:
            raise faults.NotFound("No API at %s." % req.path)
        methods, req.urlargs = found
        if req.method not in methods:
            raise faults.HTTPError(
                405, "The method specified is not allowed for this "
                "resource.", [("Allow", ", ".join(sorted(methods)))])
        _check_url_project(req)
        return methods[req.method]


def _negotiate(environ):
    try:
        return mv.negotiate(environ)
    except ValueError as error:
        raise faults.BadRequest(
            "Invalid %s header: %s" % (mv.HEADER, error)) from None
    except mv.VersionNotAcceptable as error:
        raise faults.HTTPError(406, str(error)) from None


def _check_url_project(req):
    """A project in the URL must be the caller's, unless an admin calls."""
    url_project = req.url_project_id
    ctx = req.context
    if (url_project is not None and url_project != ctx.project_id
            and not ctx.is_admin):
        raise faults.HTTPError(
            403, "Project %s in the URL is not the project of the "
            "request's credentials." % url_project)


def send(start_response, response, extra_headers=()):
    """Write a handler's Response as WSGI."""
    headers = list(extra_headers) + response.headers
    if response.body is None:
        body = b""
    else:
        body = api_request.encode_json(response.body)
        headers.append(("Content-Type", "application/json"))
    headers.append(("Content-Length", str(len(body))))
    start_response(faults.status_line(response.status), headers)
    return [body]
