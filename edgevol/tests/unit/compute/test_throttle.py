"""Front-end QoS specs -> QEMU throttle group options."""

import testtools

from edgevol.compute import errors
from edgevol.compute import throttle


class ThrottleTest(testtools.TestCase):
    def test_cinder_keys_become_throttle_group_properties(self):
        found = throttle.limits({
            "total_iops_sec": "100", "read_bytes_sec": 1048576,
            "write_iops_sec_max": "50", "total_bytes_sec_max_length": "2",
            "size_iops_sec": "4096", "consumer": "front-end",
            "unknown_spec": "7", "read_iops_sec": "0"})
        self.assertEqual({"iops-total": 100, "bps-read": 1048576,
                          "iops-write-max": 50, "bps-total-max-length": 2,
                          "iops-size": 4096}, found)

    def test_no_specs_no_limits(self):
        self.assertEqual({}, throttle.limits(None))
        self.assertEqual({}, throttle.limits({}))

    def test_bad_values_are_refused(self):
        for value in ("-1", "fast", "1.5"):
            self.assertRaises(errors.ComputeError, throttle.limits,
                              {"total_iops_sec": value})

    def test_group_object(self):
        self.assertEqual(
            "throttle-group,id=edgevol-qos,x-bps-read=10,x-iops-total=100",
            throttle.group_object({"iops-total": 100, "bps-read": 10}))

    def test_image_opts_put_the_throttle_above_rbd(self):
        filename = "rbd:volumes/volume-1:id=compute:mon_host=1.2.3.4,5.6.7.8"
        self.assertEqual(
            "driver=rbd,filename=rbd:volumes/volume-1:id=compute:"
            "mon_host=1.2.3.4,,5.6.7.8",
            throttle.image_opts(filename, throttled=False))
        self.assertEqual(
            "driver=throttle,throttle-group=edgevol-qos,file.driver=rbd,"
            "file.filename=rbd:volumes/volume-1:id=compute:"
            "mon_host=1.2.3.4,,5.6.7.8",
            throttle.image_opts(filename, throttled=True))

    def test_qemu_io_report_times(self):
        self.assertAlmostEqual(0.01, throttle._seconds(
            "4096,1,0:00:00.01,409600.000,100.000"))
        self.assertIsNone(throttle._seconds("wrote 4096/4096 bytes at 0"))
        self.assertIsNone(throttle._seconds("8192,2,0:00:00.01,1.0,200.0"))
