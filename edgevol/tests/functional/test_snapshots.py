"""Snapshots, COW clones, revert and deep chains on real Ceph.

Driven by the real python-cinderclient CLI, openstacksdk and plain HTTP
against separate edgevol processes; every claim the API makes is checked
in site2's cluster: the clones' RBD parents, the data they read, and that
the pool (trash included) holds nothing of a test once it deleted all.
"""

import json
import os

import openstack

from edgevol.tests.functional import rbd_data
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_clients
from edgevol.tests.functional import test_stack

MiB = 1024 ** 2
PATTERN_A = b"A" * MiB
PATTERN_B = b"B" * MiB
FAR = 700 * MiB
"""An offset deep into a 1 GiB volume: a clone must read it too."""


class SnapshotTestCase(test_stack.StackTestCase):
    # A shallow limit, so that a chain of three clones must flatten.
    stack_options = {"site2": {"rbd_max_clone_depth": "2"}}

    def setUp(self):
        super().setUp()
        self.site2 = self.stack.site_info("site2")
        self.http = stack_fixture.ApiClient(self.stack.endpoint,
                                            "alice:project-a", "3.40")

    def wait_snapshot(self, api, snapshot_id, status, timeout=30):
        def current():
            response = api.get("/snapshots/%s" % snapshot_id)
            if response.status_code == 404:
                return status == "deleted"
            return response.json()["snapshot"]["status"] == status
        stack_fixture.wait_for(current, timeout, what="snapshot %s %s" %
                               (snapshot_id, status))

    def assert_nothing_left(self, ids):
        stack_fixture.wait_for(
            lambda: not rbd_data.leftovers(self.site2, ids), 30,
            what="site2's volumes pool to hold nothing of %s" % ids)


class CinderClientTest(SnapshotTestCase):
    def cinder(self, *args, check=True):
        argv = [os.path.join(test_clients.BIN_DIR, "cinder"),
                "--os-auth-type", "noauth", "--os-user-id", "carol",
                "--os-project-id", "project-c", "--os-endpoint",
                self.stack.endpoint] + list(args)
        if check:
            return test_clients.run(*argv)
        import subprocess
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=120, env={"PATH": "/usr/bin:/bin",
                                                "HOME": "/tmp"})

    def test_snapshot_clone_and_volume_clone_share_site2_data(self):
        api = self.stack.client("carol", "project-c")
        out = self.cinder("create", "--availability-zone", "site2",
                          "--name", "src", "1")
        source = test_clients._table_value(out, "id")
        api.wait_volume(source, {"available"})
        rbd_data.write(self.site2, source, 0, PATTERN_A)
        rbd_data.write(self.site2, source, FAR, PATTERN_B)
        out = self.cinder("snapshot-create", "--name", "snap", source)
        snapshot = test_clients._table_value(out, "id")
        self.wait_snapshot(api, snapshot, "available")
        refused = self.cinder("create", "--snapshot-id", snapshot,
                              "--availability-zone", "site1", "1",
                              check=False)
        self.assertNotEqual(0, refused.returncode)
        self.assertIn("HTTP 400", refused.stderr)
        self.assertIn("availability zone site2", refused.stderr)
        from_snap = test_clients._table_value(self.cinder(
            "create", "--snapshot-id", snapshot, "--name", "fs"), "id")
        clone = test_clients._table_value(self.cinder(
            "create", "--source-volid", source, "--name", "cl", "2"), "id")
        for volume_id in (from_snap, clone):
            volume = api.wait_volume(volume_id, {"available"})
            self.assertEqual("site2", volume["availability_zone"])
            self.assertEqual(PATTERN_A, rbd_data.read(
                self.site2, volume_id, 0, MiB))
            self.assertEqual(PATTERN_B, rbd_data.read(
                self.site2, volume_id, FAR, MiB))
        self.assertEqual(("volume-%s" % source, "snapshot-%s" % snapshot),
                         rbd_data.parent(self.site2, from_snap))
        self.assertEqual("volume-%s" % source,
                         rbd_data.parent(self.site2, clone)[0])
        shown = self.cinder("show", from_snap)
        self.assertEqual(snapshot, test_clients._table_value(
            shown, "snapshot_id"))
        self.assertEqual(source, test_clients._table_value(
            self.cinder("show", clone), "source_volid"))
        self.assertEqual("2", test_clients._table_value(
            self.cinder("show", clone), "size"))
        # The source goes first: with its snapshot only by cascade; the
        # clones keep reading its data, which goes with the last of them.
        refused = self.cinder("delete", source, check=False)
        self.assertIn("cascade", refused.stdout + refused.stderr)
        self.cinder("delete", "--cascade", source)
        api.wait_volume(source, {"deleted"})
        self.assertEqual(PATTERN_B, rbd_data.read(
            self.site2, from_snap, FAR, MiB))
        self.cinder("delete", from_snap, clone)
        for volume_id in (from_snap, clone):
            api.wait_volume(volume_id, {"deleted"})
        self.assert_nothing_left([source, snapshot, from_snap, clone])

    def test_bootable_metadata_and_snapshot_updates(self):
        api = self.stack.client("carol", "project-c")
        value = test_clients._table_value
        volume = value(self.cinder("create", "--availability-zone", "site2",
                                   "--metadata", "k=v", "1"), "id")
        api.wait_volume(volume, {"available"})
        self.assertEqual("false", value(self.cinder("show", volume),
                                        "bootable"))
        self.cinder("set-bootable", volume, "true")
        self.cinder("metadata", volume, "set", "a=b")
        shown = self.cinder("show", volume)
        self.assertEqual("true", value(shown, "bootable"))
        # The CLI prints metadata one "key : value" per table line.
        self.assertIn("a : b", shown)
        self.assertIn("k : v", shown)
        snapshot = value(self.cinder("snapshot-create", "--name", "s1",
                                     "--metadata", "x=y", volume), "id")
        self.wait_snapshot(api, snapshot, "available")
        self.cinder("snapshot-rename", "--description", "kept", snapshot,
                    "s2")
        self.cinder("snapshot-metadata", snapshot, "set", "z=1")
        self.cinder("snapshot-metadata", snapshot, "unset", "x")
        shown = self.cinder("snapshot-show", snapshot)
        self.assertEqual(("s2", "kept", "100%"), (
            value(shown, "name"), value(shown, "description"),
            value(shown, "os-extended-snapshot-attributes:progress")))
        self.assertEqual("{'z': '1'}", value(shown, "metadata"))
        self.assertIn("s2", self.cinder("snapshot-list"))
        rbd_data.write(self.site2, volume, 0, PATTERN_B)
        self.cinder("revert-to-snapshot", snapshot)
        api.wait_volume(volume, {"available"})
        self.assertEqual(b"\0" * MiB, rbd_data.read(self.site2, volume, 0,
                                                    MiB))
        clone = value(self.cinder("create", "--snapshot-id", snapshot), "id")
        api.wait_volume(clone, {"available"})
        self.assertEqual("true", value(self.cinder("show", clone),
                                       "bootable"))
        self.cinder("delete", clone)
        api.wait_volume(clone, {"deleted"})
        self.cinder("snapshot-delete", snapshot)
        self.wait_snapshot(api, snapshot, "deleted")
        self.cinder("delete", volume)
        api.wait_volume(volume, {"deleted"})
        self.assert_nothing_left([volume, snapshot, clone])


