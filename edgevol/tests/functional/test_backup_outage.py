"""Backups outlive their site.

With a site's volume and backup services killed and its whole Ceph
cluster stopped, the site's backups still list, restore into another
site with exactly their data, and can be deleted (a delete runs at the
store's site, a restore at the target's).

The lost site is a throwaway Ceph site of this class standing in for
site1: the infrastructure's sites serve other test classes at the same
time, so the class stops only what it started (as ``test_faults`` does).
Its users of the backup store are made here the way ``edgevol-dev up``
makes every site's (``edgevol.devenv.backup_keys``: scoped to its own
namespace), and removed afterwards with the namespace.
"""

import shutil
import signal
import tempfile

from edgevol.devenv import backup_keys
from edgevol.devenv import cephadmin
from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.functional import ceph_env
from edgevol.tests.functional import rbd_data
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_backups
from edgevol.tests.functional import test_stack


class BackupSiteLossTest(test_backups.BackupTestCase):
    @classmethod
    def setUpClass(cls):
        cls.lost = ceph_env.ThrowawaySites(1)
        cls.addClassCleanup(cls.lost.stop)
        site = cls.lost.start()[0]
        cls.site = site["name"]
        status = edgevol_fixtures.dev_status()
        cls.store = next(s for s in status["sites"]
                         if s["name"] == status["backup"]["site"])
        keys_dir = tempfile.mkdtemp(prefix="edgevol-keys-")
        cls.addClassCleanup(shutil.rmtree, keys_dir, True)
        cls.addClassCleanup(cls._remove_store_users)
        keys = backup_keys.provision(cls.store["ceph_conf"], [cls.site],
                                     keys_dir)[cls.site]
        cls.extra_sites = [dict(site, **keys)]
        super().setUpClass()

    @classmethod
    def make_stack(cls):
        return stack_fixture.Stack(
            sites=["central", "site2", cls.site],
            extra_sites=cls.extra_sites,
            # Its cluster goes away: no call of it may hang for long.
            options={cls.site: {"rados_op_timeout": "3",
                                "rados_connect_timeout": "3"}})

    @classmethod
    def _remove_store_users(cls):
        """The lost site's namespace (empty once its backups are gone) and
        users in the store's cluster."""
        import rbd
        with test_stack.admin_ioctx(cls.store, backup_keys.POOL) as ioctx:
            if rbd.RBD().namespace_exists(ioctx, cls.site):
                rbd.RBD().namespace_remove(ioctx, cls.site)
        with cephadmin.AdminClient(cls.store["ceph_conf"]) as admin:
            for prefix in (backup_keys.STORE_USER_PREFIX,
                           backup_keys.RESTORE_USER_PREFIX):
                admin.command("auth rm", entity="client.%s%s" % (
                    prefix, cls.site))

    def write(self, volume_id, points):
        site = self.stack.site_info(self.site)
        for offset, length, seed in test_backups.WRITES[points - 1]:
            rbd_data.write(site, volume_id, offset,
                           test_backups.pattern(length, seed))

    def backup(self, volume_id, incremental=False):
        response = self.api.post("/backups", {"backup": {
            "volume_id": volume_id, "incremental": incremental}})
        self.assertEqual(202, response.status_code, response.text)
        backup_id = response.json()["backup"]["id"]
        self.ids.append(backup_id)
        self.wait_backup(backup_id)
        return backup_id

    def lose_the_site(self):
        self.stack.stop("edgevol-backup", self.site, signo=signal.SIGKILL)
        self.stack.stop("edgevol-volume", self.site, signo=signal.SIGKILL)
        cluster = self.lost._ceph_sites[0]
        cluster.stop()
        self.assertEqual({}, cluster.pids())

    def test_backups_of_a_lost_site_list_restore_and_delete(self):
        source = self.volume(self.site)["id"]
        self.write(source, 1)
        full = self.backup(source)
        self.write(source, 2)
        incremental = self.backup(source, incremental=True)
        self.lose_the_site()

        listed = {b["id"]: b for b in self.api.get(
            "/backups/detail").json()["backups"]}
        self.assertEqual(("available", "available"), (
            listed[full]["status"], listed[incremental]["status"]))
        self.assertTrue(listed[incremental]["is_incremental"])
        self.assertTrue(listed[full]["has_dependent_backups"])
        for points, backup_id in ((1, full), (2, incremental)):
            restored = self.restore_new(backup_id, "site2")
            self.assert_data("site2", restored, points)
            self.delete_volume(restored)
        # The oldest first, its source site gone: the other still restores.
        self.delete_backup(full)
        again = self.restore_new(incremental, "site2")
        self.assert_data("site2", again, 2)
        self.delete_volume(again)
        self.delete_backup(incremental)
        for name in ("central", "site2"):
            self.assertEqual([], test_backups.leftovers(
                self.stack.site_info(name), self.ids), name)
