"""Every request body is checked: junk is a 400 naming the field, never 500."""

import json

from edgevol.api import request as api_request
from edgevol.api import router
from edgevol.tests.unit.api import base

RAW_JUNK = [b"", b"not json", b"{", b"[]", b"null", b"1", b'"text"', b"{}",
            b'{"unexpected": 1}', b"\xff\xfe\xfd", b"[" * 100000,
            b'{"a": NaN}']

LONG = "x" * 256
UUID = "11111111-2222-3333-4444-555555555555"

VOLUME_CREATE = [{"volume": junk} for junk in (
    None, [], "s", {}, {"size": 0}, {"size": -1}, {"size": 1.5},
    {"size": "0"}, {"size": "1.5"}, {"size": True}, {"size": 2 ** 31},
    {"size": "99999999999"}, {"size": "2147483648"}, {"size": None},
    {"size": []}, {"size": 1, "name": LONG}, {"size": 1, "name": 5},
    {"size": 1, "description": LONG}, {"size": 1, "metadata": {"k": 1}},
    {"size": 1, "metadata": {LONG: "v"}}, {"size": 1, "metadata": {"k": LONG}},
    {"size": 1, "metadata": {"bad/key": "v"}}, {"size": 1, "metadata": []},
    {"size": 1, "multiattach": "perhaps"},
    {"size": 1, "availability_zone": 1}, {"size": 1, "volume_type": {}},
    {"size": 1, "snapshot_id": "not-a-uuid"},
    {"size": 1, "source_volid": 7}, {"size": 1, "name": "a\x00b"},
    {"size": 1, "metadata": {"k": "v\x00"}})] + [
    {"volume": {"size": 1}, "extra": 1},
    {"volume": {"size": 1}, "OS-SCH-HNT:scheduler_hints": "x"}]

VOLUME_UPDATE = [{"volume": junk} for junk in (
    None, [], {"size": 2}, {"name": 1}, {"name": LONG}, {"metadata": None},
    {"metadata": {"a": 1}}, {"status": "available"})] + [{}]

METADATA = [{"metadata": None}, {"metadata": []}, {"metadata": {"a": 1}},
            {"meta": {"a": "b"}}, {"metadata": {"a": "b"}, "x": 1},
            {"metadata": {"a": {"b": "c"}}}]

METADATA_ITEM = [{"meta": {}}, {"meta": {"a": 1}}, {"meta": None},
                 {"metadata": {"a": "b"}}, {"meta": {"a": "1", "b": "2"}}]

TYPE_CREATE = [{"volume_type": junk} for junk in (
    {}, {"name": ""}, {"name": "   "}, {"name": "\x00"},
    {"name": " \x00 "}, {"name": LONG}, {"name": None},
    {"name": "x", "extra_specs": {"a": 1}},
    {"name": "x", "extra_specs": None},
    {"name": "x", "os-volume-type-access:is_public": "maybe"},
    {"name": "x", "bogus": 1}, {"name": "x", "description": LONG})]

TYPE_UPDATE = [{"volume_type": junk} for junk in (
    {}, {"name": ""}, {"is_public": "maybe"}, {"extra_specs": {}},
    {"description": 5}, [])]

EXTRA_SPECS = [{"extra_specs": None}, {"extra_specs": {"a": 1}},
               {"extra_specs": {"a": {"b": "c"}}}, {"a": "b"},
               {"extra_specs": {"bad key!": "x"}}]

EXTRA_SPEC_ITEM = [{}, {"a": 1}, {"a": "b", "c": "d"}, {"bad key!": "x"},
                   {"a": None}]

SERVICE = [{}, {"host": "h"}, {"binary": "b"}, {"host": "", "binary": "b"},
           {"host": "h\x00", "binary": "b"},
           {"host": 1, "binary": "b"}, {"host": "h", "binary": "b", "x": 1},
           {"host": LONG, "binary": "b"}]

SERVICE_REASON = SERVICE + [
    {"host": "site1@rbd", "binary": "edgevol-volume"},
    {"host": "site1@rbd", "binary": "edgevol-volume",
     "disabled_reason": "   "},
    {"host": "site1@rbd", "binary": "edgevol-volume",
     "disabled_reason": LONG}]

