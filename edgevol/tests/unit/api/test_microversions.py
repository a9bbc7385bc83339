"""Microversions: parsing, negotiation, 406, echo, and the history."""

import re

import testtools

from edgevol.api.handlers import volume_metadata
from edgevol.api.handlers import volume_types
from edgevol.api.handlers import volumes
from edgevol.api import microversions as mv
from edgevol.api import validation
from edgevol.tests.unit.api import base

MAX = str(mv.MAX_VERSION)


def history_versions():
    lines = re.findall(r"^\* (\d+\.\d+) - ", mv.__doc__, flags=re.M)
    return [mv.parse(v) for v in lines]


class HistoryTest(testtools.TestCase):
    def test_history_lists_every_version_up_to_the_maximum_once(self):
        versions = history_versions()
        expected = [mv.Version(3, minor)
                    for minor in range(mv.MAX_VERSION.minor + 1)]
        self.assertEqual(expected, versions)

    def test_every_named_version_is_in_the_history(self):
        named = {value for name, value in vars(mv).items()
                 if isinstance(value, mv.Version) and name.isupper()}
        self.assertTrue(named <= set(history_versions()),
                        named - set(history_versions()))
        self.assertEqual(mv.MAX_VERSION, max(named))
        self.assertEqual(mv.Version(3, 0), mv.MIN_VERSION)

    def test_schema_windows_cover_every_version(self):
        for module in (volumes, volume_metadata, volume_types):
            for value in vars(module).values():
                if isinstance(value, validation.Versioned):
                    self.assertEqual(mv.MIN_VERSION, value.windows[0][0])
                    for first, _ in value.windows:
                        self.assertLessEqual(first, mv.MAX_VERSION)

    def test_overlapping_windows_are_refused(self):
        self.assertRaises(ValueError, validation.Versioned,
                          (mv.GROUP_VOLUME, {}), (mv.BASE_VERSION, {}))


class ParseTest(testtools.TestCase):
    def test_parse(self):
        self.assertEqual(mv.Version(3, 13), mv.parse("3.13"))
        self.assertLess(mv.parse("3.9"), mv.parse("3.13"))
        for junk in ("3", "3.", "a.b", "3.01", "03.1", "3.1.1", "", "3.-1"):
            self.assertRaises(ValueError, mv.parse, junk)


class NegotiationTest(base.APITestCase):
    def version_of(self, response):
        self.assertEqual("OpenStack-API-Version", response.headers["Vary"])
        service, version = response.headers["OpenStack-API-Version"].split()
        self.assertEqual("volume", service)
        return version

    def test_missing_header_is_the_minimum(self):
        response = self.call("GET", "/v3/volumes", expect=200)
        self.assertEqual("3.0", self.version_of(response))

    def test_latest_is_the_maximum(self):
        response = self.call("GET", "/v3/volumes", version="latest",
                             expect=200)
        self.assertEqual(MAX, self.version_of(response))

    def test_each_supported_version_is_echoed(self):
        for minor in range(mv.MAX_VERSION.minor + 1):
            response = self.call("GET", "/v3/volumes",
                                 version="3.%d" % minor, expect=200)
            self.assertEqual("3.%d" % minor, self.version_of(response))

    def test_other_services_in_the_header_are_ignored(self):
        response = self.call("GET", "/v3/volumes", expect=200, headers={
            "OpenStack-API-Version": "compute 2.90, volume 3.7"})
        self.assertEqual("3.7", self.version_of(response))
        response = self.call("GET", "/v3/volumes", expect=200, headers={
            "OpenStack-API-Version": "compute 2.90"})
        self.assertEqual("3.0", self.version_of(response))

    def test_block_storage_is_an_alias(self):
        response = self.call("GET", "/v3/volumes", expect=200, headers={
            "OpenStack-API-Version": "block-storage 3.12"})
        self.assertEqual("3.12", self.version_of(response))

    def test_out_of_range_is_406(self):
        above = "3.%d" % (mv.MAX_VERSION.minor + 1)
        for version in (above, "2.0", "4.0", "3.999"):
            response = self.call("GET", "/v3/volumes", version=version)
            message = self.fault(response, 406)
            self.assertIn(MAX, message)
            self.assertIn("notAcceptable", response.json)

    def test_malformed_is_400(self):
        for version in ("3.x", "three", "3.01", "3..1"):
            self.fault(self.call("GET", "/v3/volumes", version=version), 400)

    def test_errors_echo_the_negotiated_version(self):
        response = self.call("GET", "/v3/volumes/nope", version="3.5")
        self.fault(response, 404)
        self.assertEqual("3.5", self.version_of(response))
