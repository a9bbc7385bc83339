"""The block storage API calls of an attach and a detach (Cinder v3).

The flow is Cinder's "new style" attachments, as Nova drives it:
``POST /attachments`` with the volume, this host's connector and the mode
(the volume is reserved and the connection initialized in one step), then
``POST /attachments/{id}/action {"os-complete": null}`` once the host uses
the volume, and ``DELETE /attachments/{id}`` on detach.
"""

import requests

from edgevol.compute import errors

# 3.54 is the first microversion whose attachment create takes "mode";
# the attachments API itself exists since 3.27 and os-complete since 3.44.
MICROVERSION = "3.54"
USER_AGENT = "edgevol-compute"


def _fault_message(response):
    """The message of a Cinder fault body (``{"itemNotFound": {"message":
    ...}}``), or the body's start when it is not one."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason
    if isinstance(body, dict) and len(body) == 1:
        fault = next(iter(body.values()))
        if isinstance(fault, dict) and fault.get("message"):
            return fault["message"]
    return str(body)[:300]


class AttachmentsClient:
    """HTTP client of one endpoint (``.../v3`` or ``.../v3/<project>``).

    :param session: a ``requests.Session`` (one per client by default).
    """

    def __init__(self, endpoint, token, timeout, session=None):
        self._endpoint = endpoint.rstrip("/")
        self._timeout = timeout
        self._session = session or requests.Session()
        self._headers = {
            "Accept": "application/json",
            "OpenStack-API-Version": "volume %s" % MICROVERSION,
            "User-Agent": USER_AGENT,
        }
        if token:
            self._headers["X-Auth-Token"] = token

    def _request(self, method, path, body=None, allow_missing=False):
        url = self._endpoint + path
        try:
            response = self._session.request(
                method, url, json=body, headers=self._headers,
                timeout=self._timeout)
        except requests.RequestException as exc:
            raise errors.APIError("%s %s: no answer: %s" % (
                method, url, exc)) from exc
        if allow_missing and response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise errors.APIError("%s %s: %d %s" % (
                method, url, response.status_code, _fault_message(response)),
                status=response.status_code)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError as exc:
            raise errors.APIError("%s %s: answer is not JSON: %r" % (
                method, url, response.text[:300]),
                status=response.status_code) from exc

    def get_volume(self, volume_id):
        """The volume's detail (``GET /volumes/{id}``)."""
        return self._request("GET", "/volumes/%s" % volume_id)["volume"]

    def create(self, volume_id, connector, mode):
        """Create an attachment with a connector; returns the attachment
        (with ``connection_info``)."""
        body = {"attachment": {"volume_uuid": volume_id,
                               "connector": connector,
                               "mode": mode}}
        return self._request("POST", "/attachments", body)["attachment"]

    def complete(self, attachment_id):
        """Mark the attachment as in use (the volume becomes in-use)."""
        self._request("POST", "/attachments/%s/action" % attachment_id,
                      {"os-complete": None})

    def delete(self, attachment_id):
        """Delete the attachment; False if it did not exist (any more)."""
        return self._request("DELETE", "/attachments/%s" % attachment_id,
                             allow_missing=True) is not None