QUOTA = [{"quota_set": junk} for junk in (
    None, [], {"volumes": -2}, {"volumes": "x"}, {"volumes": 1.5},
    {"volumez": 1}, {"volumes": 2 ** 31}, {"volumes": True},
    {"volumes": "-5"}, {"volumes": None})] + [{"quotas": {}}]


U = "9b1c1d55-2f43-4a37-9d55-3c6fb2c1f2a1"
ATTACHMENT_CREATE = [{}, {"attachment": None}, {"attachment": {}},
                     {"attachment": {"volume_uuid": "x"}},
                     {"attachment": {"volume_uuid": U, "mode": "rx"}},
                     {"attachment": {"volume_uuid": U, "connector": 1}},
                     {"attachment": {"volume_uuid": U, "x": 1}}]
ATTACHMENT_UPDATE = [{}, {"attachment": {}},
                     {"attachment": {"connector": "h"}},
                     {"attachment": {"connector": {}, "x": 1}}]
ATTACHMENT_ACTION = [{}, {"os-complete": 1}, {"os-detach": None},
                     {"os-complete": None, "x": 1}]
QUOTA_CLASS = [{"quota_class_set": junk} for junk in (
    None, [], {"volumes": -2}, {"volumes": "x"}, {"volumes_gold": 1},
    {"id": "default"})] + [{"quota_set": {}}]
FREEZE = [{}, {"host": ""}, {"host": 1}, {"host": "site1", "x": 1},
          {"cluster": "c"}]
VOLUME_ACTION = [{}, {"os-nothing": None},
                 {"os-attach": {"mountpoint": "/dev/vdb"}},
                 {"os-attach": {"host_name": "h", "mountpoint": ""}},
                 {"os-attach": {"instance_uuid": "x", "mountpoint": "/v"}},
                 {"os-detach": {"attachment_id": "x"}},
                 {"os-initialize_connection": {}},
                 {"os-initialize_connection": {"connector": 1}},
                 {"os-terminate_connection": {"connector": 1}},
                 {"os-set_image_metadata": {"metadata": {"k": 1}}},
                 {"os-set_image_metadata": {}},
                 {"os-unset_image_metadata": {"key": ""}},
                 {"os-show_image_metadata": None, "x": 1},
                 {"os-force_detach": {"attachment_id": "x"}},
                 {"os-force_detach": {"x": 1}},
                 {"os-force_detach": None, "os-extend": {}},
                 {"os-extend": {}}, {"os-extend": {"new_size": 0}},
                 {"os-extend": {"new_size": "x"}}, {"os-extend": None},
                 {"revert": {}}, {"revert": {"snapshot_id": 1}},
                 {"os-set_bootable": {}},
                 {"os-set_bootable": {"bootable": "maybe"}},
                 {"os-reset_status": None}, {"os-reset_status": {}},
                 {"os-reset_status": {"status": "bogus"}},
                 {"os-reset_status": {"attach_status": "reserved"}},
                 {"os-reset_status": {"status": 1}},
                 {"os-reset_status": {"state": "error"}},
                 {"os-force_delete": 1}, {"os-force_delete": []},
                 {"os-retype": {}}, {"os-retype": {"new_type": ""}},
                 {"os-retype": {"new_type": "t", "x": 1}},
                 {"os-retype": {"new_type": "t",
                                "migration_policy": "always"}}]
SNAPSHOT_ACTION = [{}, {"os-nothing": None}, {"os-reset_status": None},
                   {"os-reset_status": {}},
                   {"os-reset_status": {"status": "in-use"}},
                   {"os-force_delete": "now"},
                   {"os-update_snapshot_status": {}},
                   {"os-update_snapshot_status": {"status": "error",
                                                  "progress": "200%"}},
                   {"os-update_snapshot_status": {"status": "error",
                                                  "progress": "half"}},
                   {"os-update_snapshot_status": {"status": "error",
                                                  "x": 1}}]
