"""Log levels of running services (os-services set-log / get-log, 3.32).

Each service serves ``LogLevelsEndpoint`` beside its manager, in an RPC
namespace of its own so that no manager's version history carries it. The
API process changes its own loggers directly: it serves no RPC. With
several API workers only the worker that took the request changes.
"""

import logging
import socket

from oslo_log import log as oslo_logging
import oslo_messaging as messaging

from edgevol import exception
from edgevol import rpc

LOG = oslo_logging.getLogger(__name__)

NAMESPACE = "log_levels"
VERSION = "1.0"
API_BINARY = "edgevol-api"
LEVELS = ("INFO", "WARNING", "ERROR", "DEBUG")
CALL_TIMEOUT = 5
"""Seconds a service has to answer; a slow one is left out of get-log."""


def check_level(level):
    """The level's name in upper case; InvalidInput for an unknown one."""
    if not isinstance(level, str) or level.upper() not in LEVELS:
        raise exception.InvalidInput(reason="level must be one of %s" %
                                     ", ".join(LEVELS))
    return level.upper()


def set_levels(prefix, level):
    """Set every logger whose name starts with ``prefix`` to ``level``."""
    level = check_level(level)
    for name in _names(prefix):
        logging.getLogger(name).setLevel(level)


def get_levels(prefix):
    """{logger name: level name} of the loggers under ``prefix``."""
    return {name: logging.getLevelName(
        logging.getLogger(name).getEffectiveLevel())
        for name in _names(prefix)}


def _names(prefix):
    # ``prefix`` "" means every logger; the root logger itself is left to
    # the configuration (Cinder does the same).
    return sorted(name for name in logging.root.manager.loggerDict
                  if name.startswith(prefix or ""))


class LogLevelsEndpoint:
    """The RPC endpoint every edgevol service serves."""

    target = messaging.Target(namespace=NAMESPACE, version=VERSION)

    def set_log_levels(self, context, prefix, level):
        set_levels(prefix, level)

    def get_log_levels(self, context, prefix):
        return get_levels(prefix)


class LogLevelAPI:
    """set-log/get-log across the running services.

    :param services: a ``ServiceAPI`` (rows with ``state``).
    """

    def __init__(self, conf, services):
        self.conf = conf
        self.services = services

    def _targets(self, context, binary, server):
        """(binary, host, topic) of live services matching the filters."""
        found = []
        if binary in (None, API_BINARY) and server in (None, _api_host()):
            found.append((API_BINARY, _api_host(), None))
        if binary == API_BINARY:
            return found
        for row in self.services.get_all(context, host=server,
                                         binary=binary):
            if row["state"] == "up":
                found.append((row["binary"], row["host"], row["topic"]))
        return found

    def _call(self, context, topic, host, method, **kwargs):
        client = rpc.get_client(self.conf, topic, VERSION)
        return client.prepare(server=host, namespace=NAMESPACE,
                              timeout=CALL_TIMEOUT).call(context, method,
                                                         **kwargs)

    def set(self, context, *, binary, server, prefix, level):
        level = check_level(level)
        for name, host, topic in self._targets(context, binary, server):
            if topic is None:
                set_levels(prefix, level)
                continue
            try:
                self._call(context, topic, host, "set_log_levels",
                           prefix=prefix, level=level)
            except messaging.MessagingException as error:
                LOG.warning("set-log on %s %s failed: %s", name, host, error)

    def get(self, context, *, binary, server, prefix):
        answers = []
        for name, host, topic in self._targets(context, binary, server):
            if topic is None:
                levels = get_levels(prefix)
            else:
                try:
                    levels = self._call(context, topic, host,
                                        "get_log_levels", prefix=prefix)
                except messaging.MessagingException as error:
                    LOG.warning("get-log on %s %s failed: %s", name, host,
                                error)
                    continue
            answers.append({"binary": name, "host": host, "levels": levels})
        return answers


def _api_host():
    return socket.gethostname()
