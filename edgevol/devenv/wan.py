"""Every edge site behind an emulated WAN (``edgevol-dev up --wan``).

Central (the first site: its Ceph cluster, RabbitMQ, the database,
Glance, Keystone, Barbican, the API and the scheduler) stays in this
host's namespace on 127.0.0.1. Each other site gets a network namespace
``edgevol<instance>-<site>`` with only a loopback device, holding its Ceph
cluster (bound to the site's address, 198.18.<instance>.<10 + index>),
``edgevol-volume`` and ``edgevol-backup``. One WAN proxy per site
(``wanproxy``) is the only way in or out:

* in central's namespace it listens on the site's address and Ceph ports
  (Glance writing images, backups restored from the site, the admin CLI),
  relaying into the site's namespace: ``down`` traffic first;
* in the site's namespace it listens on 127.0.0.1 at central's service and
  Ceph ports, and on every other site's address and Ceph ports, relaying
  into central's namespace: ``up`` traffic first. A site reaches another
  site (a migration reading its source) through central, over two links.

Ceph clients learn daemon addresses from the maps, so every cluster's
addresses mean the same in every namespace: central's 127.0.0.1 ports are
the proxy inside a site, a site's address is the proxy elsewhere.
"""

import ipaddress
import json
import logging
import os
import re
import sys

from edgevol.devenv import netns
from edgevol.devenv import processes
from edgevol.devenv import wanproxy

LOG = logging.getLogger(__name__)

NETWORK = ipaddress.ip_network("198.18.0.0/15")
FIRST_HOST = 10
CENTRAL_ADDRESS = "127.0.0.1"
_RTT = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)(kbit|mbit|gbit)$")
_RATE_UNITS = {"kbit": 1e3, "mbit": 1e6, "gbit": 1e9}


def parse(text):
    """``RTT[,RATE]`` (``50ms,100mbit``) as (seconds, bytes/s or None)."""
    parts = [part.strip().lower() for part in text.split(",")]
    rtt = _RTT.match(parts[0])
    if not rtt or len(parts) > 2:
        raise ValueError("--wan wants RTT[,RATE] such as 50ms,100mbit; got "
                         "%r" % text)
    seconds = float(rtt.group(1)) / (1000.0 if rtt.group(2) == "ms" else 1.0)
    if len(parts) == 1:
        return seconds, None
    rate = _RATE.match(parts[1])
    if not rate:
        raise ValueError("--wan rate must be like 100mbit; got %r" % parts[1])
    return seconds, float(rate.group(1)) * _RATE_UNITS[rate.group(2)] / 8


class Wan:
    """The namespaces, addresses and proxies of one environment.

    ``ceph_sites``: the environment's CephSite objects, central first;
    ``central_ports``: ports of central's services on 127.0.0.1.
    """

    def __init__(self, state_dir, instance, spec, ceph_sites,
                 central_ports=()):
        self.state_dir = state_dir
        self.instance = instance
        self.rtt, self.rate = parse(spec)
        self.spec = spec
        self.central = ceph_sites[0]
        self.edges = ceph_sites[1:]
        self.central_ports = sorted(set(central_ports))

    # -- naming ------------------------------------------------------------
    def netns_name(self, site):
        return "edgevol%d-%s" % (self.instance, site)

    def address(self, site):
        """The address of edge site ``site``."""
        index = [edge.name for edge in self.edges].index(site)
        return str(NETWORK.network_address + 256 * self.instance
                   + FIRST_HOST + index)

    def _file(self, *parts):
        return os.path.join(self.state_dir, "wan", *parts)

    def control_socket(self, site):
        return self._file("%s.sock" % site)

    def pid_file(self, site):
        return self._file("%s.pid" % site)

    def site_netns(self):
        """Edge site name -> its namespace name."""
        return {edge.name: self.netns_name(edge.name) for edge in self.edges}

    # -- routes --------------------------------------------------------------
    @staticmethod
    def _ceph_ports(site):
        return range(site.mon_v2_port, site.port_range[1] + 1)

    def routes(self, edge):
        """The proxy routes of ``edge``'s link (see the module doc)."""
        inside = netns.path(self.netns_name(edge.name))
        own = self.address(edge.name)
        routes = [{"listen": [own, port], "connect_netns": inside,
                   "connect": [own, port], "direction": "down"}
                  for port in self._ceph_ports(edge)]
        outward = [(CENTRAL_ADDRESS, port) for port in
                   list(self.central_ports) + list(self._ceph_ports(
                       self.central))]
        outward += [(self.address(other.name), port) for other in self.edges
                    if other is not edge for port in self._ceph_ports(other)]
        routes += [{"listen_netns": inside, "listen": [address, port],
                    "connect": [address, port], "direction": "up"}
                   for address, port in outward]
        return routes

    # -- up / down ----------------------------------------------------------
    def start(self):
        """Namespaces, addresses and one running proxy per edge site."""
        os.makedirs(self._file(), exist_ok=True)
        for edge in self.edges:
            name = self.netns_name(edge.name)
            netns.create(name)
            for other in self.edges:
                netns.add_address(name, self.address(other.name))
            netns.add_address(None, self.address(edge.name))
        for edge in self.edges:
            self._start_proxy(edge)

    def _start_proxy(self, edge):
        if processes.pid_file_alive(self.pid_file(edge.name)):
            return
        spec_file = self._file("%s.json" % edge.name)
        with open(spec_file, "w") as f:
            json.dump({"name": edge.name, "rtt": self.rtt, "rate": self.rate,
                       "control": self.control_socket(edge.name),
                       "routes": self.routes(edge)}, f, indent=1)
        processes.remove_file(self.control_socket(edge.name))
        processes.spawn_detached(
            [sys.executable, "-m", "edgevol.devenv.wanproxy", spec_file],
            self._file("%s.log" % edge.name), self.pid_file(edge.name))
        if not processes.wait_until(
                lambda: os.path.exists(self.control_socket(edge.name)), 10):
            raise RuntimeError("WAN proxy of %s did not start:\n%s" % (
                edge.name, processes.log_tail(self._file(
                    "%s.log" % edge.name))))

    def stop(self):
        """Stop the proxies; remove namespaces and addresses."""
        processes.stop_pid_files([self.pid_file(edge.name)
                                  for edge in self.edges], timeout=10)
        for edge in self.edges:
            netns.delete(self.netns_name(edge.name))
            netns.remove_address(None, self.address(edge.name))

    # -- links -----------------------------------------------------------
    def link(self, site, command="stats"):
        """``stats``, ``cut`` or ``heal`` ``site``'s link; its counters."""
        if site not in self.site_netns():
            raise ValueError("%s is not an edge site (edge sites: %s)" % (
                site, ", ".join(self.site_netns())))
        return wanproxy.control(self.control_socket(site), command)

    def info(self):
        """The status document's ``wan`` section."""
        return {"spec": self.spec, "rtt_ms": self.rtt * 1000.0,
                "rate_bytes_per_s": self.rate,
                "sites": {edge.name: {
                    "netns": self.netns_name(edge.name),
                    "address": self.address(edge.name),
                    "control": self.control_socket(edge.name),
                    "proxy_running": processes.pid_file_alive(
                        self.pid_file(edge.name))}
                    for edge in self.edges}}
