"""The scheduler's view of a volume create request (plain data on RPC)."""


def build(volume, volume_type):
    """Request spec of ``volume`` (a volume dict) of ``volume_type``."""
    return {"volume_id": volume["id"], "size": volume["size"],
            "availability_zone": volume["availability_zone"],
            "volume_type": {"id": volume_type["id"],
                            "name": volume_type["name"],
                            "extra_specs": volume_type["extra_specs"]}}
