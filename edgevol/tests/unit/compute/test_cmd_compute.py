"""edgevol-compute's command line: sizes, patterns, attach and detach."""

import contextlib
import io
import json
import os

import fixtures
from oslo_config import cfg
import testtools

from edgevol.cmd import compute as cmd
from edgevol.drivers import fake
from edgevol.tests.unit.compute import fake_api

VOLUME_ID = "8c7d3c4e-0000-4000-8000-000000000001"


class ParseTest(testtools.TestCase):

    def test_sizes_as_qemu_io_reads_them(self):
        for text, value in (("4096", 4096), ("64k", 65536), ("1M", 1048576),
                            ("2GiB", 2 * 1024 ** 3), ("1g", 1024 ** 3)):
            self.assertEqual(value, cmd.parse_size(text), text)
        for text in ("", "-1", "1.5M", "1X"):
            self.assertRaises(ValueError, cmd.parse_size, text)

    def test_patterns(self):
        self.assertEqual(0xab, cmd.parse_pattern("0xab"))
        self.assertEqual(7, cmd.parse_pattern("7"))
        for text in ("256", "-1", "ab", "0x"):
            self.assertRaises(ValueError, cmd.parse_pattern, text)


class MainTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.addCleanup(fake.reset)
        conf = cfg.ConfigOpts()
        conf([], project="edgevol")
        driver = fake.FakeDriver(conf, "site1")
        driver.create_volume({"id": VOLUME_ID, "size": 1})
        self.api = fake_api.FakeAttachmentsAPI(driver).start()
        self.addCleanup(self.api.stop)
        self.api.add_volume(VOLUME_ID, "site1")
        tmp = self.useFixture(fixtures.TempDir()).path
        self.config = os.path.join(tmp, "edgevol-compute.conf")
        with open(self.config, "w") as f:
            f.write("[compute]\nhost = compute-1\navailability_zone = site1\n"
                    "endpoint = %s\nauth_token = u:p\nstate_dir = %s\n" % (
                        self.api.endpoint, os.path.join(tmp, "state")))

    def run_main(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cmd.main(["--config-file", self.config] + list(args))
        return code, out.getvalue(), err.getvalue()

    def test_attach_prints_the_attachment_then_detach(self):
        code, out, _ = self.run_main("attach", VOLUME_ID, "--mode", "ro")
        self.assertEqual(cmd.OK, code)
        printed = json.loads(out)
        self.assertEqual((VOLUME_ID, "ro"), (printed["volume_id"],
                                             printed["mode"]))
        self.assertIn(printed["attachment_id"], self.api.attachments)
        self.assertEqual((cmd.OK, "detached %s\n" % VOLUME_ID),
                         self.run_main("detach", VOLUME_ID)[:2])
        self.assertEqual({}, self.api.attachments)

    def test_trouble_is_reported_on_stderr(self):
        code, out, err = self.run_main("read", VOLUME_ID, "--length", "4k")
        self.assertEqual((cmd.TROUBLE, ""), (code, out))
        self.assertIn("edgevol-compute: volume %s is not attached" %
                      VOLUME_ID, err)

    def test_hex_output_is_bounded(self):
        self.run_main("attach", VOLUME_ID)
        code, _, err = self.run_main("read", VOLUME_ID, "--length", "2M",
                                     "--format", "hex")
        self.assertEqual(cmd.TROUBLE, code)
        self.assertIn("use sha256", err)
