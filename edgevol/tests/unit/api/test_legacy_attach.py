"""Cinder's legacy attach actions on the real business layer (SQLite,
fake:// RPC, FakeDriver): Nova's old attach and detach walks, and the
refusals Cinder answers with 400 and 404."""

import uuid

from edgevol.api.schemas.responses import admin_extensions as schemas
from edgevol.tests.unit.api import base
from edgevol.tests.unit.api import test_attachments
from edgevol.tests.unit.api.test_response_schemas import check

connector = test_attachments.connector


class LegacyAttachTest(test_attachments.AttachStack):
    def act(self, volume_id, name, args=None, token=base.MEMBER):
        return self.call("POST", "/v3/volumes/%s/action" % volume_id,
                         {name: {} if args is None else args}, token=token)

    def attachments_of(self, volume_id):
        return self.call("GET", "/v3/attachments?volume_id=%s" % volume_id,
                         version="3.27", expect=200).json["attachments"]

    def connect_and_attach(self, volume_id, host="compute-1"):
        body = self.act(volume_id, "os-initialize_connection", {
            "connector": connector(host)}).json
        check(schemas.CONNECTION_INFO, body)
        info = body["connection_info"]
        self.assertEqual(202, self.act(volume_id, "os-attach", {
            "instance_uuid": str(uuid.uuid4()), "mountpoint": "/dev/vdb",
            "host_name": host}).status_int)
        return info

    def test_attach_and_detach_walks(self):
        volume_id = self.volume()
        self.assertEqual(202, self.act(volume_id, "os-reserve").status_int)
        self.assertEqual("attaching", self.status_of(volume_id))
        info = self.connect_and_attach(volume_id)
        self.assertEqual("rbd", info["driver_volume_type"])
        self.assertNotIn("attachment_id", info["data"])
        self.assertEqual("rw", info["data"]["access_mode"])
        shown = self.call("GET", "/v3/volumes/%s" % volume_id).json["volume"]
        self.assertEqual(("in-use", "compute-1"),
                         (shown["status"],
                          shown["attachments"][0]["host_name"]))
        (attachment,) = self.attachments_of(volume_id)
        self.assertEqual(202, self.act(volume_id,
                                       "os-begin_detaching").status_int)
        self.assertEqual("detaching", self.status_of(volume_id))
        self.assertEqual(202, self.act(volume_id,
                                       "os-roll_detaching").status_int)
        self.assertEqual("in-use", self.status_of(volume_id))
        self.act(volume_id, "os-begin_detaching")
        self.assertEqual(202, self.act(volume_id, "os-terminate_connection", {
            "connector": connector("compute-1")}).status_int)
        test_attachments.wait_for(
            lambda: self.status_of(volume_id) == "available")
        # Nova's last step finds the attachment already gone: no error.
        self.assertEqual(202, self.act(volume_id, "os-detach", {
            "attachment_id": attachment["id"]}).status_int)
        self.assertEqual([], self.attachments_of(volume_id))

    def test_os_detach_alone_detaches(self):
        volume_id = self.volume()
        self.connect_and_attach(volume_id)
        self.assertEqual(202, self.act(volume_id, "os-detach",
                                       None).status_int)
        test_attachments.wait_for(
            lambda: self.status_of(volume_id) == "available")
        self.assertIn("not an attachment", self.fault(self.act(
            volume_id, "os-detach", {"attachment_id": str(uuid.uuid4())}),
            400))

    def test_reserve_refusals_and_unreserve(self):
        volume_id = self.volume()
        self.act(volume_id, "os-reserve")
        self.assertIn("Invalid volume", self.fault(
            self.act(volume_id, "os-reserve"), 400))
        self.assertEqual(202, self.act(volume_id, "os-unreserve").status_int)
        self.assertEqual("available", self.status_of(volume_id))
        self.assertEqual([], self.attachments_of(volume_id))
        # Nothing to undo is no error (Cinder).
        self.assertEqual(202, self.act(volume_id, "os-unreserve").status_int)
        self.assertEqual(202, self.act(volume_id,
                                       "os-roll_detaching").status_int)
        self.fault(self.act(volume_id, "os-begin_detaching"), 400)
        self.fault(self.act(volume_id, "os-attach", {
            "host_name": "compute-1", "mountpoint": "/dev/vdb"}), 400)
        self.assertEqual("available", self.status_of(volume_id))

    def test_unknown_volume_bad_bodies_and_other_projects(self):
        missing = str(uuid.uuid4())
        for name, args in (("os-reserve", None), ("os-unreserve", None),
                           ("os-begin_detaching", None),
                           ("os-roll_detaching", None),
                           ("os-detach", {"attachment_id": missing}),
                           ("os-initialize_connection",
                            {"connector": connector("compute-1")})):
            self.fault(self.act(missing, name, args), 404)
        volume_id = self.volume()
        self.fault(self.act(volume_id, "os-reserve", token=base.OTHER), 404)
        self.fault(self.act(volume_id, "os-attach", {"mountpoint": "/x"}),
                   400)
        self.fault(self.act(volume_id, "os-initialize_connection", {}), 400)
        self.fault(self.act(volume_id, "os-initialize_connection",
                            {"connector": "iqn"}), 400)
        self.fault(self.act(volume_id, "os-detach", {"x": 1}), 400)
        self.assertEqual("available", self.status_of(volume_id))

    def test_cross_az_host_is_refused_and_changes_nothing(self):
        volume_id = self.volume()
        self.act(volume_id, "os-reserve")
        message = self.fault(self.act(volume_id, "os-initialize_connection",
                                      {"connector": connector("compute-2")}),
                             400)
        self.assertIn("compute-2", message)
        self.fault(self.act(volume_id, "os-initialize_connection",
                            {"connector": connector("nobody")}), 400)
        self.assertEqual("attaching", self.status_of(volume_id))
        (attachment,) = self.attachments_of(volume_id)
        self.assertEqual("reserved", attachment["status"])

    def test_initialize_without_reserve_and_terminate_without_attach(self):
        volume_id = self.volume()
        self.act(volume_id, "os-initialize_connection",
                 {"connector": connector("compute-1")})
        self.assertEqual("attaching", self.status_of(volume_id))
        self.assertEqual(202, self.act(volume_id, "os-terminate_connection",
                                       {"connector": None}).status_int)
        test_attachments.wait_for(
            lambda: self.status_of(volume_id) == "available")
        self.assertEqual([], self.attachments_of(volume_id))
