"""/volumes through the app: create, read, list, update, delete."""

import urllib.parse

from edgevol.tests.unit.api import base


class CreateTest(base.APITestCase):
    def test_create_passes_everything_and_answers_202(self):
        volume = self.create_volume(
            size="3", name="db", description="data",
            availability_zone="site2", metadata={"k": "v"})
        self.assertEqual(("db", "data", 3, "site2", "creating", {"k": "v"}),
                         (volume["name"], volume["description"],
                          volume["size"], volume["availability_zone"],
                          volume["status"], volume["metadata"]))
        self.assertEqual(("create", 3, "db", "site2"),
                         self.apis.volumes.calls[-1])

    def test_legacy_names_and_empty_strings(self):
        volume = self.create_volume(
            display_name="old", display_description="d",
            availability_zone="", volume_type="")
        self.assertEqual(("old", "d", "site1", "__DEFAULT__"),
                         (volume["name"], volume["description"],
                          volume["availability_zone"],
                          volume["volume_type"]))

    def test_what_clients_send_as_null_is_accepted(self):
        # openstacksdk's body at 3.31 (backup_id is unknown before 3.47
        # and ignored, as in Cinder).
        volume = self.create_volume(
            availability_zone=None, source_volid=None,
            consistencygroup_id=None, volume_type=None, snapshot_id=None,
            metadata=None, backup_id=None, description=None, name="v",
            imageRef=None)
        self.assertEqual("v", volume["name"])

    def test_sources_that_are_not_supported_are_refused(self):
        uuid = "11111111-2222-3333-4444-555555555555"
        response = self.call("POST", "/v3/volumes", {"volume": {
            "size": 1, "consistencygroup_id": uuid}})
        self.assertIn("consistencygroup_id", self.fault(response, 400))
        response = self.call("POST", "/v3/volumes", {
            "volume": {"size": 1},
            "OS-SCH-HNT:scheduler_hints": {"same_host": [uuid]}})
        self.assertIn("hints", self.fault(response, 400))

    def test_image_ref_and_v1_image_id_reach_the_volume_api(self):
        for field in ("imageRef", "image_id"):
            self.call("POST", "/v3/volumes", {"volume": {
                "size": 1, field: "img-%s" % field}}, expect=202)
        self.assertEqual(["img-imageRef", "img-image_id"],
                         self.apis.volumes.image_ids)

    def test_group_id_counts_from_3_13(self):
        body = {"volume": {"size": 1, "group_id": "g"}}
        self.call("POST", "/v3/volumes", body, version="3.12", expect=202)
        response = self.call("POST", "/v3/volumes", body, version="3.13")
        self.assertIn("group", self.fault(response, 400))

    def test_unknown_zone_and_type_are_the_business_layers_errors(self):
        response = self.call("POST", "/v3/volumes", {
            "volume": {"size": 1, "availability_zone": "mars"}})
        self.assertIn("site1, site2", self.fault(response, 400))
        response = self.call("POST", "/v3/volumes", {
            "volume": {"size": 1, "volume_type": "nope"}})
        self.fault(response, 404)

    def test_multiattach_is_parsed(self):
        volume = self.create_volume(multiattach="true")
        self.assertTrue(volume["multiattach"])
        volume = self.create_volume(multiattach=False)
        self.assertFalse(volume["multiattach"])


