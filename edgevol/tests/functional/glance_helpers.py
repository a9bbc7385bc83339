"""Real Glance for functional tests: the CLI, its REST API, RBD checks.

Images are made with the real ``glance`` command line (python-glanceclient)
against the test infrastructure's Glance; Glance's own view (tasks,
locations) is read over REST with an admin token.
"""

import contextlib
import http.server
import os
import subprocess
import sys
import threading
import time

import requests

from edgevol.devenv import config as devenv_config
from edgevol.tests.functional import test_stack

BIN_DIR = os.path.dirname(sys.executable)
ADMIN_TOKEN = "admin:admin"
MiB = 1024 ** 2


def client_env(stack, workdir):
    """The dev environment's client variables for ``stack``'s processes.

    The same ``clouds.yaml`` and variables ``edgevol-dev`` writes, so the
    CLIs run here exactly as a user of the README runs them.
    """
    glance = stack.status["glance"]["endpoint"]
    clouds = os.path.join(workdir, "clouds.yaml")
    with open(clouds, "w") as f:
        f.write(devenv_config.render_clouds_yaml(stack.endpoint, glance))
    env = {"PATH": BIN_DIR + ":/usr/bin:/bin", "HOME": workdir,
           "LANG": "C.UTF-8"}
    env.update(devenv_config.client_env(stack.endpoint, clouds, glance))
    return env


def run(env, *argv, stdin=None, timeout=180):
    """Run a client command; its stdout, or AssertionError with output.

    Without ``stdin`` the command runs with standard input closed:
    glanceclient takes any stdin that is not a terminal as image data
    (and then refuses web-download).
    """
    stdin_file = open(stdin, "rb") if stdin else subprocess.DEVNULL
    try:
        result = subprocess.run(
            argv, env=env, capture_output=True, timeout=timeout,
            stdin=stdin_file,
            preexec_fn=None if stdin else lambda: os.close(0))
    finally:
        if stdin:
            stdin_file.close()
    out = result.stdout.decode()
    if result.returncode != 0:
        raise AssertionError("%s failed (%s):\n%s%s" % (
            " ".join(argv), result.returncode, out, result.stderr.decode()))
    return out


def table_value(out, field):
    """A field of a client's ``| Property | Value |`` table."""
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] == field:
            return cells[1]
    raise AssertionError("no %s in:\n%s" % (field, out))


class GlanceREST:
    """Glance's REST API as admin (what the CLIs do not show)."""

    def __init__(self, endpoint):
        self.endpoint = endpoint.rstrip("/")
        self.headers = {"X-Auth-Token": ADMIN_TOKEN}

    def image(self, image_id):
        answer = requests.get("%s/v2/images/%s" % (self.endpoint, image_id),
                              headers=self.headers, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def wait(self, image_id, predicate, timeout=120, what="image"):
        deadline = time.monotonic() + timeout
        while True:
            image = self.image(image_id)
            if predicate(image):
                return image
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for %s: %s" % (
                    what, image))
            time.sleep(0.2)

    def wait_stores(self, image_id, stores, timeout=120):
        def done(image):
            have = set((image.get("stores") or "").split(","))
            busy = image.get("os_glance_importing_to_stores")
            return (image["status"] == "active" and set(stores) <= have
                    and not busy)
        return self.wait(image_id, done, timeout, "stores %s" % stores)

    def copy_tasks(self, image_id):
        """The copy-image tasks Glance ran for ``image_id``."""
        answer = requests.get("%s/v2/images/%s/tasks" % (
            self.endpoint, image_id), headers=self.headers, timeout=30)
        answer.raise_for_status()
        return [task for task in answer.json()["tasks"]
                if (task.get("input") or {}).get("import_req", {})
                .get("method", {}).get("name") == "copy-image"]

    def delete(self, image_id):
        requests.delete("%s/v2/images/%s" % (self.endpoint, image_id),
                        headers=self.headers, timeout=30)


def write_pattern(path, size):
    """A file whose every MiB differs, so misplaced reads show."""
    with open(path, "wb") as f:
        for index in range(size // MiB):
            f.write(((b"edgevol %08d " % index) * 65536)[:MiB])


def rbd_parent(site, volume_id):
    """(pool, image, snap) of a volume's RBD parent in its site, or None."""
    import rbd
    with test_stack.admin_ioctx(site) as ioctx:
        with rbd.Image(ioctx, "volume-%s" % volume_id,
                       read_only=True) as image:
            try:
                spec = image.get_parent_image_spec()
            except rbd.ImageNotFound:
                return None
    return spec["pool_name"], spec["image_name"], spec["snap_name"]


def read_as_compute_host(site, volume_id, length):
    """Read a volume's first bytes with the site's compute key (librbd)."""
    import rados
    import rbd
    cluster = rados.Rados(conffile=site["ceph_conf"],
                          rados_id=site["compute_user"],
                          conf={"keyring": site["compute_keyring"],
                                "client_mount_timeout": "10",
                                "rados_osd_op_timeout": "10"})
    cluster.connect(timeout=10)
    try:
        with cluster.open_ioctx("volumes") as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume_id,
                           read_only=True) as image:
                return image.read(0, length)
    finally:
        cluster.shutdown()


@contextlib.contextmanager
def serve_file(path):
    """An HTTP server on 127.0.0.1 serving ``path`` (for web-download)."""
    directory, name = os.path.split(path)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=directory, **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d/%s" % (server.server_address[1], name)
    finally:
        server.shutdown()
        server.server_close()
