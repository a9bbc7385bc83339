"""Property-based fuzzing of the whole API: no request may earn a 5xx.

Requests are drawn over every route of ``edgevol.api.router.ROUTES`` with
real and junk path arguments, random query strings and JSON bodies shaped
like the schemas' (their property names, at any nesting) or not at all:
lone surrogates, NUL characters, huge integers, long strings, nested junk.
They run through the real WSGI app on the real business layer and a real
database (``InProcessServices``); the unit suite uses a SQLite file, the
functional suite PostgreSQL, which refuses more (NUL, over-long strings,
text compared with integers).

Derandomized: the same examples run every time, so CI cannot flake on a
new draw; a failure names the request (method, path, query, body).
"""

import importlib
import json
import os
import pkgutil
import urllib.parse

from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import note
from hypothesis import settings
from hypothesis import strategies as st
import webob

from edgevol.api import deploy
from edgevol.api.handlers import volume_actions
from edgevol.api import router
from edgevol.api import schemas
from edgevol.tests.unit.api import base
from edgevol.tests.unit import in_process

EXAMPLES = int(os.environ.get("EDGEVOL_FUZZ_EXAMPLES", "3000"))
"""Requests per run, bounded so the test takes well under two minutes on
two cores (about 20 s)."""

RANDOM = bool(os.environ.get("EDGEVOL_FUZZ_RANDOM"))
"""Draw new examples each run (to hunt for bugs by hand; CI runs the same
derandomized examples every time)."""


def _schema_names():
    """Every property name of every request schema, and the actions'."""
    names = set(volume_actions.ACTIONS) | {"os-complete"}
    pending = []
    for info in pkgutil.iter_modules(schemas.__path__):
        module = importlib.import_module(
            "%s.%s" % (schemas.__name__, info.name))
        pending.extend(v for v in vars(module).values()
                       if isinstance(v, dict))
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            names.update(k for k in node.get("properties", ()))
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return sorted(names)


SCHEMA_NAMES = _schema_names()

QUERY_NAMES = sorted({
    "name", "name~", "status", "status~", "metadata", "sort", "sort_key",
    "sort_dir", "limit", "marker", "offset", "all_tenants", "project_id",
    "size", "bootable", "availability_zone", "created_at", "updated_at",
    "with_count", "is_public", "extra_specs", "usage", "skip_validation",
    "cascade", "force", "resource", "consumes_quota", "volume_id", "host",
    "binary", "instance_id", "attach_status"})

UNSTORABLE_TEXT = ["\ud800", "\udfff", "a\x00b", "\x00", "\udc80x"]

SPECIAL_TEXT = UNSTORABLE_TEXT + ["", " ", "x" * 256,
                "x" * 70000, "1", "0", "-1", "2147483648", "true", "null",
                "{'k': '\\ud800'}", "{'k': 'v\\x00'}", '{"k": "\\ud800"}',
                "gt:2026-01-01T00:00:00", "lt:\ud800", "name:asc",
                "\ud800:desc", "ñ", "ä" * 200]

SPECIAL_INTS = [0, -1, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 63, -2 ** 63, 10 ** 40]

texts = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.text(st.characters(exclude_categories=()), max_size=20),
    st.sampled_from(SCHEMA_NAMES))

scalars = st.one_of(
    st.none(), st.booleans(), st.sampled_from(SPECIAL_INTS),
    st.integers(), st.floats(allow_nan=False), texts)

json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(SCHEMA_NAMES), texts),
                        inner, max_size=4)),
    max_leaves=8)

schema_shaped = st.dictionaries(
    st.sampled_from(SCHEMA_NAMES),
    st.one_of(st.dictionaries(st.sampled_from(SCHEMA_NAMES), json_values,
                              max_size=5), json_values),
    min_size=1, max_size=2)

bodies = st.one_of(st.none(), schema_shaped, json_values)

replacements = st.one_of(st.sampled_from(UNSTORABLE_TEXT),
                         st.sampled_from(SPECIAL_TEXT),
                         st.sampled_from(SPECIAL_INTS), json_values)
"""What a mutation puts in place of a good value: mostly the edge cases."""

queries = st.one_of(
    st.just({}),
    st.dictionaries(st.one_of(st.sampled_from(QUERY_NAMES), texts),
                    texts, max_size=3))

TEMPLATES = sorted(router.ROUTES)

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]


