"""The conductor's RPC endpoint: sites' reports applied to the database.

One method, ``report``: the named interface's database implementation
runs the named method. Only the methods of the interfaces the sites know
(``edgevol.conductor.rpcapi.INTERFACES``) can be named, so a site
reaches exactly what its own code could do, never arbitrary database
calls.
"""

import oslo_messaging as messaging

from edgevol.backup import db_results as backup_db_results
from edgevol.conductor import rpcapi
from edgevol.conductor import volume_results
from edgevol import exception
from edgevol import services


class ConductorManager:
    target = messaging.Target(version=rpcapi.RPC_VERSION)

    def __init__(self, conf):
        self.conf = conf
        self._implementations = {
            "volume": volume_results.DatabaseVolumeResults(),
            "backup": backup_db_results.DatabaseResults(),
            "service": services.DatabaseServiceRecords(),
        }
        self._methods = {name: rpcapi.public_methods(interface)
                         for name, interface in rpcapi.INTERFACES.items()}

    def report(self, context, interface, operation, arguments):
        if operation not in self._methods.get(interface, ()):
            raise exception.Invalid(reason="the conductor serves no %s.%s" %
                                    (interface, operation))
        implementation = self._implementations[interface]
        return getattr(implementation, operation)(context, **arguments)
