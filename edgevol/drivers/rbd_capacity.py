"""Capacity of a site's pool, read from Ceph and turned into GiB.

Why ``ceph df`` and not ``rados.Rados.get_cluster_stats()``: the cluster
stats are raw bytes of the whole cluster, shared by every pool (volumes,
images, backups) and blind to replication and to the full ratio.  ``df``
reports per pool ``max_avail``: what this pool can still take in user
bytes, i.e. already divided by the pool's replica count and stopped at the
OSD full ratio (0.95), where Ceph blocks every write.  On a memstore OSD,
whose ``memstore_device_bytes`` is reported but never enforced, that full
ratio is the only limit there is, so it is the number to schedule on: a
20 GiB OSD shows ~19 GiB, not 20.  ``detail`` adds the pool's byte quota
in the same round trip.  Both need a ceph-mgr: without one ``df`` reads
zeros, which is reported as "unavailable", never as an empty site.

Provisioned capacity (the sum of image sizes) comes from librbd's pool
stats: one call that reads image headers in bulk without opening images
(no watch, so it never makes a volume look busy), measured at ~9 ms for 200
images.
"""

import errno
import json

GiB = 1024 ** 3

_DF_DETAIL = json.dumps({"prefix": "df", "detail": "detail",
                         "format": "json"})


class NoCapacityReport(Exception):
    """The cluster answered but cannot tell its capacity (no mgr yet)."""


def read_usage(rbd, handle, pool, timeout, extra_pools=()):
    """Raw numbers of ``pool``: one mon command plus one librbd call per
    pool.

    :param extra_pools: other pools whose volumes count as provisioned
        (volumes moved there share the cluster's OSDs).
    :returns: dict with ``df`` (the pool's ``stats`` from ``df detail``)
        and ``provisioned_bytes``.
    :raises OSError: the mon command failed (its errno says how).
    :raises NoCapacityReport: the cluster reports no capacity at all.
    """
    ret, out, status = handle.client.mon_command(_DF_DETAIL, b"",
                                                 timeout=timeout)
    if ret < 0:
        raise OSError(-ret, "ceph df failed: %s" % (status or
                                                    errno.errorcode.get(-ret)))
    df = json.loads(out)
    if not df.get("stats", {}).get("total_bytes"):
        raise NoCapacityReport("the cluster reports 0 bytes in total "
                               "(is a ceph-mgr active?)")
    stats = pool_stats(df, pool)
    provisioned = sum(
        rbd.RBD().pool_stats_get(ioctx)["image_provisioned_bytes"]
        for ioctx in [handle.ioctx] + [handle.in_pool(extra).ioctx
                                       for extra in extra_pools])
    return {"df": stats, "provisioned_bytes": provisioned}


def pool_stats(df, pool):
    """The ``stats`` dict of ``pool`` in ``df`` JSON."""
    for entry in df.get("pools", []):
        if entry.get("name") == pool:
            return entry["stats"]
    raise KeyError("pool %s is not in the df report" % pool)


def pool_capacity(stats):
    """Total and free bytes of a pool from its ``df`` stats.

    total = what the pool stores now + what it can still take, capped by a
    byte quota if one is set (Ceph refuses writes past the quota just as
    past the full ratio); free = what is left of that total.
    ``stored`` is user bytes like ``max_avail``; Ceph before Nautilus only
    has ``bytes_used`` (which later became raw, replicated bytes).
    """
    stored = stats.get("stored", stats.get("bytes_used", 0))
    max_avail = stats["max_avail"]
    total = stored + max_avail
    quota = stats.get("quota_bytes") or 0
    if quota:
        total = min(total, quota)
    free = max(0, min(max_avail, total - stored))
    return total, free


def to_gib(nbytes):
    """GiB rounded to 2 decimals, the unit and precision the scheduler uses."""
    return round(nbytes / GiB, 2)
