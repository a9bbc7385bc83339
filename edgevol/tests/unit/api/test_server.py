"""edgevol-api's server and the WSGI module, over real sockets."""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading

import testtools

from edgevol.api import deploy
from edgevol.cmd import api as cmd_api
from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.unit.api import fakes

WSGI_PROBE = """
import io, json
from edgevol import wsgi
answer = {}
def start_response(status, headers, exc_info=None):
    answer["status"] = status
body = b"".join(wsgi.application(
    {"REQUEST_METHOD": "GET", "PATH_INFO": "/v3/", "SERVER_NAME": "h",
     "SERVER_PORT": "8776", "wsgi.url_scheme": "http",
     "wsgi.input": io.BytesIO()}, start_response))
print(answer["status"], json.loads(body)["versions"][0]["links"][1]["href"])
"""


class ServerTest(testtools.TestCase):
    def test_threaded_server_serves_and_stops(self):
        conf = edgevol_fixtures.make_conf(**{"api.port": 0,
                                             "api.threads": 4})
        server = cmd_api.build_server(
            conf, deploy.loadapp(conf, apis=fakes.make_apis()))
        server.prepare()
        thread = threading.Thread(target=server.serve)
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(server.stop)
        connection = http.client.HTTPConnection("127.0.0.1",
                                                server.bind_addr[1])
        connection.request("POST", "/v3/volumes",
                           json.dumps({"volume": {"size": 1}}),
                           {"X-Auth-Token": "u:p",
                            "Content-Type": "application/json"})
        response = connection.getresponse()
        self.assertEqual(202, response.status)
        self.assertEqual(1, json.loads(response.read())["volume"]["size"])
        self.assertTrue(response.getheader("x-openstack-request-id"))
        connection.close()

    def test_wsgi_module_reads_the_config_file_from_the_environment(self):
        with tempfile.TemporaryDirectory() as tmp:
            config = os.path.join(tmp, "edgevol.conf")
            with open(config, "w") as f:
                f.write("[database]\nconnection = sqlite:///%s/db\n" % tmp)
            result = subprocess.run(
                [sys.executable, "-c", WSGI_PROBE], capture_output=True,
                text=True, env=dict(os.environ, EDGEVOL_CONFIG_FILE=config))
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual("200 OK http://h:8776/v3/",
                         result.stdout.strip().splitlines()[-1])
