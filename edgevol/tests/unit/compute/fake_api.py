"""A tiny stand-in for the attachments part of the block storage API.

It answers the four calls ``edgevol-compute`` makes the way Cinder's v3 API
does (status codes, fault bodies, and the FLATTENED connection info of an
attachment: the driver's ``data`` keys beside ``driver_volume_type`` and
``attachment_id``), and gets the connection info from a driver object,
so the agent's unit tests can fail any step on demand (the functional
tests use the real API).  Every request is recorded for the tests to look
at.
"""

import datetime
import http.server
import json
import re
import threading
import uuid

_ROUTES = [
    ("GET", re.compile(r"^/v3/volumes/([^/]+)$"), "_show_volume"),
    ("POST", re.compile(r"^/v3/attachments$"), "_create"),
    ("POST", re.compile(r"^/v3/attachments/([^/]+)/action$"), "_action"),
    ("DELETE", re.compile(r"^/v3/attachments/([^/]+)$"), "_delete"),
]


def _fault(code, name, message):
    return code, {name: {"code": code, "message": message}}


class FakeAttachmentsAPI:
    """Serve on 127.0.0.1 at ``endpoint`` (``http://127.0.0.1:P/v3``).

    :param driver: a volume driver; ``initialize_connection`` and
        ``terminate_connection`` are called on it like a manager would.
    :param flatten: answer connection info flattened, as Cinder does
        (False: the driver's nested dict as it is).
    """

    def __init__(self, driver, flatten=True):
        self.driver = driver
        self.flatten = flatten
        self.volumes = {}        # id -> {"id", "size", "availability_zone"}
        self.attachments = {}    # id -> attachment record
        self.requests = []       # (method, path, headers, body)
        self.fail_next = {}      # "create"/"action"/"delete" -> (code, body)
        self.lock = threading.Lock()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass  # keep test output clean

            def _serve(self):
                api._serve(self)

            do_GET = do_POST = do_DELETE = _serve

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                       Handler)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        daemon=True)

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d/v3" % self._server.server_address[1]

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def add_volume(self, volume_id, availability_zone, size=1):
        self.volumes[volume_id] = {"id": volume_id, "size": size,
                                   "availability_zone": availability_zone}

    # -- dispatch ----------------------------------------------------------
    def _serve(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        with self.lock:
            self.requests.append((handler.command, handler.path,
                                  dict(handler.headers), body))
        for method, pattern, name in _ROUTES:
            match = pattern.match(handler.path)
            if method == handler.command and match:
                code, answer = getattr(self, name)(body, *match.groups())
                break
        else:
            code, answer = _fault(404, "itemNotFound", "no such resource")
        data = json.dumps(answer).encode() if answer is not None else b""
        handler.send_response(code)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _failure(self, what):
        with self.lock:
            return self.fail_next.pop(what, None)

    # -- handlers ------------------------------------------------------------
    def _show_volume(self, body, volume_id):
        volume = self.volumes.get(volume_id)
        if volume is None:
            return _fault(404, "itemNotFound",
                          "Volume %s could not be found." % volume_id)
        return 200, {"volume": dict(volume, status="available")}

    def _create(self, body, *unused):
        failure = self._failure("create")
        if failure:
            return failure
        request = body["attachment"]
        volume = self.volumes.get(request["volume_uuid"])
        if volume is None:
            return _fault(404, "itemNotFound", "Volume %s could not be "
                          "found." % request["volume_uuid"])
        mode = request.get("mode") or "rw"
        info = self.driver.initialize_connection(
            dict(volume, attach_mode=mode), request["connector"])
        attachment_id = str(uuid.uuid4())
        if self.flatten:
            shown = dict(info["data"], attachment_id=attachment_id,
                         driver_volume_type=info["driver_volume_type"])
        else:
            shown = info
        attachment = {"id": attachment_id, "status": "reserved",
                      "instance": None, "volume_id": volume["id"],
                      "attached_at": None, "detached_at": None,
                      "attach_mode": mode, "connection_info": shown,
                      "connector": request["connector"]}
        with self.lock:
            self.attachments[attachment_id] = attachment
        public = {k: v for k, v in attachment.items() if k != "connector"}
        return 200, {"attachment": public}

    def _action(self, body, attachment_id):
        failure = self._failure("action")
        if failure:
            return failure
        with self.lock:
            attachment = self.attachments.get(attachment_id)
            if attachment is None:
                return _fault(404, "itemNotFound", "Attachment %s could not "
                              "be found." % attachment_id)
            if body != {"os-complete": None}:
                return _fault(400, "badRequest", "unknown action")
            attachment["status"] = "attached"
            attachment["attached_at"] = datetime.datetime.now(
                datetime.timezone.utc).isoformat()
        return 204, None

    def _delete(self, body, attachment_id):
        failure = self._failure("delete")
        if failure:
            return failure
        with self.lock:
            attachment = self.attachments.pop(attachment_id, None)
        if attachment is None:
            return _fault(404, "itemNotFound", "Attachment %s could not be "
                          "found." % attachment_id)
        volume = self.volumes[attachment["volume_id"]]
        self.driver.terminate_connection(volume, attachment["connector"])
        return 200, {"attachments": []}
