"""Volumes from Glance images through the whole stack and real Glance.

In one run against a running environment (``make run``):

* a blank 1 GiB create until ``available``, for scale;
* a volume from a 1 GiB and from a 20 GiB raw image whose copy is in the
  site's store, until ``available`` (a COW clone: the two should cost the
  same, ratio <= 1.2, and at most twice a blank create);
* the first volume(s) in a site whose store lacks the image, copy
  included (``image_not_local = copy``), with ``--concurrent`` creates
  at once, next to a plain copy-image of the same image to another store
  through Glance alone; and how many copy-image tasks Glance ran.

The two big images are made the way Glance's rbd store lays them out
(``images/<id>@snap``, protected) with librbd in the site's cluster and
registered with Glance as a location of the site's store, the way an
uploaded volume is: streaming 20 GiB through HTTP would only measure the
import, not the create.  Each image holds ``--mib-per-gib`` MiB of data
per GiB, so a clone that copied data would show it.
"""

import concurrent.futures
import contextlib
import time
import uuid

import requests

MiB = 1024 ** 2
GiB = 1024 ** 3
ADMIN_TOKEN = "admin:admin"
REMOTE_POLL_INTERVAL = 0.1


class Client:
    """edgevol's API as a tenant sees it."""

    def __init__(self, endpoint, token, poll_interval, timeout=600):
        self.endpoint = endpoint
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": token,
                                     "Accept": "application/json"})

    def call(self, method, path, expect, body=None):
        response = self.session.request(method, self.endpoint + path,
                                        json=body, timeout=60)
        if response.status_code != expect:
            raise RuntimeError("%s %s: %s %s" % (
                method, path, response.status_code, response.text[:300]))
        return response.json() if response.content else None

    def messages(self, volume_id):
        """Why operations on the volume failed (``/messages``, 3.3)."""
        response = self.session.get(
            self.endpoint + "/messages?resource_uuid=%s" % volume_id,
            headers={"OpenStack-API-Version": "volume 3.3"}, timeout=60)
        return [m["user_message"] for m in response.json()["messages"]]

    def create(self, zone, size, image_id=None, poll_interval=None):
        """Seconds until the new volume is available, and its id."""
        body = {"size": size, "availability_zone": zone}
        if image_id:
            body["imageRef"] = image_id
        started = time.perf_counter()
        volume = self.call("POST", "/volumes", 202,
                           {"volume": body})["volume"]
        while time.perf_counter() - started < self.timeout:
            current = self.call("GET", "/volumes/%s" % volume["id"],
                                200)["volume"]
            if current["status"] == "available":
                return time.perf_counter() - started, volume["id"]
            if current["status"].startswith("error"):
                raise RuntimeError("volume %s: %s" % (
                    volume["id"], self.messages(volume["id"])))
            time.sleep(poll_interval or self.poll_interval)
        raise RuntimeError("volume %s not available in time" % volume["id"])

    def delete_all(self, volume_ids):
        """Delete volumes and wait until they are gone (then their images
        may go without leaving a parent in the trash)."""
        for volume_id in volume_ids:
            self.session.delete("%s/volumes/%s" % (self.endpoint, volume_id),
                                timeout=60)
        deadline = time.monotonic() + self.timeout
        for volume_id in volume_ids:
            while (time.monotonic() < deadline and self.session.get(
                    "%s/volumes/%s" % (self.endpoint, volume_id),
                    timeout=60).status_code != 404):
                time.sleep(self.poll_interval)