COMPUTE_HOST = [{}, {"compute_host": {"name": "h"}},
                {"compute_host": {"name": "", "availability_zone": "a"}},
                {"compute_host": {"name": "h", "availability_zone": "a",
                                  "x": 1}}]
DEFAULT_TYPE = [{}, {"default_type": None}, {"default_type": {}},
                {"default_type": {"volume_type": ""}},
                {"default_type": {"volume_type": 1}},
                {"default_type": {"volume_type": LONG}},
                {"default_type": {"volume_type": "gold", "x": 1}},
                {"default_type": {"volume_type": "gold"}, "x": 1}]
SNAPSHOT_CREATE = [{"snapshot": junk} for junk in (
    None, [], {}, {"volume_id": 1}, {"volume_id": U, "force": "maybe"},
    {"volume_id": U, "name": LONG}, {"volume_id": U, "metadata": {"k": 1}},
    {"volume_id": U, "x": 1})] + [{"snapshot": {"volume_id": U}, "x": 1}]

SNAPSHOT_UPDATE = [{"snapshot": junk} for junk in (
    None, [], {}, {"name": 1}, {"description": LONG},
    {"status": "available"})] + [{}]
BACKUP_CREATE = [{"backup": junk} for junk in (
    None, [], {}, {"volume_id": 1}, {"volume_id": U, "force": "maybe"},
    {"volume_id": U, "incremental": "maybe"}, {"volume_id": U, "name": LONG},
    {"volume_id": U, "metadata": {"k": 1}}, {"volume_id": U, "size": 1},
    {"volume_id": U, "availability_zone": 1})] + [
    {"backup": {"volume_id": U}, "x": 1}]
BACKUP_UPDATE = [{"backup": junk} for junk in (
    None, [], {}, {"name": 1}, {"description": LONG}, {"metadata": []},
    {"status": "available"})] + [{}]
BACKUP_RESTORE = [{}, {"restore": []}, {"restore": {"volume_id": 1}},
                  {"restore": {"name": LONG}}, {"restore": {"x": 1}},
                  {"restore": {}, "x": 1}]
BACKUP_IMPORT = [{}, {"backup-record": None}, {"backup-record": {}},
                 {"backup-record": {"backup_service": "s"}},
                 {"backup-record": {"backup_service": 1, "backup_url": "u"}},
                 {"backup-record": {"backup_service": "s", "backup_url": "u",
                                    "x": 1}}]
BACKUP_ACTION = [{}, {"os-nothing": None}, {"os-reset_status": None},
                 {"os-reset_status": {}}, {"os-reset_status": {"status": 1}},
                 {"os-reset_status": {"status": "error", "x": 1}},
                 {"os-force_delete": None, "os-reset_status": {}}]

TYPE_ACTION = [{}, {"addProjectAccess": None}, {"addProjectAccess": {}},
               {"addProjectAccess": {"project": ""}},
               {"removeProjectAccess": {"project": 1}},
               {"addProjectAccess": {"project": "p", "x": 1}},
               {"addProjectAccess": {"project": "p"}, "x": 1},
               {"grantEverything": {"project": "p"}}]
TRANSFER_CREATE = [{"transfer": junk} for junk in (
    None, [], {}, {"volume_id": "not-a-uuid"}, {"volume_id": 1},
    {"volume_id": U, "name": LONG}, {"volume_id": U, "no_snapshots": "x"},
    {"volume_id": U, "x": 1})] + [{"transfer": {"volume_id": U}, "x": 1}]
TRANSFER_ACCEPT = [{}, {"accept": None}, {"accept": {}},
                   {"accept": {"auth_key": None}},
                   {"accept": {"auth_key": LONG}},
                   {"accept": {"auth_key": "k", "x": 1}}]
QOS_CREATE = [{"qos_specs": junk} for junk in (
    None, [], {}, {"name": ""}, {"name": LONG}, {"name": "q", "k": 1},
    {"name": "q", "bad/key": "v"}, {"name": "q", "k": LONG})] + [{}]
