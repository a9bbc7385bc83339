"""One librados connection per site, shared by every thread of the process.

Cinder's RBD driver connects per operation (``RADOSClient``): ~10 ms and a
new monitor session each time.  Here a site keeps one ``rados.Rados`` and
one IoCtx on its pool for the life of the process; librados is thread safe
and multiplexes concurrent operations over it.

Two hazards shape this module:

* A call that fails because the cluster went away must not leave a broken
  client behind, but the client must not be shut down under another thread
  that is still inside a librados call on it (a use-after-free in C).  So a
  failed handle is only marked stale; the last thread to leave it closes it,
  and the next call connects afresh.
* Every blocking librados/librbd call runs through one function,
  ``execute``: a plain call with threads, ``eventlet.tpool.execute`` with
  eventlet (a native call would freeze the hub for its whole duration).
"""

import errno
import logging
import threading
import time
import types

from edgevol import exception

LOG = logging.getLogger(__name__)

# librados/librbd errnos that say "the cluster did not answer", as opposed
# to "the cluster answered no".  After one of these the handle is dropped.
_UNAVAILABLE_ERRNOS = frozenset({errno.ETIMEDOUT, errno.ESHUTDOWN,
                                 errno.ENOTCONN, errno.ECONNREFUSED})


def _call_directly(fn, *args, **kwargs):
    return fn(*args, **kwargs)


def make_executor(backend):
    """The single switch between threading and eventlet.

    :param backend: ``concurrency_backend`` ("threading" or "eventlet").
    :returns: ``execute(fn, *args, **kwargs)`` that runs a blocking call.
    """
    if backend == "eventlet":
        # Imported only here: eventlet must not be a hard dependency of the
        # threading deployment, nor be imported by it as a side effect.
        from eventlet import tpool
        return tpool.execute
    return _call_directly


def _errno_of(exc):
    return getattr(exc, "errno", None)


def is_unavailable(exc, rados_module):
    """True if ``exc`` means the cluster cannot be reached right now."""
    if isinstance(exc, (rados_module.RadosStateError,
                        rados_module.IoctxStateError)):
        return True
    return abs(_errno_of(exc) or 0) in _UNAVAILABLE_ERRNOS


class PoolHandle:
    """A connected client, an IoCtx on the site's pool, and who uses them.

    Operations receive a handle and use ``ioctx``, ``client`` and ``fsid``;
    they must not keep it after they return.
    """

    def __init__(self, client, ioctx, fsid):
        self.client = client
        self.ioctx = ioctx
        self.fsid = fsid
        self.users = 0
        self.stale = False
        self._views = {}
        self._views_lock = threading.Lock()

    def in_pool(self, pool):
        """A handle on the same client whose ``ioctx`` is on ``pool`` (another
        pool of the same cluster); its IoCtx is opened once and closed with
        this handle."""
        if pool == self.ioctx.get_pool_name():
            return self
        with self._views_lock:
            view = self._views.get(pool)
            if view is None:
                view = _PoolView(self, self.client.open_ioctx(pool))
                self._views[pool] = view
            return view

    def close(self):
        """Close the IoCtxs and shut the client down; never raises."""
        for step in [view.ioctx.close for view in self._views.values()] + [
                self.ioctx.close, self.client.shutdown]:
            try:
                step()
            except Exception:  # closing a dead client may fail; nothing to do
                LOG.debug("error while closing a rados handle", exc_info=True)


class _PoolView:
    """What ``PoolHandle.in_pool`` gives: the same client and cluster, an
    IoCtx on another pool."""

    def __init__(self, owner, ioctx):
        self.client = owner.client
        self.fsid = owner.fsid
        self.ioctx = ioctx
        self.in_pool = owner.in_pool


