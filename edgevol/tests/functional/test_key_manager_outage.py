"""Encrypted creates while the key manager is down, on a real Barbican.

The class runs a Barbican of its own (the infrastructure's Keystone
authenticates it), so stopping it troubles no other test. While it is
down an encrypted create is a quick, clear 503 and leaves nothing (no
volume row, hence no image, and no secret), plain volumes are made as ever, and once it
is back encrypted creates work again.
"""

import random
import tempfile
import time

from keystoneauth1 import identity
from keystoneauth1 import session as ks_session

from edgevol.devenv import barbican as devenv_barbican
from edgevol.devenv import keystone as devenv_keystone
from edgevol.devenv import processes
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_encryption

FAST = 10
"""Seconds an encrypted create may take to fail with Barbican down
(connection refused: no timeout to wait out)."""


def _free_instance():
    # In random order: runs side by side (SQLite and PostgreSQL) check the
    # same ports, and Barbican binds its port only after its schema
    # upgrade.
    for instance in random.sample(range(40, 60), 20):
        if processes.port_is_free(devenv_barbican.API_PORT + 100 * instance):
            return instance
    raise RuntimeError("no free port for a private Barbican")


class KeyManagerOutageTest(test_encryption.EncryptedStack):

    @classmethod
    def setUpClass(cls):
        status = test_encryption.test_key_manager._infra()
        cls.own_barbican = devenv_barbican.Barbican(
            tempfile.mkdtemp(prefix="edgevol-barbican-"), _free_instance())
        try:
            cls.own_barbican.start(devenv_keystone.authtoken_options(
                status["keystone"]["endpoint"], devenv_barbican.SERVICE_USER,
                status["keystone"]["service_users"][
                    devenv_barbican.SERVICE_USER]["password"]))
            super().setUpClass()
        except BaseException:
            cls.own_barbican.destroy()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.own_barbican.destroy()

    @classmethod
    def barbican_endpoint(cls, status):
        return cls.own_barbican.endpoint

    def serve_again(self):
        """Start the stopped Barbican again (its gunicorn worker may hold
        the port a moment after the stop)."""
        process = self.own_barbican.process
        if process.is_running() and process.healthy():
            return
        stack_fixture.wait_for(
            lambda: processes.port_is_free(self.own_barbican.port), 30,
            what="Barbican's port to be free")
        process.serve(self.own_barbican.log_file)

    def secrets(self):
        """Refs of every secret of the service project in this Barbican."""
        account = self.service_account
        auth = identity.Password(
            auth_url=self.status["keystone"]["endpoint"],
            username=account["username"], password=account["password"],
            user_domain_name=devenv_keystone.DOMAIN,
            project_name=account["project_name"],
            project_domain_name=devenv_keystone.DOMAIN)
        response = ks_session.Session(auth=auth).get(
            self.barbican + "/v1/secrets?limit=100")
        return {secret["secret_ref"] for secret in response.json()["secrets"]}

    def volume_ids(self):
        return {volume["id"] for volume in self.api.get(
            "/volumes").json()["volumes"]}

    def test_encrypted_creates_fail_fast_and_leave_nothing(self):
        before = self.volume_ids(), self.secrets()
        self.own_barbican.stop()
        self.addCleanup(self.serve_again)
        started = time.monotonic()
        response = self.api.create_volume(size=1, volume_type="encrypted",
                                          availability_zone="site1")
        self.assertLess(time.monotonic() - started, FAST)
        self.assertEqual(503, response.status_code, response.text)
        self.assertIn("could not store a key", response.text)
        # Plain volumes are made as ever.
        plain = self.api.create_volume(size=1, availability_zone="site1")
        self.assertEqual(202, plain.status_code, plain.text)
        plain = plain.json()["volume"]
        self.addCleanup(self.delete_volume, plain["id"])
        self.api.wait_volume(plain["id"], {"available"})
        self.assertEqual(before[0] | {plain["id"]}, self.volume_ids())
        # Back: the refused create left no secret (and no row, so no
        # image), and encrypted creates work again.
        self.serve_again()
        self.assertEqual(before[1], self.secrets())
        volume = self.encrypted_volume()
        self.assertEqual(before[1] | {self.barbican + "/v1/secrets/" +
                                      volume["encryption_key_id"]},
                         self.secrets())
        self.delete_volume(volume["id"])
        # The site deletes the key once the volume is reported deleted.
        stack_fixture.wait_for(lambda: self.secrets() == before[1], 30,
                               what="the deleted volume's key to go")
