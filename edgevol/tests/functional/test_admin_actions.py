"""Administrators' recovery actions with the real python-cinderclient.

``cinder reset-state``, ``cinder force-delete``, ``cinder
snapshot-reset-state`` and ``cinder snapshot-delete --force`` on volumes
really stuck (a frozen site manager, a stopped scheduler, an image Ceph
refuses to delete), checked in the site's Ceph cluster and in the
project's quota usage; a tenant is refused each with a 403.
"""

import os
import signal
import subprocess

from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_clients
from edgevol.tests.functional import test_stack

PROJECT = "project-r"


def _rbd_snapshots(site, volume_id):
    import rbd
    with test_stack.admin_ioctx(site) as ioctx:
        with rbd.Image(ioctx, "volume-%s" % volume_id,
                       read_only=True) as image:
            return {snap["name"] for snap in image.list_snaps()}


class AdminRecoveryTest(test_stack.StackTestCase):
    def setUp(self):
        super().setUp()
        self.site1 = self.stack.site_info("site1")
        self.admin = self.stack.client("admin", "admin")
        # A test froze or stopped a service: all must be back first.
        self.stack.wait_until_ready()

    # --- helpers ---------------------------------------------------------
    def _cinder_argv(self, user, project, args):
        return [os.path.join(test_clients.BIN_DIR, "cinder"),
                "--os-auth-type", "noauth", "--os-user-id", user,
                "--os-project-id", project, "--os-endpoint",
                self.stack.endpoint] + list(args)

    def as_admin(self, *args):
        return test_clients.run(*self._cinder_argv("admin", "admin", args))

    def as_tenant(self, *args):
        return test_clients.run(*self._cinder_argv("rita", PROJECT, args))

    def assert_tenant_refused(self, *args):
        result = subprocess.run(
            self._cinder_argv("rita", PROJECT, args), capture_output=True,
            text=True, timeout=120, stdin=subprocess.DEVNULL,
            env={"PATH": test_clients.BIN_DIR + ":/usr/bin:/bin",
                 "HOME": "/tmp", "LANG": "C.UTF-8"})
        output = result.stdout + result.stderr
        self.assertNotEqual(0, result.returncode, output)
        self.assertIn("HTTP 403", output)

    def status(self, volume_id):
        response = self.admin.get("/volumes/%s" % volume_id)
        if response.status_code == 404:
            return "deleted"
        return response.json()["volume"]["status"]

    def wait_status(self, volume_id, status, timeout=30):
        # Fails at once, with the reason, on an unexpected error status.
        self.admin.wait_volume(volume_id, {status}, timeout)

    def usage(self):
        quota_set = self.admin.get("/os-quota-sets/%s?usage=True" %
                                   PROJECT).json()["quota_set"]
        return {name: quota_set[name]["in_use"]
                for name in ("volumes", "gigabytes", "snapshots")}

    def assert_image_gone(self, volume_id):
        stack_fixture.wait_for(
            lambda: "volume-%s" % volume_id not in
            test_stack.rbd_images(self.site1), 30,
            what="volume-%s to leave site1's pool" % volume_id)

    def create(self, size=1):
        out = self.as_tenant("create", "--availability-zone", "site1",
                             str(size))
        volume_id = test_clients._table_value(out, "id")
        self.addCleanup(self._delete_quietly, self.admin, volume_id)
        return volume_id

    # --- tests -----------------------------------------------------------
    def test_a_create_stuck_on_a_frozen_site_is_force_deleted(self):
        """The site's manager stops answering after the scheduler placed
        the volume: it stays ``creating``; the admin ends it."""
        before = self.usage()
        self.stack.send_signal("edgevol-volume", "site1", signal.SIGSTOP)
        self.addCleanup(self.stack.send_signal, "edgevol-volume", "site1",
                        signal.SIGCONT)
        volume_id = self.create(size=2)
        stack_fixture.wait_for(
            lambda: self.admin.get("/volumes/%s" % volume_id).json()
            ["volume"]["os-vol-host-attr:host"], 10, what="placement")
        self.assertEqual("creating", self.status(volume_id))
        self.assertEqual(before["gigabytes"] + 2, self.usage()["gigabytes"])
        for args in (("reset-state", "--state", "available", volume_id),
                     ("reset-state", "--attach-status", "detached",
                      volume_id),
                     ("force-delete", volume_id)):
            self.assert_tenant_refused(*args)
        self.as_admin("reset-state", "--attach-status", "detached",
                      volume_id)
        self.assertEqual("creating", self.status(volume_id))
        self.as_admin("force-delete", volume_id)
        self.assertEqual("deleting", self.status(volume_id))
        # The site comes back: its queued create makes the image, finds
        # the volume claimed for deletion and removes it; then the delete.
        self.stack.send_signal("edgevol-volume", "site1", signal.SIGCONT)
        self.wait_status(volume_id, "deleted", timeout=60)
        self.assert_image_gone(volume_id)
        self.assertEqual(before, self.usage())
        log = self.stack.log("edgevol-api")
        self.assertIn("AUDIT: user admin of project admin", log)
        self.assertIn("force-deleted volume %s of project %s: status "
                      "creating -> deleting" % (volume_id, PROJECT), log)

    def test_a_create_never_placed_is_deleted_at_once(self):
        """The scheduler is down: the volume has no host and no image."""
        before = self.usage()
        self.stack.stop("edgevol-scheduler")
        self.addCleanup(self._start_scheduler)
        volume_id = self.create()
        self.assertEqual("creating", self.status(volume_id))
        self.as_admin("force-delete", volume_id)
        self.assertEqual("deleted", self.status(volume_id))
        self.assertEqual(before, self.usage())
        # The scheduler's queued cast finds nothing to place.
        self._start_scheduler()
        stack_fixture.wait_for(
            lambda: "Volume %s was placed or deleted meanwhile" % volume_id
            in self.stack.log("edgevol-scheduler"), 30,
            what="the scheduler to drop the queued create")
        self.assertNotIn("volume-%s" % volume_id,
                         test_stack.rbd_images(self.site1))
        self.assertIn("never placed on a site",
                      self.stack.log("edgevol-api"))

    def _start_scheduler(self):
        if not self.stack.is_started("edgevol-scheduler"):
            self.stack.start("edgevol-scheduler")
            self.stack.wait_until_ready()

    def test_an_error_deleting_volume_is_reset_and_force_deleted(self):
        import rbd
        before = self.usage()
        volume_id = self.create()
        self.wait_status(volume_id, "available")
        with test_stack.admin_ioctx(self.site1) as ioctx:
            # An open handle is a watcher: Ceph refuses the delete.
            with rbd.Image(ioctx, "volume-%s" % volume_id):
                self.as_tenant("delete", volume_id)
                self.wait_status(volume_id, "error_deleting")
        self.assert_tenant_refused("reset-state", "--state", "available",
                                   volume_id)
        self.as_admin("reset-state", "--state", "available", volume_id)
        self.assertEqual("available", self.status(volume_id))
        self.as_admin("reset-state", "--state", "error_deleting",
                      volume_id)
        self.assert_tenant_refused("force-delete", volume_id)
        self.as_admin("force-delete", volume_id)
        self.wait_status(volume_id, "deleted")
        self.assert_image_gone(volume_id)
        self.assertEqual(before, self.usage())
        self.assertIn("status error_deleting -> available",
                      self.stack.log("edgevol-api"))

    def test_a_snapshot_stuck_in_creating_is_force_deleted(self):
        before = self.usage()
        volume_id = self.create()
        self.wait_status(volume_id, "available")
        self.stack.send_signal("edgevol-volume", "site1", signal.SIGSTOP)
        self.addCleanup(self.stack.send_signal, "edgevol-volume", "site1",
                        signal.SIGCONT)
        snapshot_id = test_clients._table_value(
            self.as_tenant("snapshot-create", volume_id), "id")
        self.assert_tenant_refused("snapshot-delete", "--force",
                                   snapshot_id)
        self.as_admin("snapshot-delete", "--force", snapshot_id)
        self.assertEqual("deleting", self.snapshot_status(snapshot_id))
        self.stack.send_signal("edgevol-volume", "site1", signal.SIGCONT)
        stack_fixture.wait_for(
            lambda: self.snapshot_status(snapshot_id) == "deleted", 60,
            what="snapshot %s to go" % snapshot_id)
        self.assertEqual(set(), _rbd_snapshots(self.site1, volume_id))
        self.assertEqual(before["snapshots"], self.usage()["snapshots"])
        self.assertIn("force-deleted snapshot %s of project %s: status "
                      "creating -> deleting" % (snapshot_id, PROJECT),
                      self.stack.log("edgevol-api"))

    def snapshot_status(self, snapshot_id):
        response = self.admin.get("/snapshots/%s" % snapshot_id)
        if response.status_code == 404:
            return "deleted"
        return response.json()["snapshot"]["status"]

    def test_snapshot_reset_state_and_force_delete(self):
        before = self.usage()
        volume_id = self.create()
        self.wait_status(volume_id, "available")
        snapshot_id = test_clients._table_value(
            self.as_tenant("snapshot-create", volume_id), "id")

        def snapshot_status():
            return self.snapshot_status(snapshot_id)
        stack_fixture.wait_for(lambda: snapshot_status() == "available", 30,
                               what="snapshot %s" % snapshot_id)
        self.assertEqual({"snapshot-%s" % snapshot_id},
                         _rbd_snapshots(self.site1, volume_id))
        for args in (("snapshot-reset-state", "--state", "error",
                      snapshot_id),
                     ("snapshot-delete", "--force", snapshot_id)):
            self.assert_tenant_refused(*args)
        self.as_admin("snapshot-reset-state", "--state", "creating",
                      snapshot_id)
        self.assertEqual("creating", snapshot_status())
        self.as_admin("snapshot-reset-state", snapshot_id)
        self.assertEqual("available", snapshot_status())
        self.as_admin("snapshot-reset-state", "--state", "error_deleting",
                      snapshot_id)
        self.as_admin("snapshot-delete", "--force", snapshot_id)
        stack_fixture.wait_for(lambda: snapshot_status() == "deleted", 30,
                               what="snapshot %s to go" % snapshot_id)
        self.assertEqual(set(), _rbd_snapshots(self.site1, volume_id))
        self.assertEqual(before["snapshots"], self.usage()["snapshots"])
        self.as_admin("reset-state", "--state", "error", volume_id)
        self.as_tenant("delete", volume_id)
        self.wait_status(volume_id, "deleted")
        self.assert_image_gone(volume_id)
        self.assertEqual(before, self.usage())
