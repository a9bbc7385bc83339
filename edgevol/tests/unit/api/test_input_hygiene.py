"""Strings no database column can hold are a 400 naming the field.

A lone UTF-16 surrogate (JSON ``"\\ud800"``) has no UTF-8 encoding and
NUL is refused by PostgreSQL: before ``edgevol.api.validation`` checked
every body, each of these requests was a 500 any tenant could cause. They
run on the real business layer and a real database (SQLite here; the
functional suite repeats them on PostgreSQL).
"""

import json
import urllib.parse

from edgevol.api import validation
from edgevol.tests.unit.api import base
from edgevol.tests.unit.api import fuzz

S = "\ud800"


def _bodies(ids):
    """(method, path, body, version, admin?, field) of each stored string."""
    volume = "/v3/p1/volumes/%s" % ids["volume_id"][0]
    snapshot = "/v3/p1/snapshots/%s" % ids["snapshot_id"][0]
    types = "/v3/types/%s" % ids["type_id"][0]
    connector = {"host": S}
    return [
        ("POST", "/v3/p1/volumes", {"volume": {"size": 1, "name": S}},
         None, False, "name"),
        ("POST", "/v3/p1/volumes", {"volume": {"size": 1, "description": S}},
         None, False, "description"),
        ("POST", "/v3/p1/volumes", {"volume": {
            "size": 1, "metadata": {S: "v"}}}, None, False, "metadata"),
        ("POST", "/v3/p1/volumes", {"volume": {
            "size": 1, "metadata": {"k": S}}}, None, False, "k"),
        ("PUT", volume, {"volume": {"name": S}}, None, False, "name"),
        ("POST", volume + "/metadata", {"metadata": {"k": S}}, None, False,
         "k"),
        ("PUT", volume + "/metadata", {"metadata": {"k": "a\x00"}}, None,
         False, "k"),
        ("PUT", volume + "/metadata/k", {"meta": {"k": S}}, None, False,
         "k"),
        ("POST", "/v3/p1/snapshots", {"snapshot": {
            "volume_id": ids["volume_id"][0], "name": S}}, None, False,
         "name"),
        ("POST", "/v3/p1/snapshots", {"snapshot": {
            "volume_id": ids["volume_id"][0], "description": S}}, None,
         False, "description"),
        ("PUT", snapshot, {"snapshot": {"description": S}}, None, False,
         "description"),
        ("POST", snapshot + "/metadata", {"metadata": {"k": S}}, None,
         False, "k"),
        ("PUT", snapshot + "/metadata/k", {"meta": {"k": S}}, None, False,
         "k"),
        ("POST", "/v3/types", {"volume_type": {"name": S}}, None, True,
         "name"),
        ("POST", "/v3/types", {"volume_type": {
            "name": "t", "description": S}}, None, True, "description"),
        ("POST", "/v3/types", {"volume_type": {
            "name": "t", "extra_specs": {"k": S}}}, None, True, "k"),
        ("PUT", types, {"volume_type": {"name": S}}, None, True, "name"),
        ("POST", types + "/extra_specs", {"extra_specs": {"k": S}}, None,
         True, "k"),
        ("PUT", types + "/extra_specs/k", {"k": S}, None, True, "k"),
        ("PUT", "/v3/default-types/p1", {"default_type": {
            "volume_type": S}}, "3.62", True, "volume_type"),
        ("POST", "/v3/os-compute-hosts", {"compute_host": {
            "name": S, "availability_zone": "site1"}}, None, True, "name"),
        ("POST", "/v3/p1/attachments", {"attachment": {
            "volume_uuid": ids["volume_id"][0], "connector": connector}},
         "3.27", False, "host"),
        ("PUT", "/v3/p1/attachments/%s" % ids["attachment_id"][0],
         {"attachment": {"connector": {"host": "compute1",
                                       "initiator": S}}},
         "3.27", False, "initiator"),
        ("PUT", "/v3/os-quota-sets/p1", {"quota_set": {"tenant_id": S}},
         None, True, "tenant_id"),
        ("PUT", "/v3/os-services/disable-log-reason", {
            "host": "site1@rbd", "binary": "edgevol-volume",
            "disabled_reason": S}, None, True, "disabled_reason"),
    ]


class UnstorableStringsTest(fuzz.RealAPITestCase):
    def _expect(self, response, field, value):
        self.assertEqual(
            "Invalid input for field/attribute %s. Value: %s. %s" %
            (field, ascii(value), validation.UNSTORABLE_REASON),
            self.fault(response, 400))

    def test_bodies(self):
        for method, path, body, version, admin, field in _bodies(
                self.known_args):
            token = base.ADMIN if admin else base.MEMBER
            response = self.call(method, path, body, token=token,
                                 version=version)
            bad = "a\x00" if "\\u0000" in json.dumps(body) else S
            with self.subTest(path=path, body=body):
                self._expect(response, field, bad)
        # Nothing half-written: the volume list still reads.
        self.call("GET", "/v3/p1/volumes/detail", expect=200)

    def test_nul_anywhere_in_a_body(self):
        response = self.call("POST", "/v3/p1/volumes", {"volume": {
            "size": 1, "name": "n", "user_id": ["a\x00"]}})
        self._expect(response, "user_id", "a\x00")

    def test_query_parameters(self):
        for query, field, value in [
                ({"name": "a\x00b"}, "name", "a\x00b"),
                ({"metadata": "{'k': '\\ud800'}"}, "k", S),
                ({"metadata": "{'\\x00': 'v'}"}, "metadata", "\x00")]:
            response = self.call("GET", "/v3/p1/volumes/detail?" +
                                 urllib.parse.urlencode(query))
            with self.subTest(query=query):
                self._expect(response, field, value)
        response = self.call("GET", "/v3/types?" + urllib.parse.urlencode(
            {"extra_specs": "{'k': 'v\\x00'}"}), token=base.ADMIN,
            version="3.52")
        self._expect(response, "k", "v\x00")

    def test_noauth_tokens_name_storable_callers(self):
        for token in ("u:" + "p" * 256, "u%00:p", "u:p%00"):
            with self.subTest(token=token):
                self.assertIn("Malformed noauth token", self.fault(
                    self.call("POST", "/v3/volumes", {"volume": {"size": 1}},
                              token=token), 401))

    def test_over_long_project_in_url(self):
        long_id = "p" * 256
        response = self.call("PUT", "/v3/os-quota-sets/" + long_id,
                             {"quota_set": {"volumes": 5}}, token=base.ADMIN)
        self.assertIn("Invalid input for field/attribute project_id.",
                      self.fault(response, 400))
        response = self.call("PUT", "/v3/default-types/" + long_id,
                             {"default_type": {"volume_type": "gold"}},
                             token=base.ADMIN, version="3.62")
        self.assertIn("is too long", self.fault(response, 400))
