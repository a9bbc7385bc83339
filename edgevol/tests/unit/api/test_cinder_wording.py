"""Errors worded exactly as Cinder words them (issue 16).

Clients print the fault's message and scripts match on it, so the texts
below are Cinder's (``cinder/api/validation/validators.py``,
``cinder/exception.py``, ``cinder/quota_utils.py`` and the fault wrapper
that prefixes quota errors with their name), on the real business layer.
"""

from edgevol.tests.unit.api import base
from edgevol.tests.unit.api import fuzz
from edgevol.tests.unit import in_process

SIZE_OVER = ("VolumeSizeExceedsAvailableQuota: Requested volume or snapshot "
             "exceeds allowed gigabytes quota. Requested %dG, quota is %dG "
             "and %dG has been consumed.")


class CinderWordingTest(fuzz.RealAPITestCase):
    def set_quota(self, **limits):
        self.call("PUT", "/v3/os-quota-sets/p1", {"quota_set": limits},
                  token=base.ADMIN, expect=200)

    def over(self, response, message):
        self.assertEqual(message, self.fault(response, 413))
        self.assertEqual("0", response.headers["Retry-After"])
        self.assertEqual("0", response.json["overLimit"]["retryAfter"])

    def used_gigabytes(self):
        return self.call("GET", "/v3/limits").json["limits"]["absolute"][
            "totalGigabytesUsed"]

    def available_volume(self, size=1):
        volume_id = self.create_volume(size=size)["id"]
        in_process.wait_for(lambda: self.call(
            "GET", "/v3/volumes/%s" % volume_id).json["volume"][
                "status"] == "available")
        return volume_id

    def extend(self, volume_id, new_size):
        return self.call("POST", "/v3/volumes/%s/action" % volume_id,
                         {"os-extend": {"new_size": new_size}})

    def test_validation_names_the_field(self):
        volume_id = self.known_args["volume_id"][0]
        for method, path, body, message in [
                ("POST", "/v3/volumes", {"volume": {"size": 0}},
                 "Invalid input for field/attribute size. Value: 0. 0 is "
                 "less than the minimum of 1"),
                ("POST", "/v3/volumes", {"volume": {"size": -1}},
                 "Invalid input for field/attribute size. Value: -1. -1 is "
                 "less than the minimum of 1"),
                ("POST", "/v3/volumes", {"volume": {}},
                 "Invalid input for field/attribute volume. Value: {}. "
                 "'size' is a required property"),
                ("POST", "/v3/volumes/%s/action" % volume_id,
                 {"os-extend": {"new_size": 0}},
                 "Invalid input for field/attribute new_size. Value: 0. 0 "
                 "is less than the minimum of 1"),
                ("POST", "/v3/snapshots", {"snapshot": {"name": "s"}},
                 "Invalid input for field/attribute snapshot. Value: "
                 "{'name': 's'}. 'volume_id' is a required property"),
                ("PUT", "/v3/volumes/%s" % volume_id,
                 {"volume": {"name": 5}},
                 "Invalid input for field/attribute name. Value: 5. 5 is "
                 "not of type 'string', 'null'"),
                ("POST", "/v3/types", {"volume_type": {
                    "name": "t", "extra_specs": {"k": 1}}},
                 "Invalid input for field/attribute k. Value: 1. 1 is not "
                 "of type 'string'"),
                ("PUT", "/v3/os-quota-sets/p1", {"quota_set": {
                    "volumes": -2}},
                 "Invalid input for field/attribute volumes. Value: -2. -2 "
                 "is less than the minimum of -1"),
                ("POST", "/v3/volumes", {},
                 "'volume' is a required property")]:
            with self.subTest(body=body):
                self.assertEqual(message, self.fault(self.call(
                    method, path, body, token=base.ADMIN), 400))

    def test_volume_over_quota(self):
        self.set_quota(gigabytes=1000)
        self.over(self.call("POST", "/v3/volumes", {"volume": {
            "size": 999999999}}),
            SIZE_OVER % (999999999, 1000, self.used_gigabytes()))
        self.set_quota(volumes=1)
        self.over(self.call("POST", "/v3/volumes", {"volume": {"size": 1}}),
                  "VolumeLimitExceeded: Maximum number of volumes allowed "
                  "(1) exceeded for quota 'volumes'.")

    def test_extend_over_quota(self):
        self.set_quota(gigabytes=1000)
        volume_id = self.available_volume()
        # Cinder names the increase, not the new size.
        self.over(self.extend(volume_id, 999999999),
                  SIZE_OVER % (999999998, 1000, self.used_gigabytes()))

    def test_snapshot_over_quota(self):
        volume_id = self.available_volume()
        self.set_quota(snapshots=1)
        self.over(self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": volume_id, "force": True}}),
            "SnapshotLimitExceeded: Maximum number of snapshots allowed "
            "(1) exceeded")
        # A snapshot counts its volume's GiB, as in Cinder.
        used = self.used_gigabytes()
        self.set_quota(snapshots=10, gigabytes=used)
        self.over(self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": volume_id, "force": True}}),
            SIZE_OVER % (1, used, used))

    def test_per_volume_gigabytes(self):
        self.set_quota(per_volume_gigabytes=5)
        message = ("VolumeSizeExceedsLimit: Requested volume size 6G is "
                   "larger than maximum allowed limit 5G.")
        self.over(self.call("POST", "/v3/volumes", {"volume": {"size": 6}}),
                  message)
        volume_id = self.available_volume()
        self.over(self.extend(volume_id, 6), message)
        self.call("POST", "/v3/volumes", {"volume": {"size": 5}},
                  expect=202)
        self.assertEqual(202, self.extend(volume_id, 5).status_int)
        in_process.wait_for(lambda: self.call(
            "GET", "/v3/volumes/%s" % volume_id).json["volume"]["size"] == 5)