class RadosConnection:
    """The lazily opened, shared, self-healing connection of one site.

    :param site: site name, used in error messages.
    :param opts: the site's option group (``conf[site]``).
    :param rados_module: the ``rados`` module or a fake with its interface.
    :param execute: the blocking-call runner from ``make_executor``.
    """

    def __init__(self, site, opts, rados_module, execute):
        self.site = site
        self._opts = opts
        self._rados = rados_module
        self._execute = execute
        self._lock = threading.Lock()
        self._handle = None
        # Threads that queued behind a failed connect reuse its verdict
        # instead of each waiting out another connect timeout in turn.
        self._failed_at = None
        self._failure = None

    # -- public --------------------------------------------------------
    def run(self, operation, *args, pool=None):
        """Run ``operation(handle, *args)`` as one blocking call.

        The whole operation runs inside ``execute`` (one trip to the
        eventlet thread pool, not one per librados call).  Errors raised by
        the operation that are edgevol errors pass through; librados and
        librbd errors become ``BackendUnavailable`` (and the handle is
        dropped) or ``DriverError``.

        :param pool: another pool of the cluster for the handle's ``ioctx``
            (``PoolHandle.in_pool``); None: the site's own.
        """
        handle = self._acquire()
        try:
            if pool is None:
                return self._execute(operation, handle, *args)
            return self._execute(_in_pool, operation, handle, pool, *args)
        except exception.EdgevolError:
            raise
        except Exception as exc:
            if is_unavailable(exc, self._rados):
                self._invalidate(handle)
                raise self.unavailable("%s: %s" % (
                    _describe(operation), exc)) from exc
            raise exception.DriverError(reason="%s on site %s failed: %s" % (
                _describe(operation), self.site, exc)) from exc
        finally:
            self._release(handle)

    def close(self):
        """Drop the current handle; it closes once no call is using it."""
        with self._lock:
            handle, self._handle = self._handle, None
            if handle is None:
                return
            handle.stale = True
            idle = handle.users == 0
        if idle:
            self._execute(handle.close)

    def unavailable(self, reason):
        return exception.BackendUnavailable(site=self.site, reason=reason)

    # -- handle bookkeeping --------------------------------------------
    def _acquire(self):
        asked_at = time.monotonic()
        with self._lock:
            if self._handle is None:
                if self._failed_at is not None and self._failed_at > asked_at:
                    raise self.unavailable(self._failure)
                try:
                    self._handle = self._execute(self._connect)
                except exception.BackendUnavailable as exc:
                    self._failed_at = time.monotonic()
                    self._failure = exc.kwargs.get("reason", str(exc))
                    raise
                self._failed_at = self._failure = None
            self._handle.users += 1
            return self._handle

    def _release(self, handle):
        with self._lock:
            handle.users -= 1
            idle_and_stale = handle.stale and handle.users == 0
        if idle_and_stale:
            self._execute(handle.close)

    def _invalidate(self, handle):
        with self._lock:
            handle.stale = True
            if self._handle is handle:
                self._handle = None

    # -- connecting (runs inside execute) ------------------------------
    def _connect(self):
        opts = self._opts
        try:
            client = self._rados.Rados(conffile=opts.ceph_conf,
                                       rados_id=opts.rbd_user,
                                       clustername=opts.cluster_name)
        except self._rados.Error as exc:
            raise self.unavailable("cannot read %s: %s" % (opts.ceph_conf,
                                                           exc)) from exc
        try:
            return self._open(client)
        except BaseException:
            _shutdown_quietly(client)
            raise

    def _open(self, client):
        opts = self._opts
        # The op timeouts bound every later call; connect(timeout=) alone
        # only bounds the first monitor session, and mon_command(timeout=)
        # alone was measured to hang anyway.
        try:
            for name, value in (
                    ("rados_osd_op_timeout", opts.rados_op_timeout),
                    ("rados_mon_op_timeout", opts.rados_op_timeout),
                    ("client_mount_timeout", opts.rados_connect_timeout)):
                client.conf_set(name, str(value))
        except self._rados.Error as exc:
            raise self.unavailable("cannot configure the client: %s" %
                                   exc) from exc
        try:
            client.connect(timeout=opts.rados_connect_timeout)
        except self._rados.Error as exc:
            raise self.unavailable(self._connect_failure(client, exc)) from exc
        try:
            ioctx = client.open_ioctx(opts.rbd_pool)
        except self._rados.ObjectNotFound as exc:
            raise self.unavailable("pool '%s' does not exist" %
                                   opts.rbd_pool) from exc
        except self._rados.Error as exc:
            raise self.unavailable("cannot open pool '%s': %s" % (
                opts.rbd_pool, exc)) from exc
        try:
            fsid = client.get_fsid()
        except self._rados.Error as exc:
            ioctx.close()
            raise self.unavailable("cannot read the cluster fsid: %s" %
                                   exc) from exc
        LOG.info("site %s: connected to cluster %s as client.%s, pool %s",
                 self.site, fsid, opts.rbd_user, opts.rbd_pool)
        return PoolHandle(client, ioctx, fsid)

    def _connect_failure(self, client, exc):
        opts = self._opts
        try:
            mon_host = client.conf_get("mon_host")
        except Exception:  # only for the message
            mon_host = "?"
        code = abs(_errno_of(exc) or 0)
        if code == errno.ETIMEDOUT:
            what = "no answer within %ss" % opts.rados_connect_timeout
        elif code in (errno.ENOENT, errno.EACCES, errno.EPERM):
            what = ("authentication as client.%s failed (key missing or "
                    "rejected)" % opts.rbd_user)
        else:
            what = str(exc)
        return "cannot connect to monitors %s (%s): %s" % (
            mon_host, opts.ceph_conf, what)