class ShowUpdateDeleteTest(base.APITestCase):
    def test_show_own_and_not_anothers(self):
        volume = self.create_volume()
        path = "/v3/volumes/%s" % volume["id"]
        self.assertEqual(volume["id"],
                         self.call("GET", path).json["volume"]["id"])
        self.fault(self.call("GET", path, token=base.OTHER), 404)
        self.call("GET", path, token=base.ADMIN, expect=200)

    def test_a_name_in_place_of_an_id_is_404(self):
        self.create_volume(name="byname")
        self.fault(self.call("GET", "/v3/volumes/byname"), 404)
        found = self.call("GET", "/v3/volumes/detail?name=byname").json
        self.assertEqual(["byname"], [v["name"] for v in found["volumes"]])

    def test_update_name_description_and_metadata(self):
        volume = self.create_volume(name="a", metadata={"old": "1"})
        path = "/v3/volumes/%s" % volume["id"]
        updated = self.call("PUT", path, {"volume": {
            "name": "b", "description": "d", "metadata": {"new": "2"}}},
            expect=200).json["volume"]
        self.assertEqual(("b", "d", {"new": "2"}), (
            updated["name"], updated["description"], updated["metadata"]))
        updated = self.call("PUT", path, {"volume": {"display_name": None}},
                            expect=200).json["volume"]
        self.assertIsNone(updated["name"])
        self.assertEqual("d", updated["description"])
        self.fault(self.call("PUT", path, {"volume": {"name": "x"}},
                             token=base.OTHER), 404)

    def test_delete_parses_cascade_and_force_like_cinder(self):
        volume = self.create_volume()
        self.apis.volumes.volumes[volume["id"]]["status"] = "available"
        path = "/v3/volumes/%s?cascade=False&force=False" % volume["id"]
        response = self.call("DELETE", path, version="3.31", expect=202)
        self.assertEqual(b"", response.body)
        self.assertEqual(("delete", volume["id"], False, False),
                         self.apis.volumes.calls[-1])

    def test_force_is_ignored_before_3_23_and_admin_only_after(self):
        volume = self.create_volume()
        path = "/v3/volumes/%s?force=true" % volume["id"]
        message = self.fault(self.call("DELETE", path, version="3.22"), 400)
        self.assertIn("creating", message)
        self.fault(self.call("DELETE", path, version="3.23"), 403)
        self.call("DELETE", path, version="3.23", token=base.ADMIN,
                  expect=202)

    def test_bad_booleans_are_400(self):
        volume = self.create_volume()
        response = self.call("DELETE",
                             "/v3/volumes/%s?cascade=maybe" % volume["id"])
        self.assertIn("cascade", self.fault(response, 400))


