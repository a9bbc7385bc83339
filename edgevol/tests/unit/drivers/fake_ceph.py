"""Stand-ins for the ``rados`` and ``rbd`` modules, backed by a tiny cluster.

Not mocks: ``FakeCluster`` holds images, watchers and snapshots and answers
the way librados/librbd were measured to answer on Ceph Pacific (errno
values, which call raises what, a read-only open adds no watcher, remove
refuses a watched image and leaves it intact).  Tests steer it through its
attributes (``reachable``, ``fail``) and read what happened from it.
"""

import datetime
import errno
import json
import threading
import types


def _errors():
    class Error(Exception):
        pass

    class OSError(Error):  # named as in the bindings
        def __init__(self, message, errno=None):
            super().__init__(message)
            self.errno = errno

    def make(name, code):
        def init(self, message, errno=code):
            OSError.__init__(self, message, errno)
        return type(name, (OSError,), {"__init__": init})

    return Error, OSError, make


_Error, _OSError, _make = _errors()
rados = types.SimpleNamespace(
    Error=_Error, OSError=_OSError,
    ObjectNotFound=_make("ObjectNotFound", errno.ENOENT),
    PermissionError=_make("PermissionError", errno.EPERM),
    TimedOut=_make("TimedOut", errno.ETIMEDOUT),
    RadosStateError=type("RadosStateError", (_Error,), {}),
    IoctxStateError=type("IoctxStateError", (_Error,), {}),
)

_RError, _ROSError, _rmake = _errors()
rbd = types.SimpleNamespace(
    Error=_RError, OSError=_ROSError,
    ImageNotFound=_rmake("ImageNotFound", errno.ENOENT),
    ImageExists=_rmake("ImageExists", errno.EEXIST),
    ImageBusy=_rmake("ImageBusy", errno.EBUSY),
    ImageHasSnapshots=_rmake("ImageHasSnapshots", errno.ENOTEMPTY),
    PermissionError=_rmake("PermissionError", errno.EPERM),
    Timeout=_rmake("Timeout", errno.ETIMEDOUT),
    InvalidArgument=_rmake("InvalidArgument", errno.EINVAL),
    RBD_SNAP_NAMESPACE_TYPE_USER=0, RBD_SNAP_NAMESPACE_TYPE_TRASH=2,
    RBD_FEATURE_LAYERING=1, RBD_FEATURE_EXCLUSIVE_LOCK=4,
    RBD_FEATURE_OBJECT_MAP=8, RBD_FEATURE_FAST_DIFF=16,
    RBD_FEATURE_DEEP_FLATTEN=32,
)

GiB = 1024 ** 3


class FakeImage:
    """An image without parents (this fake makes no clones).

    ``snaps`` are user snapshot names; ``clones`` says how many clones a
    test pretends a user snapshot has, so that removing it moves it to
    ``trash_snaps`` (id -> clones left), as clone v2 does.
    """

    _ids = iter(range(0x1000, 0x100000))

    def __init__(self, size, features):
        self.id = "%x" % next(self._ids)
        self.size = size
        self.features = features
        self.watchers = []
        self.snaps = []
        self.clones = {}
        self.trash_snaps = {}
        self.created = datetime.datetime.now(
            datetime.timezone.utc).replace(tzinfo=None)