class Glance:
    """Glance's REST API as admin."""

    def __init__(self, endpoint, poll_interval):
        self.endpoint = endpoint.rstrip("/")
        self.poll_interval = poll_interval
        self.headers = {"X-Auth-Token": ADMIN_TOKEN}

    def _call(self, method, path, expect, **kwargs):
        response = requests.request(method, self.endpoint + path,
                                    headers=dict(self.headers, **kwargs.pop(
                                        "headers", {})), timeout=60,
                                    **kwargs)
        if response.status_code != expect:
            raise RuntimeError("Glance %s %s: %s %s" % (
                method, path, response.status_code, response.text[:300]))
        return response.json() if response.content else None

    def register(self, image_id, name, fsid, store):
        """An active public image whose data is ``images/<id>@snap`` of
        the cluster ``fsid``, in ``store``."""
        self._call("POST", "/v2/images", 201, json={
            "id": image_id, "name": name, "disk_format": "raw",
            "container_format": "bare", "visibility": "public"})
        self._call("PATCH", "/v2/images/%s" % image_id, 200, json=[{
            "op": "add", "path": "/locations/-", "value": {
                "url": "rbd://%s/images/%s/snap" % (fsid, image_id),
                "metadata": {"store": store}}}], headers={
            "Content-Type": "application/openstack-images-v2.1-json-patch"})

    def image(self, image_id):
        return self._call("GET", "/v2/images/%s" % image_id, 200)

    def copy(self, image_id, store):
        """Seconds from asking Glance to copy until ``store`` has it."""
        started = time.perf_counter()
        while True:
            response = requests.post(
                "%s/v2/images/%s/import" % (self.endpoint, image_id),
                headers=self.headers, timeout=60, json={
                    "method": {"name": "copy-image"}, "stores": [store],
                    "all_stores_must_succeed": False})
            if response.status_code == 202:
                break
            if response.status_code != 409:  # import lock still held
                raise RuntimeError("copy-image: %s" % response.text[:300])
            time.sleep(self.poll_interval)
        while True:
            image = self.image(image_id)
            if (store in (image.get("stores") or "").split(",")
                    and not image.get("os_glance_importing_to_stores")):
                return time.perf_counter() - started
            if store in (image.get("os_glance_failed_import") or ""):
                raise RuntimeError("copy of %s to %s failed" % (image_id,
                                                                store))
            time.sleep(self.poll_interval)

    def copies_to(self, image_id, store):
        """How many copy-image tasks Glance ran into ``store``."""
        tasks = self._call("GET", "/v2/images/%s/tasks" % image_id,
                           200)["tasks"]
        return sum(1 for task in tasks
                   if _import_request(task).get("method", {}).get("name")
                   == "copy-image" and store in _import_request(task).get(
                       "stores", []))

    def delete(self, image_id):
        requests.delete("%s/v2/images/%s" % (self.endpoint, image_id),
                        headers=self.headers, timeout=60)


def _import_request(task):
    return (task.get("input") or {}).get("import_req") or {}


@contextlib.contextmanager
def _admin_ioctx(site, pool):
    import rados
    cluster = rados.Rados(conffile=site["ceph_conf"], rados_id="admin",
                          conf={"keyring": site["admin_keyring"],
                                "client_mount_timeout": "10",
                                "rados_osd_op_timeout": "60"})
    cluster.connect(timeout=10)
    try:
        ioctx = cluster.open_ioctx(pool)
        try:
            yield ioctx
        finally:
            ioctx.close()
    finally:
        cluster.shutdown()


def make_site_image(site, image_id, size_gib, mib_per_gib):
    """``images/<id>@snap`` in ``site`` as Glance's rbd store writes it,
    with ``mib_per_gib`` MiB of data at the start of every GiB."""
    import rbd
    chunk = b"\xa5" * MiB
    with _admin_ioctx(site, "images") as ioctx:
        rbd.RBD().create(ioctx, image_id, size_gib * GiB, old_format=False,
                         features=rbd.RBD_FEATURE_LAYERING)
        with rbd.Image(ioctx, image_id) as image:
            for gib in range(size_gib):
                for mib in range(mib_per_gib):
                    image.write(chunk, gib * GiB + mib * MiB)
            image.create_snap("snap")
            image.protect_snap("snap")


def run(client, glance, site, other_site, copy_site, count, mib_per_gib,
        concurrent):
    """Samples (seconds) and counts; see the module docstring."""
    zone, other_zone = site["availability_zone"], other_site[
        "availability_zone"]
    samples = {"blank": [], "image_1g": [], "image_20g": []}
    volumes, images = [], []
    try:
        for size in (1, 20):
            image_id = str(uuid.uuid4())
            make_site_image(site, image_id, size, mib_per_gib)
            glance.register(image_id, "bench-%dg" % size, site["fsid"],
                            site["name"])
            images.append(image_id)
        # Interleaved, so that the three see the same load (the machine
        # may be busy with other work), and each round's volumes deleted:
        # twenty 20 GiB volumes would exceed a dev site's over-subscription.
        for _ in range(count):
            for key, size, image_id in (("blank", 1, None),
                                        ("image_1g", 1, images[0]),
                                        ("image_20g", 20, images[1])):
                seconds, volume_id = client.create(zone, size, image_id)
                samples[key].append(seconds)
                volumes.append(volume_id)
            client.delete_all(volumes)
            volumes = []
        one_gib = images[0]
        with concurrent_pool(concurrent) as pool:
            # Seconds-long waits: polling them every few ms would take the
            # CPU Glance needs for the copy.
            first = list(pool.map(
                lambda _: client.create(other_zone, 1, one_gib,
                                        REMOTE_POLL_INTERVAL),
                range(concurrent)))
        volumes += [volume_id for _, volume_id in first]
        samples["first_remote"] = [seconds for seconds, _ in first]
        samples["plain_copy"] = [glance.copy(one_gib, copy_site["name"])]
        copies = glance.copies_to(one_gib, other_site["name"])
    finally:
        client.delete_all(volumes)
        for image_id in images:
            glance.delete(image_id)
    return samples, copies


def concurrent_pool(workers):
    return concurrent.futures.ThreadPoolExecutor(workers)