class OpenStackSDKTest(SnapshotTestCase):
    def test_sdk_snapshot_clone_metadata_and_site1_refusal(self):
        conn = openstack.connect(
            auth_type="admin_token",
            auth={"endpoint": self.stack.endpoint, "token": "erin:project-e"},
            block_storage_endpoint_override=self.stack.endpoint,
            load_yaml_config=False, load_envvars=False)
        storage = conn.block_storage
        source = storage.wait_for_status(storage.create_volume(
            size=1, name="sdk-src", availability_zone="site2"),
            "available", failures=["error"], interval=0.2, wait=60)
        rbd_data.write(self.site2, source.id, 0, PATTERN_A)
        snapshot = storage.wait_for_status(storage.create_snapshot(
            volume_id=source.id, name="sdk-snap", metadata={"k": "v"}),
            "available", failures=["error"], interval=0.2, wait=60)
        self.assertEqual({"k": "v"}, storage.get_snapshot(snapshot).metadata)
        self.assertEqual(snapshot.id, storage.find_snapshot("sdk-snap").id)
        self.assertRaises(openstack.exceptions.BadRequestException,
                          storage.create_volume, snapshot_id=snapshot.id,
                          size=1, availability_zone="site1")
        from_snap = storage.create_volume(snapshot_id=snapshot.id, size=2)
        clone = storage.create_volume(source_volume_id=source.id, size=1)
        for volume in (from_snap, clone):
            volume = storage.wait_for_status(
                volume, "available", failures=["error"], interval=0.2,
                wait=60)
            self.assertEqual("site2", volume.availability_zone)
            self.assertIsNotNone(rbd_data.parent(self.site2, volume.id))
            self.assertEqual(PATTERN_A, rbd_data.read(
                self.site2, volume.id, 0, MiB))
        self.assertEqual(2, storage.get_volume(from_snap).size)
        for volume in (from_snap, clone):
            storage.delete_volume(volume)
            storage.wait_for_delete(volume, interval=0.2, wait=60)
        storage.delete_snapshot(snapshot)
        storage.wait_for_delete(snapshot, interval=0.2, wait=60)
        storage.delete_volume(source)
        storage.wait_for_delete(source, interval=0.2, wait=60)
        self.assert_nothing_left([source.id, snapshot.id, from_snap.id,
                                  clone.id])


