"""Snapshot, snapshot metadata and volume action rules (Cinder's names)."""

from edgevol.policies import base

CREATE = "volume:create_snapshot"
GET = "volume:get_snapshot"
GET_ALL = "volume:get_all_snapshots"
GET_ALL_TENANTS = "volume:get_all_snapshots_all_tenants"
UPDATE = "volume:update_snapshot"
DELETE = "volume:delete_snapshot"
GET_METADATA = "volume:get_snapshot_metadata"
UPDATE_METADATA = "volume:update_snapshot_metadata"
DELETE_METADATA = "volume:delete_snapshot_metadata"
EXTENDED_ATTRIBUTES = "volume_extension:extended_snapshot_attributes"
EXTEND = "volume:extend"
EXTEND_ATTACHED = "volume:extend_attached_volume"
REVERT = "volume:revert_to_snapshot"
SET_BOOTABLE = "volume:set_bootable"

_ALL = "/snapshots"
_ONE = "/snapshots/{snapshot_id}"
_METADATA = _ONE + "/metadata"
_METADATA_KEY = _METADATA + "/{key}"
_ACTION = "/volumes/{volume_id}/action"

_rule = base.documented

rules = [
    _rule(CREATE, base.ADMIN_OR_OWNER, "Snapshot a volume.",
          [("POST", _ALL)]),
    _rule(GET, base.ADMIN_OR_OWNER, "Show a snapshot.", [("GET", _ONE)]),
    _rule(GET_ALL, base.ADMIN_OR_OWNER, "List snapshots, with details.",
          [("GET", _ALL), ("GET", _ALL + "/detail")]),
    _rule(GET_ALL_TENANTS, base.ADMIN,
          "List the snapshots of every project (``all_tenants``) or of "
          "another project (``project_id``); without this right "
          "``all_tenants`` is ignored.",
          [("GET", _ALL + "?all_tenants=1"),
           ("GET", _ALL + "/detail?all_tenants=1")]),
    _rule(UPDATE, base.ADMIN_OR_OWNER,
          "Change a snapshot's name or description.", [("PUT", _ONE)]),
    _rule(DELETE, base.ADMIN_OR_OWNER, "Delete a snapshot.",
          [("DELETE", _ONE)]),
    _rule(GET_METADATA, base.ADMIN_OR_OWNER, "Show a snapshot's metadata.",
          [("GET", _METADATA), ("GET", _METADATA_KEY)]),
    _rule(UPDATE_METADATA, base.ADMIN_OR_OWNER,
          "Add, change or replace metadata items of a snapshot.",
          [("POST", _METADATA), ("PUT", _METADATA),
           ("PUT", _METADATA_KEY)]),
    _rule(DELETE_METADATA, base.ADMIN_OR_OWNER,
          "Delete a snapshot metadata item.", [("DELETE", _METADATA_KEY)]),
    _rule(EXTENDED_ATTRIBUTES, base.ADMIN_OR_OWNER,
          "See a snapshot's progress and project "
          "(``os-extended-snapshot-attributes:*``).",
          [("GET", _ONE), ("GET", _ALL + "/detail")]),
    _rule(EXTEND, base.ADMIN_OR_OWNER, "Extend a volume (``os-extend``).",
          [("POST", _ACTION)]),
    _rule(EXTEND_ATTACHED, base.ADMIN_OR_OWNER,
          "Extend an attached volume (``os-extend``, 3.42).",
          [("POST", _ACTION)]),
    _rule(REVERT, base.ADMIN_OR_OWNER,
          "Revert a volume to one of its snapshots (``revert``, 3.40).",
          [("POST", _ACTION)]),
    _rule(SET_BOOTABLE, base.ADMIN_OR_OWNER,
          "Mark a volume bootable or not (``os-set_bootable``).",
          [("POST", _ACTION)]),
]


def list_rules():
    return rules
