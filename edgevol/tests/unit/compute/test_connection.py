"""Reading connection info and building client options and QEMU filenames.

That librados and QEMU 7.2 really open a volume with these is shown on
real Ceph in ``tests/functional/test_compute_attach.py``.
"""

import testtools

from edgevol.compute import connection
from edgevol.compute import errors

VOLUME_ID = "8c7d3c4e-0000-4000-8000-000000000001"
DATA = {
    "name": "volumes/volume-%s" % VOLUME_ID,
    "hosts": ["127.0.0.1"], "ports": ["17001"],
    "mon_host": "[v2:127.0.0.1:17000,v1:127.0.0.1:17001]",
    "cluster_name": "ceph", "auth_enabled": True, "auth_username": "compute",
    "secret_type": "ceph", "secret_uuid": None, "volume_id": VOLUME_ID,
    "discard": True, "encrypted": False, "access_mode": "rw",
}


class RbdDataTest(testtools.TestCase):

    def test_driver_shape(self):
        self.assertEqual(DATA, connection.rbd_data(
            {"driver_volume_type": "rbd", "data": DATA}))

    def test_cinder_api_flattened_shape(self):
        flat = dict(DATA, driver_volume_type="rbd", attachment_id="a-1")
        self.assertEqual(DATA, connection.rbd_data(flat))

    def test_other_protocols_are_refused(self):
        exc = self.assertRaises(errors.ComputeError, connection.rbd_data,
                                {"driver_volume_type": "iscsi", "data": {}})
        self.assertIn("'iscsi'", str(exc))

    def test_empty_info_says_why(self):
        exc = self.assertRaises(errors.ComputeError, connection.rbd_data, {})
        self.assertIn("no connection info", str(exc))

    def test_missing_keys_are_named(self):
        data = {k: v for k, v in DATA.items()
                if k not in ("mon_host", "hosts", "auth_username")}
        exc = self.assertRaises(errors.ComputeError, connection.rbd_data,
                                {"driver_volume_type": "rbd", "data": data})
        self.assertIn("auth_username, mon_host or hosts", str(exc))


class MonHostTest(testtools.TestCase):

    def test_prefers_the_full_list(self):
        self.assertEqual(DATA["mon_host"], connection.mon_host(DATA))

    def test_plain_cinder_hosts_and_ports(self):
        data = {"hosts": ["10.0.0.1", "fd00::2"], "ports": ["6789", "6789"]}
        self.assertEqual("10.0.0.1:6789,[fd00::2]:6789",
                         connection.mon_host(data))

    def test_hosts_without_ports_are_refused(self):
        self.assertRaises(errors.ComputeError, connection.mon_host,
                          {"hosts": ["10.0.0.1"], "ports": []})


class ClientOptionsTest(testtools.TestCase):

    def test_everything_comes_from_the_info_but_key_and_timeouts(self):
        self.assertEqual({
            "mon_host": DATA["mon_host"],
            "keyring": "/etc/ceph/ceph.client.compute.keyring",
            "client_mount_timeout": "5",
            "rados_mon_op_timeout": "10",
            "rados_osd_op_timeout": "10",
        }, connection.client_options(
            DATA, "/etc/ceph/ceph.client.compute.keyring", 5, 10))

    def test_location(self):
        self.assertEqual(("volumes", "volume-%s" % VOLUME_ID),
                         connection.location(DATA))
        self.assertRaises(errors.ComputeError, connection.location,
                          {"name": "volume-x"})


class QemuFilenameTest(testtools.TestCase):

    def test_escapes_colons_and_reads_no_ceph_conf(self):
        options = connection.client_options(DATA, "/k/ceph.keyring", 5, 10)
        self.assertEqual(
            "rbd:volumes/volume-%s:id=compute:conf=/dev/null:"
            "mon_host=[v2\\:127.0.0.1\\:17000,v1\\:127.0.0.1\\:17001]:"
            "keyring=/k/ceph.keyring:client_mount_timeout=5:"
            "rados_mon_op_timeout=10:rados_osd_op_timeout=10" % VOLUME_ID,
            connection.qemu_filename(DATA, options))

    def test_separators_in_names_and_values_are_escaped(self):
        data = dict(DATA, name="po@ol/im:age", auth_username="a:b")
        filename = connection.qemu_filename(data, {"keyring": "C:\\k"})
        self.assertEqual("rbd:po\\@ol/im\\:age:id=a\\:b:conf=/dev/null:"
                         "keyring=C\\:\\\\k", filename)