class FakeCluster:
    """One cluster: pools of images plus knobs and counters for tests.

    ``fail`` maps an operation name ("create", "remove", "open", "df",
    "pool_stats", "stat", "mon_dump") to an exception raised the next time
    it runs.
    ``incomplete`` holds names whose create died half way: they exist for
    ``create`` but not for ``open``, as on real Ceph.
    """

    def __init__(self, pools=("volumes",)):
        self.fsid = "00000000-0000-0000-0000-00000000f51d"
        self.pools = {name: {} for name in pools}
        self.reachable = True
        self.fail = {}
        self.incomplete = set()
        self.connects = 0
        self.shutdowns = 0
        self.client_conf = []
        self.df = {"stats": {"total_bytes": 20 * GiB},
                   "pools": [{"name": "volumes", "stats": {
                       "stored": 0, "max_avail": 19 * GiB,
                       "quota_bytes": 0}}]}
        self.df_ret = 0
        self.trash = {}          # image id -> (name, FakeImage)
        self.objects = {}        # pool -> {object name: bytes}
        self.trash_sources = {}  # image id -> trash source if not "USER"
        self.monmap = {"epoch": 1, "mons": [{
            "rank": 0, "name": "a",
            "public_addrs": {"addrvec": [
                {"type": "v2", "addr": "127.0.0.1:1", "nonce": 0},
                {"type": "v1", "addr": "127.0.0.1:2", "nonce": 0}]},
            "addr": "127.0.0.1:2/0"}]}
        self.mon_dumps = 0
        # Tests may set events to hold a call inside the "cluster".
        self.block_connect = None
        self.block_create = None
        self.lock = threading.Lock()

    def check(self, operation):
        exc = self.fail.pop(operation, None)
        if exc is not None:
            raise exc

    def modules(self):
        """(rados, rbd) modules bound to this cluster."""
        cluster = self
        rados_mod = types.SimpleNamespace(**vars(rados))
        rados_mod.Rados = lambda **kw: FakeRados(cluster, **kw)
        rbd_mod = types.SimpleNamespace(**vars(rbd))
        rbd_mod.RBD = lambda: FakeRBD(cluster)
        rbd_mod.Image = (
            lambda ioctx, name=None, read_only=False, image_id=None:
            FakeImageHandle(cluster, ioctx, name, read_only, image_id))
        return rados_mod, rbd_mod


class FakeRados:
    def __init__(self, cluster, conffile, rados_id, clustername):
        if conffile.startswith("/nonexistent"):
            raise rados.ObjectNotFound("error calling conf_read_file")
        self.cluster = cluster
        self.rados_id = rados_id
        self.conf = {"mon_host": "[v2:127.0.0.1:1,v1:127.0.0.1:2]"}
        self.state = "configuring"

    def conf_set(self, key, value):
        self.cluster.client_conf.append((key, value, self.state))
        self.conf[key] = value

    def conf_get(self, key):
        return self.conf[key]

    def connect(self, timeout=0):
        self.cluster.connects += 1
        if self.cluster.block_connect is not None:
            self.cluster.block_connect.wait(10)
        if not self.cluster.reachable:
            raise rados.TimedOut("error connecting to the cluster")
        self.cluster.check("connect")
        self.state = "connected"

    def open_ioctx(self, pool):
        if pool not in self.cluster.pools:
            raise rados.ObjectNotFound("error opening pool '%s'" % pool)
        return FakeIoctx(self, pool)

    def get_fsid(self):
        return self.cluster.fsid

    def mon_command(self, cmd, inbuf, timeout=0):
        self._require_connected()
        if json.loads(cmd)["prefix"] == "mon dump":
            self.cluster.check("mon_dump")
            self.cluster.mon_dumps += 1
            return 0, json.dumps(self.cluster.monmap).encode(), "dumped"
        self.cluster.check("df")
        assert json.loads(cmd)["prefix"] == "df"
        if self.cluster.df_ret:
            return self.cluster.df_ret, b"", "failed"
        return 0, json.dumps(self.cluster.df).encode(), ""

    def shutdown(self):
        self.cluster.shutdowns += 1
        self.state = "shutdown"

    def _require_connected(self):
        if self.state != "connected":
            raise rados.RadosStateError("state %s" % self.state)


class FakeIoctx:
    def __init__(self, client, pool):
        self.client = client
        self.pool = pool
        self.images = client.cluster.pools[pool]
        self.objects = client.cluster.objects.setdefault(pool, {})

    def get_pool_name(self):
        return self.pool

    def stat(self, obj):
        self.client._require_connected()
        self.client.cluster.check("stat")
        if obj not in self.objects:
            raise rados.ObjectNotFound(obj)
        return len(self.objects[obj]), None

    def write_full(self, obj, data):
        self.objects[obj] = bytes(data)

    def remove_object(self, obj):
        if self.objects.pop(obj, None) is None:
            raise rados.ObjectNotFound(obj)

    def close(self):
        pass


