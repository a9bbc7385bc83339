"""The RPC message bodies of backup operations, built from rows.

Central code (the API, ``DatabaseResults.unfinished``, the reconciler)
builds them; ``edgevol.backup.manager`` reads nothing else.
"""

from edgevol.drivers import rbd_encryption
from edgevol.drivers import rbd_snapshots
from edgevol.drivers import rbd_volumes
from edgevol.host import BackendHost

CREATE = "create_backup"
RESTORE = "restore_backup"
DELETE = "delete_backup"


def create_backup(backup, bases, volume_host):
    """``backup`` row, its volume's incremental ``bases`` and ``host``
    (which names the pool the volume's image is in)."""
    snapshot_id = backup["snapshot_id"]
    return {
        "id": backup["id"], "volume_id": backup["volume_id"],
        "volume_name": rbd_volumes.image_name(backup["volume_id"]),
        "volume_pool": pool_of_volume(volume_host),
        "snapshot_name": (rbd_snapshots.snapshot_name(snapshot_id)
                          if snapshot_id else None),
        "parents": [base for base in bases if base["id"] != backup["id"]
                    and base["source_snapshot"]],
        "store_site": backup["store_site"],
        "store_namespace": backup["source_site"],
        "incremental": bool(backup["incremental_requested"]),
    }


def stored(backup):
    """Where a backup is: what restores and deletes need of it (a delete
    also removes the backup's key, if it has one)."""
    return {"id": backup["id"], "volume_id": backup["volume_id"],
            "store_site": backup["store_site"],
            "store_namespace": backup["source_site"],
            "size": backup["size"],
            "encryption_key_id": backup.get("encryption_key_id")}


def restore_target(backup, volume, is_new):
    return {"volume_id": volume["id"],
            "volume_name": rbd_volumes.image_name(volume["id"]),
            "volume_pool": pool_of_volume(volume["host"]),
            "size": volume["size"], "is_new": is_new,
            # The image of an encrypted volume carries its LUKS header on
            # top of the size.
            "room": rbd_encryption.room(volume),
            "original": volume["id"] == backup["volume_id"]}


def site_of_volume(volume):
    return BackendHost.parse(volume["host"]).site


def pool_of_volume(host):
    """The pool of a volume's image at its site (None: the site's own
    ``rbd_pool``)."""
    return BackendHost.parse(host).pool if host else None
