"""The ``site@backend#pool`` host string, parsed once into a value type."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class BackendHost:
    """Where a volume lives: a site (= availability zone), a backend, a pool.

    ``str(host)`` is the ``site@backend#pool`` form stored in the database;
    ``rpc_server`` is the ``site@backend`` name its volume manager serves.
    """

    site: str
    backend: str = "rbd"
    pool: str = "volumes"

    @classmethod
    def parse(cls, text):
        """Parse ``site@backend#pool``; backend and pool are optional."""
        if not text:
            raise ValueError("empty host string")
        rest, _, pool = text.partition("#")
        site, _, backend = rest.partition("@")
        return cls(site=site, backend=backend or "rbd", pool=pool or "volumes")

    @property
    def rpc_server(self):
        return "%s@%s" % (self.site, self.backend)

    def __str__(self):
        return "%s@%s#%s" % (self.site, self.backend, self.pool)
