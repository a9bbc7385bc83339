"""Reading, writing and inspecting a site's RBD images as the admin user.

What functional tests use to check, in Ceph itself, what the API says:
data written before a snapshot, COW parents, and what a pool (trash
included) still holds.
"""

from edgevol.tests.functional import test_stack


def write(site, volume_id, offset, data, pool="volumes"):
    import rbd
    with test_stack.admin_ioctx(site, pool) as ioctx:
        with rbd.Image(ioctx, "volume-%s" % volume_id) as image:
            image.write(data, offset)


def read(site, volume_id, offset, length, pool="volumes"):
    import rbd
    with test_stack.admin_ioctx(site, pool) as ioctx:
        with rbd.Image(ioctx, "volume-%s" % volume_id,
                       read_only=True) as image:
            return image.read(offset, length)


def parent(site, volume_id):
    """(parent image name, parent snapshot name), or None without one."""
    import rbd
    with test_stack.admin_ioctx(site) as ioctx:
        with rbd.Image(ioctx, "volume-%s" % volume_id,
                       read_only=True) as image:
            try:
                _, name, snap = image.parent_info()
            except rbd.ImageNotFound:
                return None
            return name, snap


def leftovers(site, ids, pool="volumes"):
    """Images and trash entries of a volumes pool that name any of
    ``ids`` (volume, snapshot or hidden clone-snapshot ids)."""
    import rbd
    found = []
    with test_stack.admin_ioctx(site, pool) as ioctx:
        names = list(rbd.RBD().list(ioctx))
        names += [entry["name"] for entry in rbd.RBD().trash_list(ioctx)]
        for name in names:
            if any(item_id in name for item_id in ids):
                found.append(name)
    return found