class ListTest(base.APITestCase):
    def setUp(self):
        super().setUp()
        self.ids = [self.create_volume(name="v%d" % i, size=i + 1)["id"]
                    for i in range(5)]
        self.create_volume(token=base.OTHER, name="theirs")

    def names(self, path, **kwargs):
        response = self.call("GET", path, expect=200, **kwargs)
        return [v["name"] for v in response.json["volumes"]]

    def test_summary_list_has_ids_names_links_only(self):
        body = self.call("GET", "/v3/volumes", expect=200).json
        self.assertEqual({"id", "name", "links"}, set(body["volumes"][0]))
        self.assertEqual(["v4", "v3", "v2", "v1", "v0"],
                         [v["name"] for v in body["volumes"]])

    def test_pagination_follows_next_links(self):
        path, seen = "/v3/volumes/detail?limit=2&sort=name:asc", []
        while path:
            body = self.call("GET", path, expect=200).json
            seen += [v["name"] for v in body["volumes"]]
            links = body.get("volumes_links")
            path = None
            if links:
                self.assertEqual("next", links[0]["rel"])
                url = urllib.parse.urlsplit(links[0]["href"])
                self.assertEqual("/v3/volumes/detail", url.path)
                self.assertIn("limit=2", url.query)
                path = url.path + "?" + url.query
        self.assertEqual(["v0", "v1", "v2", "v3", "v4"], seen)

    def test_max_limit_caps_the_page(self):
        self.conf.set_override("max_limit", 3, group="api")
        body = self.call("GET", "/v3/volumes?limit=100", expect=200).json
        self.assertEqual(3, len(body["volumes"]))
        self.assertIn("volumes_links", body)

    def test_offset_and_limit_zero(self):
        self.assertEqual(["v1", "v2"], self.names(
            "/v3/volumes?sort_key=name&sort_dir=asc&offset=1&limit=2"))
        self.assertEqual([], self.names("/v3/volumes?limit=0"))

    def test_sorting_styles(self):
        self.assertEqual(["v0", "v1", "v2", "v3", "v4"],
                         self.names("/v3/volumes?sort=size:asc,name"))
        self.assertEqual(["v4", "v3", "v2", "v1", "v0"],
                         self.names("/v3/volumes?sort_key=size"))
        # python-cinderclient's ``--sort name:asc``.
        self.assertEqual(["v0", "v1", "v2", "v3", "v4"],
                         self.names("/v3/volumes?sort=display_name:asc"))
        for query, word in (("sort=size:up", "direction"),
                            ("sort=size&sort_key=name", "sort_key"),
                            ("sort=colour", "colour"),
                            ("sort=,", "Empty"),
                            ("limit=-1", "limit"), ("limit=x", "limit"),
                            ("offset=-2", "offset")):
            response = self.call("GET", "/v3/volumes?" + query)
            self.assertIn(word, self.fault(response, 400), query)

    def test_filters(self):
        self.apis.volumes.volumes[self.ids[0]]["bootable"] = True
        self.apis.volumes.volumes[self.ids[1]]["metadata"] = {"a": "b"}
        self.assertEqual(["v2"], self.names("/v3/volumes?name=v2"))
        self.assertEqual(["v0"], self.names(
            "/v3/volumes?bootable=true", version="3.2"))
        self.assertEqual(["v1"], self.names(
            "/v3/volumes?metadata=" + urllib.parse.quote("{'a': 'b'}")))
        self.assertEqual(["v1"], self.names(
            "/v3/volumes?metadata=" + urllib.parse.quote('{"a": "b"}')))
        self.assertEqual(5, len(self.names(
            "/v3/volumes?availability_zone=site1&status=creating")))
        self.fault(self.call("GET", "/v3/volumes?metadata=junk"), 400)
        self.fault(self.call("GET", "/v3/volumes?metadata=%5B1%5D"), 400)

    def test_bootable_before_3_2_treats_anything_but_false_as_true(self):
        self.apis.volumes.volumes[self.ids[0]]["bootable"] = True
        self.assertEqual(["v0"], self.names("/v3/volumes?bootable=junk",
                                            version="3.1"))
        self.assertEqual(4, len(self.names("/v3/volumes?bootable=False",
                                           version="3.1")))
        response = self.call("GET", "/v3/volumes?bootable=junk",
                             version="3.2")
        self.assertIn("bootable", self.fault(response, 400))

    def test_unsupported_filters_ignored_before_3_31_refused_after(self):
        self.assertEqual(5, len(self.names(
            "/v3/volumes?glance_metadata=x&group_id=g", version="3.30")))
        response = self.call("GET", "/v3/volumes?group_id=g&colour=red",
                             version="3.31")
        self.assertIn("colour, group_id", self.fault(response, 400))

    def test_all_tenants_for_admins_ignored_for_others(self):
        self.assertEqual(5, len(self.names("/v3/volumes?all_tenants=1")))
        self.assertEqual(6, len(self.names("/v3/volumes?all_tenants=1",
                                           token=base.ADMIN)))
        self.assertEqual(["theirs"], self.names(
            "/v3/volumes?all_tenants=1&project_id=p2", token=base.ADMIN))
        self.assertEqual([], self.names("/v3/volumes", token=base.ADMIN))

    def test_another_projects_filter_is_forbidden_to_members(self):
        self.fault(self.call("GET", "/v3/volumes?project_id=p2"), 403)
        self.assertEqual(5, len(self.names("/v3/volumes?project_id=p1")))

    def test_summary_needs_3_12(self):
        self.fault(self.call("GET", "/v3/volumes/summary"), 404)
        body = self.call("GET", "/v3/volumes/summary?name=v2",
                         version="3.12", expect=200).json
        self.assertEqual({"volume-summary": {"total_count": 1,
                                             "total_size": 3}}, body)
        body = self.call("GET", "/v3/volumes/summary", version="3.31",
                         expect=200).json
        self.assertEqual({"total_count": 5, "total_size": 15},
                         body["volume-summary"])
