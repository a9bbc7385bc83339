"""tempest.conf from the environment, and the gate's verdict."""

import configparser

import testtools

from edgevol.devenv import tempest

STATUS = {"keystone": {
    "endpoint": "http://127.0.0.1:5000/v3", "region": "RegionOne",
    "domain": "Default",
    "admin": {"username": "admin", "password": "pw", "project_name": "admin"}}}


class ConfTest(testtools.TestCase):
    def test_conf_points_tempest_at_edgevol_behind_keystone(self):
        conf = configparser.ConfigParser(interpolation=None)
        conf.read_string(tempest.render_conf(STATUS, "3.66", "/tmp/lock",
                                             "img-1"))
        self.assertEqual("img-1", conf["compute"]["image_ref"])
        self.assertEqual("os-vol-host-attr", conf["volume-feature-enabled"][
            "api_extensions"].split(",")[0])
        self.assertEqual("pw", conf["auth"]["admin_password"])
        self.assertEqual("block-storage", conf["volume"]["catalog_type"])
        self.assertEqual("3.66", conf["volume"]["max_microversion"])
        self.assertEqual("true", conf["service_available"]["glance"])
        self.assertEqual("false", conf["service_available"]["nova"])


class GateTest(testtools.TestCase):
    def test_ids_lose_attributes_and_class_fixtures_name_their_class(self):
        self.assertEqual("a.b.C.test_x",
                         tempest.normalize("a.b.C.test_x[id-1,smoke]"))
        self.assertEqual("a.b.C.setUpClass",
                         tempest.normalize("setUpClass (a.b.C)"))

    def test_lists_take_reasons_and_comments(self):
        self.assertEqual({"a.T.test_1": "", "a.T.test_2": "needs Nova"},
                         tempest.read_list("# header\na.T.test_1\n"
                                           "a.T.test_2 - needs Nova  # x\n"))

    def test_verdict(self):
        verdict = tempest.compare(
            {"a.T.test_1[id-1]": "success", "a.T.test_2": "fail",
             "a.T.test_3": "success", "a.T.test_4": "fail",
             "a.T.test_5": "skip"},
            must_pass={"a.T.test_1": "", "a.T.test_2": ""},
            known_failing={"a.T.test_4": "not implemented"})
        self.assertEqual(["a.T.test_2"], verdict["broken"])
        self.assertEqual(["a.T.test_3"], verdict["newly_passing"])
        self.assertEqual(["a.T.test_5"], verdict["unlisted"])
