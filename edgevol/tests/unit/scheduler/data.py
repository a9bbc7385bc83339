"""Plain scheduler data for tests: backend states and request specs."""

from edgevol.host import BackendHost
from edgevol.scheduler import backend_state

# A thick 100 GiB backend with nothing on it; tests override what matters.
DEFAULT_CAPABILITIES = {
    "volume_backend_name": "rbd",
    "storage_protocol": "ceph",
    "total_capacity_gb": 100.0,
    "free_capacity_gb": 100.0,
    "provisioned_capacity_gb": 0.0,
    "thin_provisioning_support": False,
    "max_over_subscription_ratio": 1.0,
    "reserved_percentage": 0,
    "multiattach": False,
}


def capabilities(**overrides):
    return dict(DEFAULT_CAPABILITIES, **overrides)


def backend(host="site1@rbd#volumes", availability_zone=None, timestamp=1.0,
            **overrides):
    """A BackendState; its AZ defaults to the host's site."""
    parsed = BackendHost.parse(host)
    return backend_state.BackendState(
        parsed, availability_zone or parsed.site, capabilities(**overrides),
        timestamp)


def spec(size=1, availability_zone=None, extra_specs=None, type_name="std",
         volume_id="vol-1"):
    """A request spec as the API builds it."""
    volume_type = None
    if extra_specs is not None:
        volume_type = {"id": "type-" + type_name, "name": type_name,
                       "extra_specs": extra_specs}
    return {"volume_id": volume_id, "size": size,
            "availability_zone": availability_zone,
            "volume_type": volume_type}
