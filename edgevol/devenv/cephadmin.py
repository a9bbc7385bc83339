"""client.admin commands to one site, through librados in this process.

Start-up sends about a dozen commands per site; as ``ceph`` CLI processes
they cost ~0.1 s of CPU each, which adds up when three sites start at once
on two cores.  One librados connection does them in milliseconds.
"""

import json

from edgevol.devenv import processes

# librados timeouts: mon_command(timeout=) alone does not stop a hang.
CLIENT_TIMEOUT_OPTIONS = ("rados_osd_op_timeout", "rados_mon_op_timeout",
                          "client_mount_timeout")


class CephCommandError(Exception):
    """A command to the cluster failed or timed out."""


def import_bindings():
    try:
        import rados
        import rbd
    except ImportError as exc:
        raise CephCommandError(
            "the Ceph Python bindings (rados, rbd) are not importable: run "
            "tools/install.sh and use the commands in .venv/bin (%s)"
            % exc) from exc
    return rados, rbd


class AdminClient:
    """A connected client.admin; use as a context manager."""

    def __init__(self, ceph_conf, timeout=10):
        self.ceph_conf = ceph_conf
        self.timeout = timeout
        self._rados, self._rbd = import_bindings()
        self._client = None

    def __enter__(self):
        client = self._rados.Rados(conffile=self.ceph_conf, rados_id="admin")
        for option in CLIENT_TIMEOUT_OPTIONS:
            client.conf_set(option, str(self.timeout))
        try:
            client.connect(timeout=self.timeout)
        except self._rados.Error as exc:
            raise CephCommandError("cannot connect to %s: %s" % (
                self.ceph_conf, exc)) from exc
        self._client = client
        return self

    def __exit__(self, *exc_info):
        self._client.shutdown()
        self._client = None

    def command(self, prefix, **args):
        """A mon command; its JSON answer parsed (or its text)."""
        args.update({"prefix": prefix, "format": "json"})
        try:
            ret, out, err = self._client.mon_command(
                json.dumps(args), b"", timeout=self.timeout)
        except self._rados.Error as exc:
            raise CephCommandError("%s: %s" % (prefix, exc)) from exc
        if ret != 0:
            raise CephCommandError("%s failed (%d): %s" % (prefix, ret, err))
        try:
            return json.loads(out) if out else None
        except ValueError:
            return out.decode()

    def pool_init(self, pool):
        """What ``rbd pool init`` does; waits until the pool serves I/O."""
        with self._ioctx(pool) as ioctx:
            self._rbd.RBD().pool_init(ioctx, False)

    def ensure_namespace(self, pool, namespace):
        """What ``rbd namespace create`` does, unless it exists."""
        with self._ioctx(pool) as ioctx:
            api = self._rbd.RBD()
            if not api.namespace_exists(ioctx, namespace):
                api.namespace_create(ioctx, namespace)

    def key_for(self, entity, caps):
        """The key of ``entity``, made if missing; its caps set to ``caps``
        (a dict: daemon kind -> cap) either way."""
        flat = [item for pair in caps.items() for item in pair]
        try:
            answer = self.command("auth get-or-create", entity=entity,
                                  caps=flat)
        except CephCommandError:
            # It exists with other caps: get-or-create refuses to change them.
            self.command("auth caps", entity=entity, caps=flat)
            answer = self.command("auth get", entity=entity)
        return answer[0]["key"]

    def list_images(self, pool):
        with self._ioctx(pool) as ioctx:
            return self._rbd.RBD().list(ioctx)

    def _ioctx(self, pool):
        try:
            return self._client.open_ioctx(pool)
        except self._rados.Error as exc:
            raise CephCommandError("pool %s: %s" % (pool, exc)) from exc

    def osd_up(self):
        return self.command("osd stat").get("num_up_osds") == 1

    def reports_capacity(self):
        """True once the mgr has the OSD's stats (before, df reads 0)."""
        return self.command("df")["stats"]["total_bytes"] > 0

    def wait(self, predicate, timeout):
        """Poll ``predicate`` (a method of this client) until true."""
        def attempt():
            try:
                return predicate()
            except CephCommandError:
                return False
        return processes.wait_until(attempt, timeout, interval=0.1)
