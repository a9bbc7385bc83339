"""Each site's RabbitMQ user may read only that site's messages.

The stack's site services run as their site's user (``edgevol-dev`` makes
one per site, ``edgevol.devenv.rabbitmq_sites``), so the stack working at
all shows the users can do what a site needs. Then, with site1's
credentials, the tests try to read what belongs to others: site2's
server and fanout queues, the scheduler's queues and the API's reply
queue, and to bind a queue of its own to site2's routing key. RabbitMQ
refuses each (403 ACCESS_REFUSED); the same steps on site1's own names
pass, so the refusals come from the permissions, not a broken login.
"""

import urllib.parse
import uuid

import amqp

from edgevol.tests.functional import test_stack

READER = "site1"
VICTIM = "site2"


class SiteUsersTest(test_stack.StackTestCase):

    @classmethod
    def setUpClass(cls):
        status = test_stack.stack_fixture.edgevol_fixtures.dev_status()
        sites = {site["name"]: site for site in (status or {}).get(
            "sites", [])}
        if not all(sites.get(name, {}).get("transport_url")
                   for name in (READER, VICTIM)):
            raise cls.skipException("the infrastructure has no site users")
        super().setUpClass()

    def setUp(self):
        super().setUp()
        self.tag = self.stack.tag
        # The API calls the scheduler: the API now has a reply queue.
        response = self.stack.client("admin", "admin-project").get(
            "/scheduler-stats/get_pools")
        self.assertEqual(200, response.status_code, response.text)
        self.connection = self._connect(READER)
        self.addCleanup(self.connection.close)

    def _connect(self, site):
        url = urllib.parse.urlparse(self.stack.site_info(site)[
            "transport_url"])
        connection = amqp.Connection(
            host="%s:%d" % (url.hostname, url.port),
            userid=urllib.parse.unquote(url.username),
            password=urllib.parse.unquote(url.password), virtual_host="/")
        connection.connect()
        return connection

    def queues(self):
        return self.stack.site_users().rabbit.rabbitmqctl(
            "list_queues", "name", "--no-table-headers", "-s").split()

    def topic(self, service):
        return "edgevol-%s-%s" % (service, self.tag)

    def assertRefused(self, operation):
        channel = self.connection.channel()
        self.assertRaises(amqp.exceptions.AccessRefused, operation, channel)

    def test_another_sites_queues_are_refused(self):
        queues = self.queues()
        fanout = [name for name in queues if name.startswith(
            "%s_fanout_%s-%s:" % (self.topic("volume"), VICTIM, self.tag))]
        self.assertEqual(1, len(fanout), queues)
        for queue in ["%s.%s@rbd" % (self.topic("volume"), VICTIM),
                      "%s.%s@backup" % (self.topic("backup"), VICTIM),
                      fanout[0]]:
            self.assertIn(queue, queues)
            self.assertRefused(lambda channel, q=queue: channel.basic_get(q))

    def test_central_queues_are_refused(self):
        queues = self.queues()
        api_replies = [name for name in queues if name.startswith("reply_")
                       and ":" not in name]
        self.assertTrue(api_replies, queues)
        scheduler = [name for name in queues
                     if name.startswith(self.topic("scheduler"))]
        self.assertTrue(scheduler, queues)
        for queue in api_replies[:1] + scheduler:
            self.assertRefused(lambda channel, q=queue: channel.basic_get(q))

    def test_binding_to_another_sites_routing_key_is_refused(self):
        probe = "reply_%s-%s:probe:%s" % (READER, self.tag, uuid.uuid4().hex)
        exchange = self.stack.exchange
        channel = self.connection.channel()
        channel.queue_declare(probe, auto_delete=True)
        self.addCleanup(self._delete, probe)
        # Its own names pass: a queue of its own, its own routing key.
        channel.queue_bind(probe, exchange, "%s.%s@rbd" % (
            self.topic("volume"), READER))
        self.assertIsNone(channel.basic_get(probe))
        self.assertRefused(lambda channel: channel.queue_bind(
            probe, exchange, "%s.%s@rbd" % (self.topic("volume"), VICTIM)))
        self.assertRefused(lambda channel: channel.queue_bind(
            probe, exchange, "#"))

    def _delete(self, queue):
        channel = self.connection.channel()
        channel.queue_delete(queue)
        channel.close()

    def test_site_services_work_as_their_users(self):
        volume = self.create_available(availability_zone=READER)
        self.assertEqual(READER, volume["availability_zone"])
