"""Attach and detach latency through the whole stack.

For each of ``count`` available volumes of one site, sequentially:
attach as Cinder's three calls (``POST /attachments`` reserve, ``PUT``
with the host's connector -- the site's volume manager makes the
connection info over an RPC call -- and ``os-complete``), then detach
(``DELETE``, which has the site terminate the connection; the volume is
``available`` when it returns). A second pass attaches the way Nova and
edgevol-compute do, reserve and connect in one call plus complete.
"""

import time

import requests

MICROVERSION = "3.54"
CINDER_ATTACH_MEAN_S = 2.77
"""Cinder's published attach mean, for scale."""


class Client:
    def __init__(self, endpoint, token, poll_interval):
        self.endpoint = endpoint
        self.poll_interval = poll_interval
        self.session = requests.Session()
        self.session.headers.update({
            "X-Auth-Token": token, "Accept": "application/json",
            "OpenStack-API-Version": "volume %s" % MICROVERSION})

    def call(self, method, path, body=None, expect=(200,)):
        response = self.session.request(method, self.endpoint + path,
                                        json=body, timeout=60)
        if response.status_code not in expect:
            raise RuntimeError("%s %s: %d %s" % (method, path,
                                                 response.status_code,
                                                 response.text[:300]))
        return response.json() if response.content else None

    def status(self, volume_id):
        return self.call("GET", "/volumes/%s" % volume_id)["volume"][
            "status"]

    def create_available(self, zone, timeout=60):
        volume = self.call("POST", "/volumes", {"volume": {
            "size": 1, "availability_zone": zone}}, expect=(202,))["volume"]
        deadline = time.monotonic() + timeout
        while self.status(volume["id"]) != "available":
            if time.monotonic() > deadline:
                raise RuntimeError("volume %s not available" % volume["id"])
            time.sleep(self.poll_interval)
        return volume["id"]


def register_host(endpoint, admin_token, host, zone):
    """Register the benchmark's compute host (409: it is already)."""
    response = requests.post(
        endpoint + "/os-compute-hosts", timeout=30,
        headers={"X-Auth-Token": admin_token},
        json={"compute_host": {"name": host, "availability_zone": zone}})
    if response.status_code not in (201, 409):
        response.raise_for_status()


def _connector(host):
    return {"host": host, "ip": "127.0.0.1", "platform": "x86_64",
            "os_type": "linux", "multipath": False}


def attach_three_calls(client, volume_id, host):
    started = time.perf_counter()
    attachment = client.call("POST", "/attachments", {"attachment": {
        "volume_uuid": volume_id}})["attachment"]
    client.call("PUT", "/attachments/%s" % attachment["id"], {
        "attachment": {"connector": _connector(host)}})
    client.call("POST", "/attachments/%s/action" % attachment["id"],
                {"os-complete": None}, expect=(204,))
    return time.perf_counter() - started, attachment["id"]


def attach_two_calls(client, volume_id, host):
    started = time.perf_counter()
    attachment = client.call("POST", "/attachments", {"attachment": {
        "volume_uuid": volume_id, "connector": _connector(host),
        "mode": "rw"}})["attachment"]
    client.call("POST", "/attachments/%s/action" % attachment["id"],
                {"os-complete": None}, expect=(204,))
    return time.perf_counter() - started, attachment["id"]


def detach(client, attachment_id):
    started = time.perf_counter()
    client.call("DELETE", "/attachments/%s" % attachment_id)
    return time.perf_counter() - started


def run(client, zone, host, count):
    """{"attach": [...], "attach_one_call_connect": [...], "detach": [...]}
    in seconds; checks each volume's status after every step."""
    samples = {"attach": [], "attach_one_call_connect": [], "detach": []}
    volumes = [client.create_available(zone) for _ in range(count)]
    try:
        for attach, key in ((attach_three_calls, "attach"),
                            (attach_two_calls, "attach_one_call_connect")):
            for volume_id in volumes:
                seconds, attachment_id = attach(client, volume_id, host)
                _expect(client, volume_id, "in-use")
                samples[key].append(seconds)
                samples["detach"].append(detach(client, attachment_id))
                _expect(client, volume_id, "available")
    finally:
        for volume_id in volumes:
            client.call("DELETE", "/volumes/%s" % volume_id,
                        expect=(202, 404, 409))
    return samples


def _expect(client, volume_id, status):
    current = client.status(volume_id)
    if current != status:
        raise RuntimeError("volume %s is %s, expected %s" % (
            volume_id, current, status))
