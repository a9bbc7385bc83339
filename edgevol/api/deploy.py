"""Build the API's WSGI application, middlewares included, in code.

``loadapp(conf)`` is the one way to get the app: the console script, the
WSGI module for uwsgi/gunicorn and the tests all call it. Tests pass
``apis`` (in-memory fakes of the business layer); everyone else gets the
real one.
"""

import typing

from oslo_middleware import cors
from oslo_middleware import healthcheck
from oslo_middleware import http_proxy_to_wsgi

from edgevol.api import faults
from edgevol.api import microversions as mv
from edgevol.api import middleware
from edgevol.api import router
from edgevol import policy

CORS_ALLOW_HEADERS = ["X-Auth-Token", "X-Openstack-Request-Id",
                      "X-Identity-Status", "X-Roles", "X-Service-Catalog",
                      "X-User-Id", "X-Project-Id", mv.HEADER]
CORS_EXPOSE_HEADERS = ["X-Auth-Token", "X-Openstack-Request-Id",
                       "X-Subject-Token", "X-Service-Token", mv.HEADER]
CORS_ALLOW_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"]


class APIs(typing.NamedTuple):
    """The business layer the handlers call."""

    volumes: typing.Any
    types: typing.Any
    services: typing.Any
    quotas: typing.Any
    attachments: typing.Any = None
    compute_hosts: typing.Any = None
    log_levels: typing.Any = None
    snapshots: typing.Any = None
    volume_actions: typing.Any = None
    messages: typing.Any = None
    transfers: typing.Any = None
    qos_specs: typing.Any = None
    legacy_attach: typing.Any = None
    volume_hosts: typing.Any = None
    scheduler_stats: typing.Any = None
    backups: typing.Any = None
    migrations: typing.Any = None


def build_apis(conf):
    """The real business layer (database, RPC to scheduler and sites)."""
    from edgevol.backup import api as backup_api
    from edgevol import compute_hosts
    from edgevol import log_levels
    from edgevol import messages
    from edgevol import quota
    from edgevol import scheduler_stats
    from edgevol import services
    from edgevol import volume_hosts
    from edgevol.volume import api as volume_api
    from edgevol.volume import actions_api
    from edgevol.volume import attachments
    from edgevol.volume import legacy_attach
    from edgevol.volume import migration
    from edgevol.volume import qos_specs
    from edgevol.volume import snapshot_api
    from edgevol.volume import transfers

    volumes = volume_api.VolumeAPI(conf)
    snapshots = snapshot_api.SnapshotAPI(conf, volumes.volume_rpc)
    service_api = services.ServiceAPI(conf)
    # Share the volume API's type API, so a type change made through the
    # API also refreshes the default type that creates use.
    return APIs(volumes=volumes, types=volumes.types,
                services=service_api,
                quotas=quota.QuotaAPI(conf),
                attachments=attachments.AttachmentAPI(conf,
                                                      volumes.volume_rpc),
                compute_hosts=compute_hosts.ComputeHostAPI(conf),
                log_levels=log_levels.LogLevelAPI(conf, service_api),
                snapshots=snapshots,
                volume_actions=actions_api.VolumeActionsAPI(
                    conf, volumes, snapshots, volumes.volume_rpc),
                messages=messages.MessageAPI(),
                transfers=transfers.TransferAPI(),
                qos_specs=qos_specs.QoSSpecsAPI(),
                legacy_attach=legacy_attach.LegacyAttachAPI(
                    conf, volumes.volume_rpc),
                volume_hosts=volume_hosts.VolumeHostAPI(conf),
                scheduler_stats=scheduler_stats.SchedulerStatsAPI(
                    conf, volumes.types, volumes.scheduler_rpc),
                backups=backup_api.BackupAPI(conf, volumes),
                migrations=migration.MigrationAPI(conf, volumes))


def _auth(conf, application):
    if conf.auth_strategy == "keystone":
        from keystonemiddleware import auth_token
        return auth_token.filter_factory(
            {}, oslo_config_config=conf)(
                middleware.KeystoneContext(application))
    return middleware.NoAuth(application)


def _not_found(environ, start_response):
    return faults.respond(start_response, 404, "Not found.")


def loadapp(conf, apis=None):
    """The API as a WSGI application.

    :param conf: parsed ConfigOpts with edgevol's options registered.
    :param apis: ``APIs`` to serve; default ``build_apis(conf)``.
    """
    policy.init(conf)
    application = router.Router(conf, apis or build_apis(conf))
    application = _auth(conf, application)
    application = middleware.PublicPaths(
        application, healthcheck.Healthcheck(_not_found, conf))
    # NOTE: the order matters. A request meets these from the bottom of the
    # list up: the request id first (every answer, even a crash's, carries
    # it), then proxy headers (so links use the client's scheme and host),
    # CORS, the fault guard, and only then the public paths and auth.
    cors.set_defaults(allow_headers=CORS_ALLOW_HEADERS,
                      expose_headers=CORS_EXPOSE_HEADERS,
                      allow_methods=CORS_ALLOW_METHODS)
    conf.register_opts(cors.CORS_OPTS, group="cors")
    conf.register_opts(http_proxy_to_wsgi.OPTS, group="oslo_middleware")
    for wrap, enabled in (
            (faults.FaultWrapper, True),
            (lambda app: cors.CORS(app, conf), bool(conf.cors.allowed_origin)),
            (lambda app: http_proxy_to_wsgi.HTTPProxyToWSGI(app, conf),
             conf.oslo_middleware.enable_proxy_headers_parsing),
            (middleware.RequestId, True)):
        if enabled:
            application = wrap(application)
    return application
