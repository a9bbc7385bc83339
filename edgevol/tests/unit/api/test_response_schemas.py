"""Every view, at every microversion and for members and administrators,
matches its response schema (``edgevol.api.schemas.responses``): Cinder's
exact keys, nothing more (``additionalProperties: false``)."""

import datetime
import types

import jsonschema
import testtools

from edgevol.api import microversions as mv
from edgevol.api.schemas.responses import extensions as extension_schemas
from edgevol.api.schemas.responses import services as service_schemas
from edgevol.api.schemas.responses import snapshots as snapshot_schemas
from edgevol.api.schemas.responses import volume_types as type_schemas
from edgevol.api.schemas.responses import volumes as volume_schemas
from edgevol.api.views import snapshots as snapshot_views
from edgevol.tests.unit.api import base

VERSIONS = [mv.Version(3, minor) for minor in range(mv.MAX_VERSION.minor + 1)]
TOKENS = (base.MEMBER, base.ADMIN)


def check(schema, body):
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(body, schema,
                        cls=jsonschema.Draft202012Validator)


class SchemasAreStrictTest(testtools.TestCase):
    """The schemas refuse what Cinder does not return, so the checks below
    can fail."""

    def test_create_answer_refuses_show_only_and_unknown_keys(self):
        volume = {key: None for key in volume_schemas.BASE}
        for key in ("os-vol-host-attr:host", "os-vol-tenant-attr:tenant_id",
                    "status_reason"):
            self.assertRaises(jsonschema.ValidationError, check,
                              volume_schemas.created(mv.BASE_VERSION),
                              {"volume": dict(volume, **{key: "x"})})

    def test_type_update_refuses_the_access_key(self):
        vtype = {"id": "5f1b2c7e-0d7a-4d52-9a38-0e6c1f3a7b11", "name": "t",
                 "description": None, "is_public": True, "extra_specs": {}}
        check(type_schemas.UPDATED, {"volume_type": vtype})
        self.assertRaises(jsonschema.ValidationError, check,
                          type_schemas.UPDATED, {"volume_type": dict(
                              vtype, **{"os-volume-type-access:is_public":
                                        True})})


class VolumeSchemasTest(base.APITestCase):
    def test_every_volume_view(self):
        for version in VERSIONS:
            for token in TOKENS:
                at = str(version)
                created = self.call(
                    "POST", "/v3/volumes", {"volume": {"size": 1}},
                    token=token, version=at, expect=202).json
                check(volume_schemas.created(version), created)
                path = "/v3/volumes/%s" % created["volume"]["id"]
                check(volume_schemas.show(version), self.call(
                    "GET", path, token=token, version=at, expect=200).json)
                check(volume_schemas.created(version), self.call(
                    "PUT", path, {"volume": {"name": "n"}}, token=token,
                    version=at, expect=200).json)
                for detailed, url in ((False, "/v3/volumes?limit=1"),
                                      (True, "/v3/volumes/detail")):
                    check(volume_schemas.index(version, detailed), self.call(
                        "GET", url, token=token, version=at,
                        expect=200).json)


class VolumeTypeSchemasTest(base.APITestCase):
    def test_every_type_view(self):
        for version in VERSIONS:
            at = str(version)
            created = self.call("POST", "/v3/types", {"volume_type": {
                "name": "t%s" % at, "extra_specs": {"multiattach": "x"}}},
                token=base.ADMIN, version=at, expect=200).json
            check(type_schemas.CREATED, created)
            path = "/v3/types/%s" % created["volume_type"]["id"]
            check(type_schemas.UPDATED, self.call(
                "PUT", path, {"volume_type": {"description": "d"}},
                token=base.ADMIN, version=at, expect=200).json)
            for token in TOKENS:
                check(type_schemas.SHOW, self.call(
                    "GET", path, token=token, version=at, expect=200).json)
                check(type_schemas.INDEX, self.call(
                    "GET", "/v3/types", token=token, version=at,
                    expect=200).json)


class ServiceSchemasTest(base.APITestCase):
    def test_list_and_answers(self):
        for version in VERSIONS:
            check(service_schemas.index(version), self.call(
                "GET", "/v3/os-services", token=base.ADMIN,
                version=str(version), expect=200).json)
        for action, schema in (
                ("disable", service_schemas.DISABLED),
                ("enable", service_schemas.WITH_REASON),
                ("disable-log-reason", service_schemas.WITH_REASON)):
            check(schema, self.call(
                "PUT", "/v3/os-services/" + action,
                {"host": "site1@rbd", "binary": "cinder-volume",
                 "disabled_reason": "x"} if action.endswith("reason") else
                {"host": "site1@rbd", "binary": "cinder-volume"},
                token=base.ADMIN, expect=200).json)


class ExtensionSchemasTest(base.APITestCase):
    def test_extensions_list_what_edgevol_serves(self):
        body = self.call("GET", "/v3/extensions", expect=200).json
        check(extension_schemas.INDEX, body)
        aliases = {e["alias"] for e in body["extensions"]}
        self.assertIn("os-vol-host-attr", aliases)
        # The edgevol extension key volumes may carry is documented here.
        self.assertIn("os-vol-flatten-attr", aliases)


NOW = datetime.datetime(2026, 11, 24, 12, 0, 0, 123456)
SNAPSHOT = {"id": "0b8b4b4e-9d2c-4a8e-8f3e-7f4c1a2b3c4d", "created_at": NOW,
            "updated_at": None, "name": "n", "description": None,
            "volume_id": "6a1f0c52-3b7e-4c9d-a2e8-5d4f3c2b1a09",
            "status": "available", "volume_size": 3, "metadata": {"k": "v"},
            "progress": "100%", "project_id": "p1", "user_id": "u1"}


class SnapshotSchemasTest(testtools.TestCase):
    def request(self, version):
        return types.SimpleNamespace(
            version=version, params={},
            resource_url=lambda *parts, **kw: "/v3/" + "/".join(parts))

    def test_every_snapshot_view(self):
        for version in VERSIONS:
            req = self.request(version)
            for extended in (False, True):
                check(snapshot_schemas.show(version, extended),
                      snapshot_views.show(req, SNAPSHOT, extended))
                check(snapshot_schemas.index(version, True, extended),
                      snapshot_views.index(req, [SNAPSHOT], 1,
                                           ("snapshots", "detail"),
                                           extended))
            check(snapshot_schemas.created(version),
                  snapshot_views.show(req, SNAPSHOT, extended=False))
            check(snapshot_schemas.index(version, False),
                  snapshot_views.index(req, [SNAPSHOT], 1, ("snapshots",)))