def good_bodies(ids):
    """(method, template, body) the API accepts, as seeds for mutation:
    a request wrong in one place only reaches further than pure junk."""
    volume, snapshot = ids["volume_id"][0], ids["snapshot_id"][0]
    attachment = ids["attachment_id"][0]
    meta = {"metadata": {"k": "v"}}
    connector = {"host": "compute1", "initiator": "iqn.x", "ip": "1.2.3.4"}
    actions = [{"os-extend": {"new_size": 2}},
               {"os-set_bootable": {"bootable": True}},
               {"revert": {"snapshot_id": snapshot}},
               {"os-volume_upload_image": {
                   "image_name": "i", "disk_format": "raw",
                   "container_format": "bare", "force": True}},
               {"os-force_detach": {"attachment_id": attachment,
                                    "connector": connector}}]
    return [
        ("POST", "/volumes", {"volume": {
            "size": 1, "name": "n", "description": "d", "metadata":
            {"k": "v"}, "volume_type": "gold", "availability_zone": "site1",
            "snapshot_id": None, "multiattach": False}}),
        ("PUT", "/volumes/{volume_id}", {"volume": dict(
            meta, name="n", description="d")}),
        ("POST", "/volumes/{volume_id}/metadata", meta),
        ("PUT", "/volumes/{volume_id}/metadata", meta),
        ("PUT", "/volumes/{volume_id}/metadata/{key}", {"meta": {"k": "v"}}),
        ("POST", "/snapshots", {"snapshot": dict(
            meta, volume_id=volume, name="s", description="d",
            force=True)}),
        ("PUT", "/snapshots/{snapshot_id}", {"snapshot": {
            "name": "s", "description": "d"}}),
        ("POST", "/snapshots/{snapshot_id}/metadata", meta),
        ("PUT", "/snapshots/{snapshot_id}/metadata/{key}",
         {"meta": {"k": "v"}}),
        ("POST", "/types", {"volume_type": {
            "name": "t", "description": "d", "extra_specs": {"k": "v"},
            "os-volume-type-access:is_public": True}}),
        ("PUT", "/types/{type_id}", {"volume_type": {
            "name": "t2", "description": "d", "is_public": True}}),
        ("POST", "/types/{type_id}/extra_specs", {"extra_specs": {"k": "v"}}),
        ("PUT", "/types/{type_id}/extra_specs/{key}", {"k": "v"}),
        ("PUT", "/default-types/{project_id}", {"default_type": {
            "volume_type": "gold"}}),
        ("PUT", "/os-services/{action}", {
            "host": "site1@rbd", "binary": "edgevol-volume",
            "disabled_reason": "r", "level": "DEBUG", "prefix": "p"}),
        ("PUT", "/os-quota-sets/{project_id}", {"quota_set": {
            "volumes": 10, "gigabytes": 100, "snapshots": 10,
            "backups": 10, "backup_gigabytes": 100, "groups": 10,
            "per_volume_gigabytes": 50}}),
        ("POST", "/attachments", {"attachment": {
            "volume_uuid": volume, "instance_uuid": volume,
            "connector": connector, "mode": "rw"}}),
        ("PUT", "/attachments/{attachment_id}", {"attachment": {
            "connector": connector}}),
        ("POST", "/attachments/{attachment_id}/action",
         {"os-complete": None}),
        ("POST", "/os-compute-hosts", {"compute_host": {
            "name": "compute2", "availability_zone": "site2"}}),
        ("POST", "/types/{type_id}/action",
         {"addProjectAccess": {"project": "p2"}}),
        ("POST", "/volume-transfers", {"transfer": {
            "volume_id": volume, "name": "t", "no_snapshots": True}}),
        ("POST", "/volume-transfers/{transfer_id}/accept",
         {"accept": {"auth_key": "0123456789abcdef"}}),
    ] + [("POST", "/volumes/{volume_id}/action", a) for a in actions]


def _places(document, path=()):
    """Paths to every value of a JSON document, the document first."""
    yield path
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _places(value, path + (key,))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _places(value, path + (index,))


@st.composite
def mutated(draw, body):
    """``body`` with one value replaced, or one key added or renamed.

    Mostly a leaf gets an edge case: one bad name in a good body is what
    reaches the database.
    """
    body = json.loads(json.dumps(body))
    places = list(_places(body))[1:]
    path = draw(st.sampled_from(places))
    parent = body
    for part in path[:-1]:
        parent = parent[part]
    how = draw(st.sampled_from(["replace", "replace", "replace", "add",
                                "rename", "keep"]))
    if how == "replace":
        parent[path[-1]] = draw(replacements)
    elif how == "add" and isinstance(parent, dict):
        parent[draw(texts)] = draw(replacements)
    elif how == "rename" and isinstance(parent, dict):
        parent[draw(texts)] = parent.pop(path[-1])
    return body


def _path(draw, template, known_args):
    segments = []
    for segment in template.strip("/").split("/"):
        if segment.startswith("{"):
            choices = known_args.get(segment[1:-1], [])
            # Mostly a real one: a junk id ends in a 404 at once.
            junk = st.one_of(st.sampled_from(SPECIAL_TEXT), texts)
            segment = draw(st.one_of(st.sampled_from(choices),
                                     st.sampled_from(choices), junk)
                           if choices else junk)
        segments.append(segment)
    if draw(st.booleans()):
        segments.insert(0, "p1")
    return segments


VERSIONS = [None, "3.0", "3.27", "3.31", "3.53", "3.60", "latest", "3.999",
            "x"]

