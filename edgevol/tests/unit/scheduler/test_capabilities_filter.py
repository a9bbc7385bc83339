"""CapabilitiesFilter: Cinder's extra spec operators and key scopes."""

import testtools

from edgevol.scheduler.filters import capabilities
from edgevol.tests.unit.scheduler import data

# (reported capability, extra spec value, matches?)
OPERATOR_TABLE = [
    # plain value: equality with the value itself
    ("rbd", "rbd", True),
    ("rbd", "lvm", False),
    (True, "True", False),
    # <is>: booleans, either side may be text
    (True, "<is> True", True),
    ("true", "<is> True", True),
    (False, "<is> True", False),
    (False, "<is> False", True),
    (None, "<is> False", False),
    # numeric comparisons; "=" means "at least"
    (100, "= 50", True),
    (100, "= 100", True),
    (100, "= 150", False),
    ("10", "== 10.0", True),
    (10, "== 11", False),
    (10, "!= 11", True),
    (10, "!= 10", False),
    (10, ">= 10", True),
    (9.5, ">= 10", False),
    (10, "<= 10", True),
    (11, "<= 10", False),
    ("fast", ">= 10", False),
    (10, ">= fast", False),
    (None, ">= 1", False),
    (10, ">=", False),
    # string comparisons
    ("abc", "s== abc", True),
    ("abc", "s== abd", False),
    ("abc", "s!= abd", True),
    ("abc", "s< abd", True),
    ("abd", "s< abc", False),
    ("abc", "s<= abc", True),
    ("abd", "s> abc", True),
    ("abc", "s>= abd", False),
    (10, "s== 10", False),
    (10, "s< 20", False),
    # <in>: substring of the capability
    ("ceph rbd", "<in> rbd", True),
    ("ceph", "<in> rbd", False),
    (10, "<in> 1", False),
    # <or>: any alternative, compared as text
    ("ssd", "<or> hdd <or> ssd", True),
    ("nvme", "<or> hdd <or> ssd", False),
    ("hdd", "<or> hdd", True),
    (None, "<or> hdd", False),
    # an unknown first word is no operator: the whole text is the value
    ("<like> x", "<like> x", True),
    ("x", "<like> x", False),
]


class MatchTest(testtools.TestCase):
    def test_operator_table(self):
        for value, requirement, expected in OPERATOR_TABLE:
            self.assertEqual(expected,
                             capabilities.match(value, requirement),
                             "%r vs %r" % (value, requirement))


class CapabilitiesFilterTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.filter = capabilities.CapabilitiesFilter()
        self.backend = data.backend(
            "site1@rbd#volumes", multiattach=True,
            features=["layering", "fast-diff"],
            encryption={"luks": {"version": 2}})

    def rejection(self, extra_specs, backend=None):
        return self.filter.describe_rejection(
            backend or self.backend, data.spec(extra_specs=extra_specs,
                                               type_name="gold"))

    def test_no_type_or_no_specs_pass(self):
        self.assertIsNone(self.filter.describe_rejection(
            self.backend, data.spec()))
        self.assertIsNone(self.rejection({}))

    def test_unscoped_and_capabilities_scoped_keys_are_capabilities(self):
        self.assertIsNone(self.rejection({"volume_backend_name": "rbd"}))
        self.assertIsNone(self.rejection(
            {"capabilities:multiattach": "<is> True"}))
        self.assertIn("reports 'rbd', extra spec 'volume_backend_name' "
                      "asks for 'lvm'",
                      self.rejection({"volume_backend_name": "lvm"}))

    def test_other_scopes_are_not_for_this_filter(self):
        self.assertIsNone(self.rejection({"qos:read_iops": "1000",
                                          "provisioning:type": "thin",
                                          "vendor:anything": "x"}))

    def test_unreported_capability_rejects(self):
        for key in ("replication_enabled", "capabilities:replication"):
            self.assertIn("does not report the capability that extra spec "
                          "'%s' asks for" % key,
                          self.rejection({key: "<is> True"}))

    def test_nested_capabilities(self):
        self.assertIsNone(self.rejection(
            {"capabilities:encryption:luks:version": ">= 2"}))
        self.assertIsNotNone(self.rejection(
            {"capabilities:encryption:luks:version": ">= 3"}))
        self.assertIn("does not report", self.rejection(
            {"capabilities:multiattach:deeper": "x"}))

    def test_list_capability_matches_any_element(self):
        self.assertIsNone(self.rejection({"features": "fast-diff"}))
        self.assertIsNotNone(self.rejection({"features": "journaling"}))

    def test_type_restricted_to_availability_zones(self):
        specs = {capabilities.AVAILABILITY_ZONES_KEY: "site2, site3"}
        self.assertEqual("is in availability zone 'site1'; the volume type "
                         "is limited to site2, site3", self.rejection(specs))
        for site in ("site2", "site3"):
            self.assertIsNone(self.rejection(
                specs, data.backend("%s@rbd#volumes" % site)))

    def test_an_extra_pool_takes_only_types_that_name_a_pool(self):
        extra = data.backend("site1@rbd#fast", pool_name="fast",
                             extra_pool=True)
        self.assertIn("extra pool of its site", self.filter.describe_rejection(
            extra, data.spec()))
        self.assertIn("extra pool of its site", self.rejection({}, extra))
        self.assertIn("extra pool of its site", self.rejection(
            {"volume_backend_name": "rbd"}, extra))
        for key in capabilities.POOL_KEYS:
            self.assertIsNone(self.rejection({key: "fast"}, extra))
            self.assertIn("reports 'fast'", self.rejection(
                {key: "volumes"}, extra))
            # The site's own pool keeps taking types that name it.
            self.assertIsNone(self.rejection(
                {key: "volumes"}, data.backend(pool_name="volumes")))

    def test_empty_availability_zone_list_restricts_nothing(self):
        self.assertIsNone(self.rejection(
            {capabilities.AVAILABILITY_ZONES_KEY: ""}))

    def test_requirement_names_the_type(self):
        self.assertEqual("matches volume type 'gold'", self.filter.requirement(
            data.spec(extra_specs={}, type_name="gold")))