class FakeRBD:
    def __init__(self, cluster):
        self.cluster = cluster

    def create(self, ioctx, name, size, old_format=True, features=0):
        ioctx.client._require_connected()
        if self.cluster.block_create is not None:
            self.cluster.block_create.wait(10)
        self.cluster.check("create")
        with self.cluster.lock:
            if name in ioctx.images or name in self.cluster.incomplete:
                raise rbd.ImageExists("error creating image")
            ioctx.images[name] = FakeImage(size, features)

    def remove(self, ioctx, name):
        ioctx.client._require_connected()
        self.cluster.check("remove")
        with self.cluster.lock:
            if name in self.cluster.incomplete:
                # Measured: remove cleans the leftovers, then says ENOENT.
                self.cluster.incomplete.discard(name)
                raise rbd.ImageNotFound("error removing image")
            image = ioctx.images.get(name)
            if image is None:
                raise rbd.ImageNotFound("error removing image")
            if image.watchers:
                raise rbd.ImageBusy("error removing image")
            if image.snaps or image.trash_snaps:
                raise rbd.ImageHasSnapshots("error removing image")
            del ioctx.images[name]

    def list(self, ioctx):
        return list(ioctx.images)

    def trash_move(self, ioctx, name, delay=0):
        self.cluster.check("trash_move")
        with self.cluster.lock:
            image = ioctx.images.pop(name)
            self.cluster.trash[image.id] = (name, image)

    def trash_get(self, ioctx, image_id):
        self.cluster.check("trash_get")
        if image_id not in self.cluster.trash:
            raise rbd.ImageNotFound("error retrieving image from trash")
        return {"id": image_id, "name": self.cluster.trash[image_id][0],
                "source": self.cluster.trash_sources.get(image_id, "USER")}

    def trash_list(self, ioctx):
        return [self.trash_get(ioctx, i) for i in list(self.cluster.trash)]

    def trash_remove(self, ioctx, image_id, force=False):
        self.cluster.check("trash_remove")
        with self.cluster.lock:
            _, image = self.cluster.trash[image_id]
            if image.snaps or image.trash_snaps:
                raise rbd.ImageHasSnapshots("error deleting image from trash")
            del self.cluster.trash[image_id]

    def pool_stats_get(self, ioctx):
        self.cluster.check("pool_stats")
        return {"image_provisioned_bytes":
                sum(i.size for i in ioctx.images.values())}


class FakeImageHandle:
    def __init__(self, cluster, ioctx, name, read_only, image_id=None):
        cluster.check("open")
        if image_id is not None:
            self.image = next((i for i in ioctx.images.values()
                               if i.id == image_id),
                              cluster.trash.get(image_id, (None, None))[1])
        else:
            self.image = ioctx.images.get(name)
        if self.image is None:
            raise rbd.ImageNotFound("error opening image %s" % name)
        self.watch = None
        if not read_only:  # measured: read-only opens register no watch
            self.watch = {"id": 4242, "addr": "127.0.0.1:0/99",
                          "cookie": id(self)}
            self.image.watchers.append(self.watch)

    def size(self):
        return self.image.size

    def watchers_list(self):
        return iter(list(self.image.watchers))

    def create_timestamp(self):
        return self.image.created

    def id(self):
        return self.image.id

    def list_snaps(self):
        user = [{"id": n, "name": s, "namespace": 0}
                for n, s in enumerate(self.image.snaps)]
        trash = [{"id": i, "name": "trashed-%s" % i, "namespace": 2}
                 for i in self.image.trash_snaps]
        return iter(user + trash)

    def remove_snap(self, name):
        if name not in self.image.snaps:
            raise rbd.ImageNotFound("error removing snapshot %s" % name)
        self.image.snaps.remove(name)
        clones = self.image.clones.pop(name, 0)
        if clones:
            self.image.trash_snaps["t-" + name] = clones

    def remove_snap_by_id(self, snap_id):
        if self.image.trash_snaps.get(snap_id):
            raise rbd.ImageBusy("error removing snapshot %s" % snap_id)
        self.image.trash_snaps.pop(snap_id, None)

    def parent_id(self):
        raise rbd.ImageNotFound("error getting parent info")

    def close(self):
        if self.watch in self.image.watchers:
            self.image.watchers.remove(self.watch)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
