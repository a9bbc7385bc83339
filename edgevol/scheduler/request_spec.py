"""The scheduler's view of a volume create request (plain data on RPC)."""


def build(volume, volume_type):
    """Request spec of ``volume`` (a volume dict) of ``volume_type``."""
    spec = {"volume_id": volume["id"], "size": volume["size"],
            "availability_zone": volume["availability_zone"],
            "volume_type": {"id": volume_type["id"],
                            "name": volume_type["name"],
                            "extra_specs": volume_type["extra_specs"]}}
    # The site clones the image (edgevol.volume.image_ops).
    image_id = (volume.get("volume_image_metadata") or {}).get("image_id")
    if image_id:
        spec["image_id"] = image_id
    if volume.get("image"):
        spec["image"] = volume["image"]
    if volume.get("encryption_key_id"):
        # The site formats the image with this key (the id, never the key).
        spec["encryption_key_id"] = volume["encryption_key_id"]
    return spec