ENCRYPTION = [{}, {"encryption": None}, {"encryption": {"x": 1}},
              {"encryption": {"provider": ""}},
              {"encryption": {"provider": "luks", "key_size": -1}},
              {"encryption": {"provider": "luks", "key_size": "big"}},
              {"encryption": {"provider": "luks",
                              "control_location": "middle"}},
              {"encryption": {"provider": LONG}}]
QOS_KEYS = [{}, {"qos_specs": None}, {"qos_specs": {}},
            {"qos_specs": {"k": 1}}, {"qos_specs": {"k": "v"}, "x": 1}]
QOS_DELETE_KEYS = [{}, {"keys": None}, {"keys": []}, {"keys": [1]},
                   {"keys": "k"}, {"keys": ["bad/key"]}]


class SchemaTest(base.APITestCase):
    def setUp(self):
        super().setUp()
        volume = self.create_volume(metadata={"a": "1"})
        gold = self.call("POST", "/v3/types", {"volume_type": {
            "name": "gold", "extra_specs": {"a": "1"}}},
            token=base.ADMIN).json["volume_type"]
        v, t = volume["id"], gold["id"]
        self.targets = [
            ("POST", "/v3/volumes", VOLUME_CREATE),
            ("PUT", "/v3/volumes/%s" % v, VOLUME_UPDATE),
            ("POST", "/v3/volumes/%s/metadata" % v, METADATA),
            ("PUT", "/v3/volumes/%s/metadata" % v, METADATA),
            ("PUT", "/v3/volumes/%s/metadata/a" % v, METADATA_ITEM),
            ("POST", "/v3/snapshots", SNAPSHOT_CREATE),
            ("PUT", "/v3/snapshots/%s" % U, SNAPSHOT_UPDATE),
            ("POST", "/v3/snapshots/%s/metadata" % U, METADATA),
            ("PUT", "/v3/snapshots/%s/metadata" % U, METADATA),
            ("PUT", "/v3/snapshots/%s/metadata/a" % U, METADATA_ITEM),
            ("POST", "/v3/snapshots/%s/action" % U, SNAPSHOT_ACTION),
            ("POST", "/v3/types", TYPE_CREATE),
            ("PUT", "/v3/types/%s" % t, TYPE_UPDATE),
            ("POST", "/v3/types/%s/extra_specs" % t, EXTRA_SPECS),
            ("PUT", "/v3/types/%s/extra_specs/a" % t, EXTRA_SPEC_ITEM),
            ("PUT", "/v3/os-services/enable", SERVICE),
            ("PUT", "/v3/os-services/disable", SERVICE),
            ("PUT", "/v3/os-services/disable-log-reason", SERVICE_REASON),
            ("PUT", "/v3/os-quota-sets/p1", QUOTA),
            ("POST", "/v3/types/%s/action" % t, TYPE_ACTION),
            ("POST", "/v3/types/%s/encryption" % t, ENCRYPTION),
            ("PUT", "/v3/types/%s/encryption/%s" % (t, U),
             ENCRYPTION[1:3] + ENCRYPTION[4:]),
            ("POST", "/v3/os-volume-transfer", TRANSFER_CREATE),
            ("POST", "/v3/os-volume-transfer/%s/accept" % U,
             TRANSFER_ACCEPT),
            ("POST", "/v3/qos-specs", QOS_CREATE),
            ("PUT", "/v3/qos-specs/%s" % U, QOS_KEYS),
            ("PUT", "/v3/qos-specs/%s/delete_keys" % U, QOS_DELETE_KEYS),
            ("PUT", "/v3/os-quota-class-sets/default", QUOTA_CLASS),
            ("PUT", "/v3/os-services/freeze", FREEZE),
            ("PUT", "/v3/os-services/thaw", FREEZE),
            ("POST", "/v3/backups", BACKUP_CREATE),
            ("POST", "/v3/backups/%s/restore" % U, BACKUP_RESTORE),
            ("POST", "/v3/backups/import_record", BACKUP_IMPORT),
            ("POST", "/v3/backups/%s/action" % U, BACKUP_ACTION),
        ]
        # Routes that exist from a later microversion on: junk is checked
        # at "latest" only (before their version they are 404s).
        a = "9b1c1d55-2f43-4a37-9d55-3c6fb2c1f2a1"
        self.later_targets = [
            ("POST", "/v3/attachments", ATTACHMENT_CREATE),
            ("PUT", "/v3/attachments/%s" % a, ATTACHMENT_UPDATE),
            ("POST", "/v3/attachments/%s/action" % a, ATTACHMENT_ACTION),
            ("POST", "/v3/volumes/%s/action" % v, VOLUME_ACTION),
            ("POST", "/v3/os-compute-hosts", COMPUTE_HOST),
            ("PUT", "/v3/default-types/p1", DEFAULT_TYPE),
            ("POST", "/v3/volume-transfers", TRANSFER_CREATE),
            ("POST", "/v3/volume-transfers/%s/accept" % U, TRANSFER_ACCEPT),
            ("PUT", "/v3/backups/%s" % U, BACKUP_UPDATE),
        ]

    def test_every_body_taking_route_is_covered(self):
        routes = router.RouteMap(router.ROUTES)
        covered = set()
        for method, path, _ in self.targets + self.later_targets:
            methods, _ = routes.match(path[len("/v3/"):].split("/"))
            covered.add(methods[method])
        expected = {handler for methods in router.ROUTES.values()
                    for method, handler in methods.items()
                    if method in ("POST", "PUT")}
        self.assertEqual(expected, covered)

    def test_junk_bodies_are_400_at_every_microversion(self):
        for method, path, bodies in self.targets:
            for version in ("3.0", "latest"):
                for body in bodies:
                    response = self.call(method, path, raw=json.dumps(
                        body).encode(), token=base.ADMIN, version=version,
                        headers={"Content-Type": "application/json"})
                    self.fault(response, 400)

    def test_junk_bodies_of_later_routes_are_400(self):
        for method, path, bodies in self.later_targets:
            for body in bodies:
                response = self.call(method, path, raw=json.dumps(
                    body).encode(), token=base.ADMIN, version="latest",
                    headers={"Content-Type": "application/json"})
                self.fault(response, 400)

    def test_raw_junk_is_400(self):
        for method, path, _ in self.targets:
            for raw in RAW_JUNK:
                response = self.call(
                    method, path, raw=raw, token=base.ADMIN,
                    headers={"Content-Type": "application/json"})
                self.fault(response, 400)

    def test_messages_name_the_field(self):
        response = self.call("POST", "/v3/volumes",
                             {"volume": {"size": 1, "name": 5}})
        self.assertEqual("Invalid input for field/attribute name. Value: 5. "
                         "5 is not of type 'string', 'null'",
                         self.fault(response, 400))
        response = self.call("POST", "/v3/volumes", {"volume": {}})
        self.assertIn("'size' is a required property",
                      self.fault(response, 400))

    def test_other_media_types_are_415(self):
        response = self.call("POST", "/v3/volumes", raw=b"size=1",
                             headers={"Content-Type":
                                      "application/x-www-form-urlencoded"})
        self.fault(response, 415)

    def test_no_content_type_is_read_as_json(self):
        response = self.call("POST", "/v3/volumes",
                             raw=b'{"volume": {"size": 1}}')
        self.assertEqual(202, response.status_int)

    def test_too_large_is_413(self):
        raw = b" " * (api_request.MAX_BODY_BYTES + 1)
        response = self.call("POST", "/v3/volumes", raw=raw,
                             headers={"Content-Type": "application/json"})
        self.assertIn("overLimit", response.json)
        self.fault(response, 413)

    def test_nul_characters_in_urls_are_400(self):
        for path in ("/v3/types/%00", "/v3/volumes/detail?name=a%00b",
                     "/v3/volumes?sort=name%00"):
            self.fault(self.call("GET", path), 400)

    def test_bad_content_length_is_400(self):
        response = self.call("POST", "/v3/volumes", raw=b"{}",
                             headers={"Content-Length": "ten"})
        self.fault(response, 400)
