"""Business rules of volume actions: extend, revert, bootable flag.

Each claims the volume with a transition of ``edgevol.states`` (a
compare-and-swap: exactly one of racing requests wins, the others learn
the status that stopped them) and casts the work to the volume's site.
"""

from edgevol.db import quotas as db_quotas
from edgevol.db import volume_claims
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol.volume import rpcapi as volume_rpcapi


class VolumeActionsAPI:
    def __init__(self, conf, volumes, snapshots, volume_rpc=None):
        """``volumes`` and ``snapshots`` are the VolumeAPI and SnapshotAPI
        whose ownership rules apply."""
        self.conf = conf
        self.volumes = volumes
        self.snapshots = snapshots
        self.volume_rpc = volume_rpc or volume_rpcapi.VolumeRPCClient(conf)

    def extend(self, context, volume_id, new_size, allow_attached=False):
        """Grow a volume to ``new_size`` GiB (attached too, from 3.42).

        :raises InvalidInput: ``new_size`` is not larger than the size.
        :raises InvalidStatus: the volume is not available (or in-use with
            ``allow_attached``); the message names its status.
        :raises OverQuota: no gigabytes left for the growth, or
            ``new_size`` is above ``per_volume_gigabytes``.
        """
        volume = self.volumes.get(context, volume_id)
        old_size = volume["size"]
        if new_size <= old_size:
            raise exception.InvalidInput(
                reason="new size for extend must be greater than the "
                "current size (current: %d GiB, requested: %d GiB)." %
                (old_size, new_size))
        db_quotas.check_volume_size(context, volume["project_id"],
                                    new_size)
        db_quotas.ensure_usage_rows(context, volume["project_id"],
                                    ("gigabytes",))
        volume = volume_claims.claim_extend(context, volume_id, old_size,
                                            new_size, allow_attached)
        self.volume_rpc.extend_volume(context, volume["host"], volume_id,
                                      new_size, old_size)

    def revert(self, context, volume_id, snapshot_id):
        """Revert an available volume to any of its snapshots.

        :raises Invalid: the snapshot is not one of the volume's.
        :raises InvalidStatus: the volume is not available, or the
            snapshot is not.
        """
        self.volumes.get(context, volume_id)
        self.snapshots.get(context, snapshot_id)
        volume = volume_claims.claim_revert(context, volume_id, snapshot_id)
        self.volume_rpc.revert_to_snapshot(context, volume["host"],
                                           volume_id, snapshot_id)

    def set_bootable(self, context, volume_id, bootable):
        """Mark a volume bootable (or not), as Cinder's os-set_bootable."""
        self.volumes.get(context, volume_id)
        owner = None if context.is_admin else context.project_id
        db_volumes.update(context, volume_id, {"bootable": bool(bootable)},
                          project_id=owner)
