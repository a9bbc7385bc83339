"""Volume and volume metadata rules (Cinder's names)."""

from edgevol.policies import base

CREATE = "volume:create"
MULTIATTACH = "volume:multiattach"
GET = "volume:get"
GET_ALL = "volume:get_all"
GET_ALL_TENANTS = "volume:get_all_tenants"
UPDATE = "volume:update"
DELETE = "volume:delete"
FORCE_DELETE = "volume:force_delete"
RETYPE = "volume:retype"
GET_METADATA = "volume:get_volume_metadata"
CREATE_METADATA = "volume:create_volume_metadata"
UPDATE_METADATA = "volume:update_volume_metadata"
DELETE_METADATA = "volume:delete_volume_metadata"
HOST_ATTRIBUTE = "volume_extension:volume_host_attribute"
TENANT_ATTRIBUTE = "volume_extension:volume_tenant_attribute"
MIG_STATUS_ATTRIBUTE = "volume_extension:volume_mig_status_attribute"

_ONE = "/volumes/{volume_id}"
_METADATA = _ONE + "/metadata"
_METADATA_KEY = _METADATA + "/{key}"

_rule = base.documented

rules = [
    _rule(CREATE, base.ADMIN_OR_OWNER, "Create a volume.",
          [("POST", "/volumes")]),
    _rule(MULTIATTACH, base.ADMIN_OR_OWNER,
          "Create a volume that may be attached to several servers.",
          [("POST", "/volumes")]),
    _rule(GET, base.ADMIN_OR_OWNER, "Show a volume.", [("GET", _ONE)]),
    _rule(RETYPE, base.ADMIN_OR_OWNER, "Change a volume's type "
          "(os-retype) where its backend satisfies the new type.",
          [("POST", _ONE + "/action (os-retype)")]),
    _rule(GET_ALL, base.ADMIN_OR_OWNER,
          "List volumes, with details, or their summary.",
          [("GET", "/volumes"), ("GET", "/volumes/detail"),
           ("GET", "/volumes/summary")]),
    _rule(GET_ALL_TENANTS, base.ADMIN,
          "List the volumes of every project (``all_tenants``) or of "
          "another project (``project_id``). Without this right "
          "``all_tenants`` is ignored, as in Cinder (python-cinderclient "
          "sends it when it looks a volume up by name).",
          [("GET", "/volumes?all_tenants=1"),
           ("GET", "/volumes/detail?all_tenants=1")]),
    _rule(UPDATE, base.ADMIN_OR_OWNER,
          "Change a volume's name, description or metadata.",
          [("PUT", _ONE)]),
    _rule(DELETE, base.ADMIN_OR_OWNER, "Delete a volume.",
          [("DELETE", _ONE)]),
    _rule(FORCE_DELETE, base.ADMIN,
          "Delete a volume whatever its status (``force=True``).",
          [("DELETE", _ONE + "?force=True")]),
    _rule(GET_METADATA, base.ADMIN_OR_OWNER, "Show a volume's metadata.",
          [("GET", _METADATA), ("GET", _METADATA_KEY)]),
    _rule(CREATE_METADATA, base.ADMIN_OR_OWNER,
          "Add or change metadata items of a volume.",
          [("POST", _METADATA)]),
    _rule(UPDATE_METADATA, base.ADMIN_OR_OWNER,
          "Replace a volume's metadata or change one item.",
          [("PUT", _METADATA), ("PUT", _METADATA_KEY)]),
    _rule(DELETE_METADATA, base.ADMIN_OR_OWNER,
          "Delete a volume metadata item.", [("DELETE", _METADATA_KEY)]),
    _rule(HOST_ATTRIBUTE, base.ADMIN,
          "See a volume's host (``os-vol-host-attr:host``).",
          [("GET", _ONE), ("GET", "/volumes/detail")]),
    _rule(TENANT_ATTRIBUTE, base.ADMIN_OR_OWNER,
          "See a volume's project (``os-vol-tenant-attr:tenant_id``).",
          [("GET", _ONE), ("GET", "/volumes/detail")]),
    _rule(MIG_STATUS_ATTRIBUTE, base.ADMIN,
          "See a volume's migration status "
          "(``os-vol-mig-status-attr:*``).",
          [("GET", _ONE), ("GET", "/volumes/detail")]),
]


def list_rules():
    return rules
