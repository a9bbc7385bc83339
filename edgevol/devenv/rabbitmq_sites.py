"""Each site's own RabbitMQ user, allowed only what that site needs.

oslo.messaging's rabbit driver (``impl_rabbit``) names, for topic ``T``,
server ``S`` and control exchange ``X``:

* the topic exchange ``X`` (casts and calls are published there with
  routing key ``T`` or ``T.S``) and the quorum queues ``T`` and ``T.S``
  bound to it;
* the fanout exchange ``T_fanout`` and one queue ``T_fanout_<unique>`` per
  listening process;
* reply queue and direct exchange ``reply_<unique>`` per calling process;
  replies are published to the default exchange (``amq.default``) with
  the reply queue's name as routing key.

With ``use_queue_manager`` the ``<unique>`` part is
``<hostname>:<processname>:<n>``; a site's processes set ``hostname`` to
``<site>[-<tag>]``, so their fanout and reply queues carry the site's
name and the permissions below can tell them apart from everyone else's.

A site's user may declare, bind to and consume only its own queues
(``edgevol-volume.site1@rbd``, its fanout and reply queues), and consume
from exchange ``X`` only routing keys of its own servers (topic
permissions). It may publish to central (the scheduler's topic and fanout
exchange, the conductor's topic: its reports and heartbeats), to another
site's volume manager (a migration's target tells the source to remove
its copy) and to the default exchange, where its answers to calls go.
It can read neither another site's queues nor the API's or the
scheduler's. (Publishing to the default exchange reaches any
queue by name, and RabbitMQ can not narrow it: topic permissions apply to
topic exchanges only. A site can thus inject, never read.)

The shared topic queues ``edgevol-volume`` and ``edgevol-backup`` (every
RPC server of a topic declares and consumes its topic queue) stay
readable by every site: edgevol addresses every volume and backup message
to a server, so nothing is ever published to them.

Test stacks add ``-<8 hex>`` to topics and hostnames; the patterns allow
that suffix.
"""

import json
import os
import re
import secrets

TAG = r"(-[0-9a-f]{8})?"
VOLUME_TOPIC = "edgevol-volume" + TAG
BACKUP_TOPIC = "edgevol-backup" + TAG
SCHEDULER_TOPIC = "edgevol-scheduler" + TAG
CONDUCTOR_TOPIC = "edgevol-conductor" + TAG
VHOST = "/"
EXCHANGE = "edgevol"
"""The control exchange (``edgevol.rpc``). Topic permissions name one
exchange, so test stacks whose services run as site users share it (their
topics carry their tag)."""


def user_name(site):
    return "edgevol-%s" % site


def _any(*patterns):
    return "^(%s)$" % "|".join(patterns)


def permissions(site):
    """configure, write and read regexes of ``site``'s user, and its topic
    permissions (write, read) on the control exchange."""
    s = re.escape(site)
    own_servers = ["%s\\.%s@[a-z0-9_-]+" % (topic, s)
                   for topic in (VOLUME_TOPIC, BACKUP_TOPIC)]
    own_queues = own_servers + [
        VOLUME_TOPIC, BACKUP_TOPIC,
        "(%s|%s)_fanout_%s%s:.+" % (VOLUME_TOPIC, BACKUP_TOPIC, s, TAG),
        "reply_%s%s:.+" % (s, TAG)]
    fanout_in = ["(%s|%s)_fanout" % (VOLUME_TOPIC, BACKUP_TOPIC)]
    to_central = ["%s_fanout" % SCHEDULER_TOPIC]
    return {
        "configure": _any(EXCHANGE, *(own_queues + fanout_in + to_central)),
        "write": _any(EXCHANGE, r"amq\.default", *(own_queues + to_central)),
        "read": _any(EXCHANGE, *(own_queues + fanout_in)),
        "topic_write": _any(SCHEDULER_TOPIC, SCHEDULER_TOPIC + r"\..+",
                            CONDUCTOR_TOPIC, CONDUCTOR_TOPIC + r"\..+",
                            VOLUME_TOPIC + r"\.[^.]+@rbd"),
        "topic_read": _any(VOLUME_TOPIC, BACKUP_TOPIC, *own_servers),
    }


class SiteUsers:
    """The site users of one RabbitMQ node (``rabbitmq.RabbitMQ``)."""

    def __init__(self, rabbit):
        self.rabbit = rabbit
        self._file = os.path.join(rabbit.base_dir, "site-credentials.json")

    def passwords(self):
        try:
            with open(self._file) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def provision(self, sites):
        """Create or update each site's user and its permissions."""
        passwords = self.passwords()
        for site in sites:
            passwords.setdefault(site, secrets.token_hex(16))
        fd = os.open(self._file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                     0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(passwords, f)
        existing = set(self.rabbit.rabbitmqctl(
            "list_users", "--no-table-headers", "-s").split())
        for site in sites:
            user = user_name(site)
            if user not in existing:
                self.rabbit.rabbitmqctl("add_user", user, passwords[site])
            allowed = permissions(site)
            self.rabbit.rabbitmqctl(
                "set_permissions", "-p", VHOST, user, allowed["configure"],
                allowed["write"], allowed["read"])
            self.rabbit.rabbitmqctl(
                "set_topic_permissions", "-p", VHOST, user, EXCHANGE,
                allowed["topic_write"], allowed["topic_read"])

    def site_options(self, site, lock_path, tag=None):
        """Config groups a process of ``site`` runs with: its own user, and
        queue names that carry the site (see the module doc); the queue
        manager's counter takes a file lock in ``lock_path``."""
        hostname = site if tag is None else "%s-%s" % (site, tag)
        return {"DEFAULT": {"transport_url": self.transport_url(site)},
                "oslo_messaging_rabbit": {"use_queue_manager": "true",
                                          "hostname": hostname},
                "oslo_concurrency": {"lock_path": lock_path}}

    def transport_url(self, site):
        password = self.passwords().get(site)
        if password is None:
            return None
        return "rabbit://%s:%s@127.0.0.1:%d/" % (user_name(site), password,
                                                 self.rabbit.port)
