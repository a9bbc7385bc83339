"""The compute host registry: names and the zone each host sits in."""

from edgevol.conf import site as site_conf
from edgevol.db import compute_hosts as db_compute_hosts
from edgevol import exception


class ComputeHostAPI:
    def __init__(self, conf):
        self.conf = conf

    def zones(self):
        """The availability zones of the configured sites."""
        return sorted({site_conf.availability_zone(self.conf, site)
                       for site in self.conf.enabled_sites})

    def add(self, context, name, availability_zone):
        """Register a host in one of the sites' zones.

        :raises InvalidAvailabilityZone: no site has that zone; a host
            there could never attach anything.
        :raises ComputeHostExists: the name is taken.
        """
        zones = self.zones()
        if availability_zone not in zones:
            raise exception.InvalidAvailabilityZone(
                az=availability_zone, valid=", ".join(zones) or "none")
        return db_compute_hosts.create(context, name, availability_zone)

    def get(self, context, name):
        return db_compute_hosts.get(context, name)

    def get_all(self, context, availability_zone=None):
        return db_compute_hosts.get_all(context, availability_zone)

    def remove(self, context, name):
        db_compute_hosts.delete(context, name)