TOKENS = [base.ADMIN, base.MEMBER, base.OTHER, "u:" + "p" * 256, "u%00:p",
          "u:%ED%A0%80"]


@st.composite
def requests(draw, known_args, seeds):
    """(method, path segments, query, body, token, version) of a request.

    Three in four are a seed body mutated in one place, sent as a caller
    and at a version that gets it past the policy and the microversion
    checks; the rest are any route with anything.
    """
    if draw(st.integers(0, 3)):
        method, template, body = draw(st.sampled_from(seeds))
        body = draw(mutated(body))
        version = draw(st.sampled_from(["latest", "latest", "3.0", None]))
        token = draw(st.sampled_from([base.ADMIN, base.ADMIN, base.MEMBER]))
        query = draw(st.one_of(st.just({}), st.just({}), queries))
    else:
        template = draw(st.sampled_from(TEMPLATES))
        known = st.sampled_from(sorted(router.ROUTES[template]))
        method = draw(st.one_of(known, known, st.sampled_from(METHODS)))
        body = draw(bodies)
        version = draw(st.sampled_from(VERSIONS))
        token = draw(st.sampled_from(TOKENS))
        query = draw(queries)
    return (method, _path(draw, template, known_args), query, body, token,
            version)


def _quote(text):
    # A lone surrogate cannot be UTF-8: it travels as the bytes
    # "surrogatepass" makes, which the server must refuse to decode.
    return urllib.parse.quote(text, safe="", errors="surrogatepass")


class RealAPITestCase(base.APITestCase):
    """The app on the real business layer and database (``backend``),
    with one of each resource to address (``known_args``)."""

    backend = "sqlite"

    def setUp(self):
        super().setUp()
        services = self.useFixture(
            in_process.InProcessServices(backend=self.backend))
        self.conf = services.conf
        self.app = deploy.loadapp(self.conf)
        in_process.wait_for(lambda: len(self.call(
            "GET", "/v3/os-availability-zone").json[
                "availabilityZoneInfo"]) == 2)
        services.wait_for_capacity_reports()
        self.known_args = self._make_resources()

    def _make_resources(self):
        """Real ids for the path arguments, so requests get past lookups."""
        volume = self.create_volume(metadata={"k": "v"})
        in_process.wait_for(lambda: self.call(
            "GET", "/v3/volumes/%s" % volume["id"]).json["volume"][
                "status"] == "available")
        snapshot = self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": volume["id"], "metadata": {"k": "v"}}},
            expect=202).json["snapshot"]
        volume_type = self.call(
            "POST", "/v3/types", {"volume_type": {"name": "gold"}},
            token=base.ADMIN, expect=200).json["volume_type"]
        self.call("POST", "/v3/os-compute-hosts", {"compute_host": {
            "name": "compute1", "availability_zone": "site1"}},
            token=base.ADMIN, expect=201)
        attachment = self.call("POST", "/v3/attachments", {"attachment": {
            "volume_uuid": volume["id"]}}, version="3.27",
            expect=200).json["attachment"]
        offered = self.create_volume()
        in_process.wait_for(lambda: self.call(
            "GET", "/v3/volumes/%s" % offered["id"]).json["volume"][
                "status"] == "available")
        transfer = self.call("POST", "/v3/os-volume-transfer", {"transfer": {
            "volume_id": offered["id"]}}, expect=202).json["transfer"]
        return {"volume_id": [volume["id"]],
                "snapshot_id": [snapshot["id"]],
                "type_id": [volume_type["id"], "default"],
                "attachment_id": [attachment["id"]],
                "transfer_id": [transfer["id"]],
                "project_id": ["p1", "p2", "adminp"],
                "name": ["compute1"], "key": ["k"],
                "action": ["enable", "disable", "disable-log-reason",
                           "set-log", "get-log"]}

    def _send(self, method, segments, query, body, token, version):
        path = "/v3/" + "/".join(_quote(s) for s in segments)
        req = webob.Request.blank(path, method=method)
        req.query_string = urllib.parse.urlencode(
            query, errors="surrogatepass")
        req.headers["X-Auth-Token"] = token
        if version is not None:
            req.headers["OpenStack-API-Version"] = "volume %s" % version
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = "application/json"
        note("%s %s?%s %r" % (method, path, req.query_string, body))
        return req.get_response(self.app)


class APIFuzzTest(RealAPITestCase):
    """Thousands of requests; every answer is below 500.

    A base class: the test modules name the database (``backend``).
    """

    def test_no_request_is_a_server_error(self):
        @settings(max_examples=EXAMPLES, derandomize=not RANDOM,
                  database=None,
                  deadline=None, print_blob=True,
                  suppress_health_check=list(HealthCheck))
        @given(requests(self.known_args, good_bodies(self.known_args)))
        def check(request):
            response = self._send(*request)
            self.assertLess(response.status_int, 500, response.text)

        check()
