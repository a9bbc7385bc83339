"""Least privilege in the backup store, on real Ceph.

Each site writes its backups with a key of its own whose caps cover only
its RBD namespace of the store's ``backups`` pool: site A's key can write
its own namespace and can neither list nor read site B's.  A restore key
reads the whole pool and writes nothing of it.
"""

import os
import uuid

import testtools

from edgevol.tests.functional import backup_store_env
from edgevol.tests.functional import ceph_env

MiB = 1024 ** 2


class BackupKeysTest(testtools.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rados, cls.rbd = ceph_env.import_bindings()
        cls.sites = ceph_env.SiteSet.acquire(count=3)
        if len(cls.sites.sites) < 3:
            cls.sites.release()
            raise testtools.TestCase.skipException("needs three sites")
        cls.store = backup_store_env.BackupStore(cls.sites.sites)
        cls.site_a, cls.site_b = [s["name"] for s in cls.store.others[:2]]
        cls.clients = []
        cls.admin = cls._client(ceph_env.admin_client(
            cls.rados, cls.store.store_site))

    @classmethod
    def _client(cls, client):
        cls.clients.append(client)
        return client

    @classmethod
    def tearDownClass(cls):
        for client in cls.clients:
            client.shutdown()
        cls.sites.release()
        super().tearDownClass()

    def ioctx(self, client, namespace):
        ioctx = client.open_ioctx("backups")
        self.addCleanup(ioctx.close)
        ioctx.set_namespace(namespace)
        return ioctx

    def as_site(self, site, role):
        return self._client(self.store.connect(self.rados, site, role))

    def new_image(self, ioctx, data=None):
        name = "test-keys-%s" % uuid.uuid4().hex[:12]
        self.rbd.RBD().create(ioctx, name, 64 * MiB, old_format=False)
        admin_view = self.ioctx(self.admin, ioctx.get_namespace())
        self.addCleanup(self._remove, admin_view, name)
        if data is not None:
            with self.rbd.Image(ioctx, name) as image:
                image.write(data, 0)
        return name

    def _remove(self, ioctx, name):
        try:
            self.rbd.RBD().remove(ioctx, name)
        except self.rbd.ImageNotFound:
            pass

    def test_a_site_key_writes_its_own_namespace(self):
        own = self.ioctx(self.as_site(self.site_a, "store"), self.site_a)
        data = os.urandom(MiB)
        name = self.new_image(own, data)
        self.assertIn(name, self.rbd.RBD().list(own))
        with self.rbd.Image(own, name, read_only=True) as image:
            self.assertEqual(data, image.read(0, MiB))

    def test_a_site_key_can_neither_list_nor_read_another_site(self):
        theirs_by_admin = self.ioctx(self.admin, self.site_b)
        name = self.new_image(theirs_by_admin, os.urandom(MiB))
        with self.rbd.Image(theirs_by_admin, name) as image:
            header = "rbd_header.%s" % image.id()
            data_object = "%s.%016x" % (image.block_name_prefix(), 0)
        client = self.as_site(self.site_a, "store")
        theirs = self.ioctx(client, self.site_b)
        self.assertRaises(self.rbd.PermissionError, self.rbd.RBD().list,
                          theirs)
        self.assertRaises(self.rbd.PermissionError, self.rbd.Image, theirs,
                          name, read_only=True)
        for obj in (header, data_object, "rbd_directory"):
            self.assertRaises(self.rados.PermissionError, theirs.read,
                              obj, 16)
        self.assertRaises(self.rados.PermissionError,
                          theirs.write_full, data_object, b"x")
        self.assertRaises(self.rbd.PermissionError, self.rbd.RBD().create,
                          theirs, "test-keys-intruder", MiB)
        # Nor outside any namespace, where the list of namespaces lives.
        pool_root = self.ioctx(client, "")
        self.assertRaises(self.rbd.PermissionError,
                          self.rbd.RBD().namespace_list, pool_root)

    def test_a_restore_key_reads_every_site_and_writes_nothing(self):
        data = os.urandom(MiB)
        name = self.new_image(self.ioctx(self.as_site(self.site_a, "store"),
                                         self.site_a), data)
        reader = self.ioctx(self.as_site(self.site_b, "restore"),
                            self.site_a)
        self.assertIn(name, self.rbd.RBD().list(reader))
        with self.rbd.Image(reader, name, read_only=True) as image:
            self.assertEqual(data, image.read(0, MiB))
            data_object = "%s.%016x" % (image.block_name_prefix(), 0)
        self.assertRaises(self.rados.PermissionError,
                          reader.write, data_object, b"x", 0)
        self.assertRaises(self.rbd.PermissionError, self.rbd.RBD().create,
                          reader, "test-keys-restore", MiB)
        self.assertRaises(self.rbd.PermissionError, self.rbd.RBD().remove,
                          reader, name)