class KeyringConnection(RadosConnection):
    """A RadosConnection that reads its key from a given keyring file (a
    user of ANOTHER site's cluster, whose ceph.conf names no key of it)."""

    def __init__(self, site, opts, rados_module, execute, keyring):
        super().__init__(site, opts, rados_module, execute)
        self._keyring = keyring

    def _open(self, client):
        if self._keyring:
            try:
                client.conf_set("keyring", self._keyring)
            except self._rados.Error as exc:
                raise self.unavailable("cannot use keyring %s: %s" % (
                    self._keyring, exc)) from exc
        return super()._open(client)


class KeyringConnections:
    """KeyringConnections of one process to other clusters (or as other
    users), one per key, shared by every thread and closed together.

    :param own: this site's options; its rados timeouts apply to every
        connection, whichever cluster it reaches.
    """

    def __init__(self, own, rados_module, execute):
        self._own = own
        self._rados = rados_module
        self._execute = execute
        self._lock = threading.Lock()
        self._connections = {}

    def get(self, key, label, remote, user, keyring, pool):
        """The connection cached under ``key``, made on first use.

        :param remote: the options of the site whose cluster it reaches
            (``ceph_conf``, ``cluster_name``).
        """
        with self._lock:
            if key not in self._connections:
                opts = types.SimpleNamespace(
                    ceph_conf=remote.ceph_conf,
                    cluster_name=remote.cluster_name, rbd_user=user,
                    rbd_pool=pool,
                    rados_connect_timeout=self._own.rados_connect_timeout,
                    rados_op_timeout=self._own.rados_op_timeout)
                self._connections[key] = KeyringConnection(
                    label, opts, self._rados, self._execute, keyring)
            return self._connections[key]

    def close(self):
        with self._lock:
            connections = list(self._connections.values())
            self._connections.clear()
        for connection in connections:
            connection.close()


def _in_pool(operation, handle, pool, *args):
    return operation(handle.in_pool(pool), *args)


def _shutdown_quietly(client):
    try:
        client.shutdown()
    except Exception:  # a half-initialised client may refuse; nothing to do
        LOG.debug("error shutting down a failed rados client", exc_info=True)


def _describe(operation):
    return getattr(operation, "__name__", "operation").strip("_").replace(
        "_", " ")