class OpenStackCLITest(SnapshotTestCase):
    def openstack(self, *args):
        return json.loads(test_clients.run(
            os.path.join(test_clients.BIN_DIR, "openstack"),
            "--os-auth-type", "admin_token", "--os-token", "dave:project-d",
            "--os-endpoint", self.stack.endpoint, *args, "-f", "json"))

    def openstack_quiet(self, *args):
        test_clients.run(os.path.join(test_clients.BIN_DIR, "openstack"),
                         "--os-auth-type", "admin_token", "--os-token",
                         "dave:project-d", "--os-endpoint",
                         self.stack.endpoint, *args)

    def test_snapshot_clone_extend_and_bootable_with_osc(self):
        api = self.stack.client("dave", "project-d")
        volume = self.openstack("volume", "create", "--availability-zone",
                                "site2", "--size", "1", "osc-src")["id"]
        api.wait_volume(volume, {"available"})
        snapshot = self.openstack("volume", "snapshot", "create",
                                  "--volume", volume, "osc-snap")["id"]
        self.wait_snapshot(api, snapshot, "available")
        listed = self.openstack("volume", "snapshot", "list")
        self.assertEqual(["osc-snap"], [s["Name"] for s in listed])
        clone = self.openstack("volume", "create", "--snapshot", snapshot,
                               "--size", "2", "osc-clone")["id"]
        api.wait_volume(clone, {"available"})
        self.openstack_quiet("volume", "set", "--size", "3", "--bootable",
                             clone)
        # The extend was claimed before the CLI returned: once available
        # again, it is done.
        api.wait_volume(clone, {"available"})
        shown = self.openstack("volume", "show", clone)
        self.assertEqual((3, "true", snapshot, "site2"), (
            shown["size"], str(shown["bootable"]).lower(),
            shown["snapshot_id"], shown["availability_zone"]))
        self.openstack_quiet("volume", "delete", clone)
        api.wait_volume(clone, {"deleted"})
        self.openstack_quiet("volume", "snapshot", "delete", snapshot)
        self.wait_snapshot(api, snapshot, "deleted")
        self.openstack_quiet("volume", "delete", volume)
        api.wait_volume(volume, {"deleted"})
        self.assert_nothing_left([volume, snapshot, clone])


class RevertAndChainTest(SnapshotTestCase):
    def snapshot(self, volume_id):
        response = self.http.post("/snapshots", {"snapshot": {
            "volume_id": volume_id}})
        self.assertEqual(202, response.status_code, response.text)
        snapshot_id = response.json()["snapshot"]["id"]
        self.wait_snapshot(self.http, snapshot_id, "available")
        return snapshot_id

    def test_revert_to_the_first_of_three_snapshots(self):
        volume = self.create_available(api=self.http,
                                       availability_zone="site2")
        snapshots = []
        for fill in (b"1", b"2", b"3"):
            rbd_data.write(self.site2, volume["id"], 0, fill * MiB)
            snapshots.append(self.snapshot(volume["id"]))
        rbd_data.write(self.site2, volume["id"], 0, b"4" * MiB)
        response = self.http.post("/volumes/%s/action" % volume["id"], {
            "revert": {"snapshot_id": snapshots[0]}})
        self.assertEqual(202, response.status_code, response.text)
        self.http.wait_volume(volume["id"], {"available"})
        self.assertEqual(b"1" * MiB, rbd_data.read(
            self.site2, volume["id"], 0, MiB))
        listed = self.http.get("/snapshots/detail?volume_id=%s" %
                               volume["id"]).json()["snapshots"]
        self.assertEqual(set(snapshots), {s["id"] for s in listed})
        # Another volume's snapshot, or an older client, is a clear 400.
        other = self.create_available(api=self.http,
                                      availability_zone="site2")
        response = self.http.post("/volumes/%s/action" % other["id"], {
            "revert": {"snapshot_id": snapshots[1]}})
        self.assertEqual(400, response.status_code)
        self.assertIn("is not a snapshot of volume", response.text)
        response = self.http.delete("/volumes/%s?cascade=True" %
                                    volume["id"])
        self.assertEqual(202, response.status_code, response.text)
        self.http.wait_volume(volume["id"], {"deleted"})
        self.assert_nothing_left([volume["id"]] + snapshots)

    def test_a_chain_deeper_than_the_limit_is_flattened(self):
        base = self.create_available(api=self.http,
                                     availability_zone="site2")
        rbd_data.write(self.site2, base["id"], FAR, PATTERN_B)
        chain = [base["id"]]
        for _ in range(4):
            response = self.http.create_volume(source_volid=chain[-1])
            self.assertEqual(202, response.status_code, response.text)
            chain.append(response.json()["volume"]["id"])
            self.http.wait_volume(chain[-1], {"available"})

        def flattened():
            return all("os-vol-flatten-attr:progress" not in self.http.get(
                "/volumes/%s" % volume_id).json()["volume"]
                for volume_id in chain)
        stack_fixture.wait_for(flattened, 60, what="background flattening")
        for volume_id in chain[1:]:
            self.assertEqual(PATTERN_B, rbd_data.read(
                self.site2, volume_id, FAR, MiB))
        self.assertIsNone(rbd_data.parent(self.site2, chain[3]))
        for volume_id in chain:
            self.assertEqual(202, self.http.delete(
                "/volumes/%s" % volume_id).status_code)
        for volume_id in chain:
            self.http.wait_volume(volume_id, {"deleted"})
        self.assert_nothing_left(chain)
