"""Cinder's legacy attach actions through a real stack (RabbitMQ, Ceph
sites, separate processes), driven by python-cinderclient's volume manager
as Nova drove it before the attachments API: the connection info comes
from the volume's own site, a host of another zone is refused, and every
step leaves the status Cinder shows."""

import uuid

from cinderclient import client as cinder_client
from cinderclient import exceptions as cinder_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint

from edgevol.tests.functional import test_attachments
from edgevol.tests.functional import test_stack

connector = test_attachments.connector


class LegacyAttachTest(test_attachments.AttachStackTestCase):
    def setUp(self):
        super().setUp()
        auth = token_endpoint.Token(self.stack.endpoint, "alice:project-a")
        self.cinder = cinder_client.Client(
            "3.0", session=ks_session.Session(auth=auth)).volumes

    def test_nova_attach_and_detach_walk(self):
        volume_id = self.create_available(availability_zone="site1")["id"]
        self.assertIn("volume-%s" % volume_id,
                      test_stack.rbd_images(self.stack.site_info("site1")))
        self.cinder.reserve(volume_id)
        self.assertEqual("attaching", self.status(volume_id))
        info = self.cinder.initialize_connection(volume_id,
                                                 connector("compute-1"))
        self.assertEqual("rbd", info["driver_volume_type"])
        self.assertEqual("volumes/volume-%s" % volume_id,
                         info["data"]["name"])
        self.assertTrue(info["data"]["hosts"])
        self.assertNotIn("key", " ".join(info["data"]))
        self.cinder.attach(volume_id, str(uuid.uuid4()), "/dev/vdb",
                           host_name="compute-1")
        shown = self.api.get("/volumes/%s" % volume_id).json()["volume"]
        self.assertEqual(("in-use", "compute-1"),
                         (shown["status"],
                          shown["attachments"][0]["host_name"]))
        attachment_id = shown["attachments"][0]["attachment_id"]
        self.cinder.begin_detaching(volume_id)
        self.assertEqual("detaching", self.status(volume_id))
        self.cinder.roll_detaching(volume_id)
        self.assertEqual("in-use", self.status(volume_id))
        self.cinder.begin_detaching(volume_id)
        self.cinder.terminate_connection(volume_id, connector("compute-1"))
        self.cinder.detach(volume_id, attachment_id)
        self.assertEqual("available", self.status(volume_id))
        self.assertEqual(202, self.api.delete(
            "/volumes/%s" % volume_id).status_code)

    def test_refusals_change_nothing(self):
        volume_id = self.create_available(availability_zone="site1")["id"]
        self.cinder.reserve(volume_id)
        error = self.assertRaises(cinder_exceptions.BadRequest,
                                  self.cinder.reserve, volume_id)
        self.assertIn("Invalid volume", str(error))
        error = self.assertRaises(
            cinder_exceptions.BadRequest, self.cinder.initialize_connection,
            volume_id, connector("compute-2"))
        self.assertIn("availability zone site2", str(error))
        self.assertEqual("attaching", self.status(volume_id))
        self.cinder.unreserve(volume_id)
        self.assertEqual("available", self.status(volume_id))
        self.assertRaises(cinder_exceptions.NotFound, self.cinder.reserve,
                          str(uuid.uuid4()))
        self.assertRaises(cinder_exceptions.BadRequest,
                          self.cinder.begin_detaching, volume_id)
