"""/v3/messages (3.3) on the real business layer: an asynchronous failure
becomes a message of the volume's project, in Cinder's shape."""

import jsonschema

from edgevol.api.schemas.responses import messages as schemas
from edgevol.drivers import fake as fake_driver
from edgevol.tests.unit.api import base


def check(schema, body):
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


class MessagesTest(base.RealBusinessTestCase):
    def failed_volume(self):
        """A volume no site has room for: the scheduler fails it."""
        volume = self.create_volume(size=5000, availability_zone="site1")
        self.wait_status(volume["id"], "error")
        return volume

    def messages(self, token=base.MEMBER, query="", version="3.3"):
        response = self.call("GET", "/v3/messages" + query, token=token,
                             version=version, expect=200)
        check(schemas.INDEX, response.json)
        return response.json["messages"]

    def test_a_failure_is_a_message_of_the_project(self):
        volume = self.failed_volume()
        shown = self.call("GET", "/v3/volumes/%s" % volume["id"],
                          version="3.3").json["volume"]
        self.assertNotIn("status_reason", shown)
        (message,) = self.messages()
        self.assertEqual(("VOLUME", volume["id"], "VOLUME_VOLUME_001_003",
                          "ERROR"),
                         (message["resource_type"], message["resource_uuid"],
                          message["event_id"], message["message_level"]))
        self.assertTrue(message["user_message"].startswith(
            "schedule allocate volume: "), message["user_message"])
        self.assertIn("site1", message["user_message"])
        self.assertGreater(message["guaranteed_until"],
                           message["created_at"])
        path = "/v3/messages/%s" % message["id"]
        shown = self.call("GET", path, version="3.3", expect=200).json
        check(schemas.SHOW, shown)
        self.assertEqual(message, shown["message"])
        # Another project sees nothing; an administrator sees it.
        self.assertEqual([], self.messages(token=base.OTHER))
        self.fault(self.call("GET", path, token=base.OTHER, version="3.3"),
                   404)
        self.fault(self.call("DELETE", path, token=base.OTHER,
                             version="3.3"), 404)
        self.assertEqual([message["id"]], [
            m["id"] for m in self.messages(token=base.ADMIN)])
        self.call("DELETE", path, version="3.3", expect=204)
        self.fault(self.call("GET", path, version="3.3"), 404)
        self.assertEqual([], self.messages())

    def test_a_failed_delete_says_why(self):
        volume = self.create_volume(availability_zone="site1")
        self.wait_status(volume["id"], "available")
        fake_driver.backend("site1").open_volume(volume["id"])
        self.addCleanup(fake_driver.backend("site1").close_volume,
                        volume["id"])
        self.call("DELETE", "/v3/volumes/%s" % volume["id"], expect=202)
        self.wait_status(volume["id"], "error_deleting")
        (message,) = self.messages(query="?resource_uuid=%s" % volume["id"])
        self.assertEqual("VOLUME_VOLUME_999_001", message["event_id"])
        self.assertTrue(message["user_message"].startswith(
            "delete volume: "), message["user_message"])
        self.assertIn("open by", message["user_message"])

    def test_before_3_3_there_are_no_messages(self):
        self.fault(self.call("GET", "/v3/messages", version="3.2"), 404)
        self.fault(self.call("GET", "/v3/messages/x", version="3.2"), 404)

    def test_filters_paging_and_sort(self):
        first = self.failed_volume()
        second = self.failed_volume()
        newest_first = [m["resource_uuid"] for m in self.messages()]
        self.assertEqual([second["id"], first["id"]], newest_first)
        only = self.messages(query="?resource_uuid=%s" % first["id"])
        self.assertEqual([first["id"]], [m["resource_uuid"] for m in only])
        # Paging and sorting from 3.5; before, ignored as in Cinder.
        self.assertEqual(2, len(self.messages(query="?limit=1")))
        page = self.call("GET", "/v3/messages?limit=1", version="3.5",
                         expect=200).json
        check(schemas.INDEX, page)
        self.assertEqual([second["id"]],
                         [m["resource_uuid"] for m in page["messages"]])
        self.assertIn("marker=", page["messages_links"][0]["href"])
        oldest = self.messages(query="?sort=created_at:asc", version="3.5")
        self.assertEqual([first["id"], second["id"]],
                         [m["resource_uuid"] for m in oldest])
        self.fault(self.call("GET", "/v3/messages?marker=nope",
                             version="3.5"), 404)
        self.fault(self.call("GET", "/v3/messages?colour=red",
                             version="3.31"), 400)
