"""The connector the agent sends, in os-brick's shape."""

import os
import platform
import tempfile
import types

import testtools

from edgevol.compute import connector

OPTS = types.SimpleNamespace(host="compute-7", my_ip="127.0.0.1")


class ConnectorTest(testtools.TestCase):

    def test_os_brick_keys_without_an_initiator(self):
        self.assertEqual({
            "host": "compute-7", "ip": "127.0.0.1",
            "platform": platform.machine(), "os_type": "linux",
            "multipath": False, "do_local_attach": False,
        }, connector.connector(OPTS, initiator_file="/nonexistent/iscsi"))

    def test_initiator_from_open_iscsi(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "initiatorname.iscsi")
            with open(path, "w") as f:
                f.write("## generated\nInitiatorName=iqn.1993-08.org.debian"
                        ":01:cad181614cec\n")
            props = connector.connector(OPTS, initiator_file=path)
        self.assertEqual("iqn.1993-08.org.debian:01:cad181614cec",
                         props["initiator"])
