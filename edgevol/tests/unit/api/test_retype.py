"""os-retype on the real business layer: the type changes in place when
the volume's backend satisfies it, and is refused (nothing changed) when
that would need a migration."""

from edgevol.tests.unit.api import base


class RetypeTest(base.RealBusinessTestCase):
    def new_type(self, name, **extra_specs):
        type_id = self.call("POST", "/v3/types", {"volume_type": {
            "name": name}}, token=base.ADMIN, expect=200).json[
                "volume_type"]["id"]
        if extra_specs:
            self.call("POST", "/v3/types/%s/extra_specs" % type_id,
                      {"extra_specs": extra_specs}, token=base.ADMIN,
                      expect=200)
        return type_id

    def retype(self, volume_id, new_type, **more):
        return self.call("POST", "/v3/volumes/%s/action" % volume_id,
                         {"os-retype": dict(new_type=new_type, **more)})

    def volume_of(self, type_name):
        volume = self.create_volume(volume_type=type_name)
        self.wait_status(volume["id"], "available")
        return volume["id"]

    def shown(self, volume_id):
        return self.call("GET", "/v3/volumes/%s" % volume_id,
                         token=base.ADMIN).json["volume"]

    def test_a_type_the_backend_satisfies_changes_in_place(self):
        self.new_type("one")
        second = self.new_type("two", storage_protocol="ceph")
        volume_id = self.volume_of("one")
        before = self.shown(volume_id)
        self.assertEqual(202, self.retype(volume_id, second).status_int)
        after = self.shown(volume_id)
        self.assertEqual(("two", "available"),
                         (after["volume_type"], after["status"]))
        self.assertEqual(before["os-vol-host-attr:host"],
                         after["os-vol-host-attr:host"])
        self.assertIsNone(after["migration_status"])
        # By name too, with Cinder's policy words.
        self.assertEqual(202, self.retype(volume_id, "one",
                                          migration_policy="on-demand")
                         .status_int)
        self.assertEqual("one", self.shown(volume_id)["volume_type"])

    def test_refusals_change_nothing(self):
        self.new_type("plain")
        self.new_type("elsewhere", storage_protocol="iSCSI")
        volume_id = self.volume_of("plain")
        message = self.fault(self.retype(volume_id, "elsewhere"), 400)
        self.assertIn("needs a migration", message)
        self.assertIn("storage_protocol", message)
        self.fault(self.retype(volume_id, "plain"), 400)
        self.fault(self.retype(volume_id, "no-such-type"), 404)
        self.fault(self.retype(volume_id, "plain",
                               migration_policy="sometimes"), 400)
        self.fault(self.call("POST", "/v3/volumes/%s/action" % volume_id,
                             {"os-retype": {}}), 400)
        self.assertEqual("plain", self.shown(volume_id)["volume_type"])
