"""A migration whose target site's OSD stops mid-copy, on real Ceph.

The target is a throwaway site of this class (the infrastructure's sites
serve other test classes at the same time, so the class stops only what
it started, as ``test_faults`` does); its read-only copy user on site1's
cluster is made the way ``edgevol-dev up`` makes every site's
(``edgevol.devenv.migration_keys``) and removed afterwards.

The OSD is stopped with SIGSTOP: a memstore OSD keeps its objects in RAM
and loses them when it restarts, and to a client a stopped OSD process is
an OSD that answers nothing. Every librados call of the target has a
3-second timeout, so the copy fails instead of hanging; the volume stays
available in site1 with its data exact, and once the OSD runs again the
target's housekeeping removes the partial copy.
"""

import os
import shutil
import signal
import tempfile

from edgevol.devenv import cephadmin
from edgevol.devenv import migration_keys
from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.functional import ceph_env
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_migration
from edgevol.tests.functional import test_stack

SOURCE = "site1"


class TargetOutageTest(test_migration.MigrationTestCase):
    @classmethod
    def setUpClass(cls):
        cls.throwaway = ceph_env.ThrowawaySites(1)
        cls.addClassCleanup(cls.throwaway.stop)
        target = cls.throwaway.start()[0]
        cls.target = target["name"]
        status = edgevol_fixtures.dev_status()
        cls.source_conf = next(s for s in status["sites"]
                               if s["name"] == SOURCE)["ceph_conf"]
        keys_dir = tempfile.mkdtemp(prefix="edgevol-keys-")
        cls.addClassCleanup(shutil.rmtree, keys_dir, True)
        cls.addClassCleanup(cls._remove_copy_user)
        keys = migration_keys.provision(
            {SOURCE: cls.source_conf, cls.target: target["ceph_conf"]},
            keys_dir)
        cls.extra_sites = [target]
        cls.stack_options = {
            SOURCE: keys[SOURCE],
            # Its OSD stops: no call of it may hang for long.
            cls.target: dict(keys[cls.target], rados_op_timeout="3",
                             rados_connect_timeout="3")}
        super().setUpClass()

    @classmethod
    def make_stack(cls):
        return stack_fixture.Stack(sites=[SOURCE, cls.target],
                                   options=cls.stack_options,
                                   extra_sites=cls.extra_sites)

    @classmethod
    def _remove_copy_user(cls):
        with cephadmin.AdminClient(cls.source_conf) as admin:
            admin.command("auth rm", entity="client.%s%s" % (
                migration_keys.USER_PREFIX, cls.target))

    def target_images(self):
        return test_stack.rbd_images(self.stack.site_info(self.target))

    def copy_removed(self, volume_id):
        """Whether the target lists no image of ``volume_id``; False while
        its resumed OSD does not answer yet (it catches up on a minute of
        missed heartbeats first: a listing timed out at 10 s here)."""
        import rbd
        try:
            return "volume-%s" % volume_id not in self.target_images()
        except rbd.Timeout:
            return False

    def test_the_target_osd_stopped_mid_copy(self):
        # 256 MiB: the OSD stops within 0.1 s of the first progress report,
        # a second or more before the copy could end. (More data costs
        # memory: a memstore OSD keeps about twice what it was written.)
        volume_id, pieces = self.big_volume()
        path = "/volumes/%s/action" % volume_id
        response = self.admin.post(path, {"os-migrate_volume": {
            "availability_zone": self.target}})
        self.assertEqual(202, response.status_code, response.text)
        self.wait_copying(volume_id)
        osd = self.throwaway._ceph_sites[0].pids()["osd"]
        os.kill(osd, signal.SIGSTOP)
        try:
            # The chunks in flight time out (3 s); the others never start.
            shown = self.wait_migration(volume_id, "error", timeout=60)
            self.assertEqual(("available", SOURCE, "site1@rbd#volumes"),
                             (shown["status"], shown["availability_zone"],
                              shown["os-vol-host-attr:host"]))
            self.assert_data(SOURCE, volume_id, pieces)
        finally:
            os.kill(osd, signal.SIGCONT)
        # The OSD runs again: the target's housekeeping removes its part.
        stack_fixture.wait_for(
            lambda: self.copy_removed(volume_id), 120, interval=1,
            what="the partial copy removed from %s" % self.target)
        self.assert_only_in(SOURCE, volume_id)
        self.assert_data(SOURCE, volume_id, pieces)
        # Nothing is stuck: once the target is clean, the volume moves.
        stack_fixture.wait_for(lambda: self.admin.post(path, {
            "os-migrate_volume": {"availability_zone": self.target}})
            .status_code == 202, 60, interval=1, what="a new migration")
        moved = self.wait_migration(volume_id, "success", timeout=300)
        self.assertEqual(self.target, moved["availability_zone"])
        self.assert_data(self.target, volume_id, pieces)
        self.assert_only_in(self.target, volume_id)
