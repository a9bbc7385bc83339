"""tempest.conf for the running Keystone-mode environment, and the gate.

``render_conf`` writes what OpenStack's conformance suite needs to test
edgevol as it would test Cinder: admin credentials for dynamic
credentials, the ``block-storage`` catalog entry, the microversion range
the API advertises, the extensions it lists, Glance on (with a small
image, ``ensure_image``), Nova and Neutron off.

``compare`` reads a run's results against the committed lists in
``tools/tempest/``: ``must-pass.txt`` (a test there that does not pass
fails the gate) and ``known-failing.txt`` (every other test, each with the
reason it does not pass yet); a test on neither list is reported, so the
lists grow with edgevol.
"""

import configparser
import io
import re

from edgevol.api.views import extensions

IMAGE_NAME = "edgevol-tempest-raw"
"""The small public image Tempest's volume-from-image tests use (Tempest
takes it from ``[compute] image_ref`` even without Nova)."""


def ensure_image(status, timeout=30):
    """The id of a 1 MiB raw public image in Glance's default store, made
    once per environment."""
    from glanceclient import client as glance_client
    from keystoneauth1 import identity
    from keystoneauth1 import session as ks_session

    keystone = status["keystone"]
    admin = keystone["admin"]
    auth = identity.Password(
        auth_url=keystone["endpoint"], username=admin["username"],
        password=admin["password"], project_name=admin["project_name"],
        user_domain_name=keystone["domain"],
        project_domain_name=keystone["domain"])
    glance = glance_client.Client(
        "2", session=ks_session.Session(auth=auth, timeout=timeout),
        endpoint=status["glance"]["endpoint"])
    for image in glance.images.list(filters={"name": IMAGE_NAME}):
        if image["status"] == "active":
            return image["id"]
    image = glance.images.create(name=IMAGE_NAME, disk_format="raw",
                                 container_format="bare",
                                 visibility="public")
    glance.images.upload(image["id"], io.BytesIO(bytes(1024 ** 2)))
    return image["id"]


def render_conf(status, max_microversion, lock_path, image_id=None):
    """tempest.conf text for ``status`` (edgevol-dev status, Keystone
    mode); ``image_id`` is the image volume-from-image tests use."""
    keystone = status["keystone"]
    admin = keystone["admin"]
    conf = configparser.ConfigParser(interpolation=None)
    conf["DEFAULT"] = {"log_file": "tempest.log", "debug": "false"}
    conf["oslo_concurrency"] = {"lock_path": lock_path}
    conf["auth"] = {
        "use_dynamic_credentials": "true",
        "admin_username": admin["username"],
        "admin_password": admin["password"],
        "admin_project_name": admin["project_name"],
        "admin_domain_name": keystone["domain"],
        "default_credentials_domain_name": keystone["domain"],
        "create_isolated_networks": "false",
    }
    conf["identity"] = {
        "uri_v3": keystone["endpoint"],
        "auth_version": "v3",
        "region": keystone["region"],
        "disable_ssl_certificate_validation": "true",
    }
    conf["identity-feature-enabled"] = {"api_v2": "false",
                                        "api_v3": "true"}
    conf["service_available"] = {
        "cinder": "true", "glance": "true", "nova": "false",
        "neutron": "false", "swift": "false"}
    conf["volume"] = {
        "catalog_type": "block-storage",
        "region": keystone["region"],
        "min_microversion": "3.0",
        "max_microversion": max_microversion,
        "storage_protocol": "ceph",
        "vendor_name": "Open Source",
        "backend_names": "rbd",
        "build_timeout": "120",
        "volume_size": "1",
    }
    conf["volume-feature-enabled"] = {
        "backup": "true", "snapshot": "true", "clone": "true",
        "volume_revert": "true", "multi_backend": "false",
        "manage_volume": "false", "manage_snapshot": "false",
        "extend_attached_volume": "false",
        "extend_attached_encrypted_volume": "false",
        # Tempest checks the first is listed by GET /extensions.
        "api_extensions": ",".join(alias for _, alias, _, _ in
                                   extensions.EXTENSIONS),
    }
    if image_id:
        conf["compute"] = {"image_ref": image_id}
    conf["image"] = {"region": keystone["region"]}
    conf["image-feature-enabled"] = {"api_v2": "true", "api_v1": "false"}
    out = io.StringIO()
    conf.write(out)
    return out.getvalue()


_ID = re.compile(r"^([\w.]+)")
_CLASS_FIXTURE = re.compile(r"^(setUpClass|tearDownClass) \(([\w.]+)\)")


def read_list(text):
    """{test id: reason or ""} of a list file; ``#`` starts a comment, a
    reason follows the id after `` - ``."""
    tests = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        test_id, _, reason = line.partition(" - ")
        tests[test_id.strip()] = reason.strip()
    return tests


def normalize(test_id):
    """A test id without Tempest's ``[id-...,smoke]`` attributes; a class
    fixture ``setUpClass (pkg.Class)`` becomes ``pkg.Class.setUpClass``."""
    fixture = _CLASS_FIXTURE.match(test_id)
    if fixture:
        return "%s.%s" % (fixture.group(2), fixture.group(1))
    match = _ID.match(test_id)
    return match.group(1) if match else test_id


def compare(results, must_pass, known_failing):
    """Judge a run.

    :param results: {test id: "success" | "fail" | "skip"}.
    :returns: {"broken": must-pass tests that did not pass,
               "newly_passing": passing tests on neither list,
               "unlisted": tests on neither list that did not pass}.
    """
    outcome = {normalize(k): v for k, v in results.items()}
    broken = sorted(t for t in must_pass if outcome.get(t) != "success")
    newly_passing = sorted(t for t, v in outcome.items()
                           if v == "success" and t not in must_pass)
    unlisted = sorted(t for t, v in outcome.items()
                      if v != "success" and t not in must_pass
                      and t not in known_failing)
    return {"broken": broken, "newly_passing": newly_passing,
            "unlisted": unlisted}


def read_subunit(stream):
    """{test id: "success" | "fail" | "skip" | ...} of a subunit v2
    stream (``stestr last --subunit``)."""
    import subunit
    import testtools

    results = {}

    def record(test):
        if test["status"] in ("success", "fail", "skip", "xfail",
                              "uxsuccess"):
            results[test["id"]] = test["status"]
    sink = testtools.StreamToDict(record)
    sink.startTestRun()
    subunit.ByteStreamToStreamResult(stream).run(sink)
    sink.stopTestRun()
    return results


def main(argv=None):
    """``python -m edgevol.devenv.tempest conf STATUS MAXVER LOCK`` prints
    tempest.conf; ``... gate MUST_PASS KNOWN_FAILING < subunit`` judges a
    run and exits 1 if a must-pass test did not pass."""
    import json
    import sys

    argv = sys.argv[1:] if argv is None else argv
    if argv[0] == "conf":
        with open(argv[1]) as status_file:
            status = json.load(status_file)
        sys.stdout.write(render_conf(status, argv[2], argv[3],
                                     ensure_image(status)))
        return 0
    with open(argv[1]) as must, open(argv[2]) as known:
        must_pass, known_failing = read_list(must.read()), read_list(
            known.read())
    results = read_subunit(sys.stdin.buffer)
    verdict = compare(results, must_pass, known_failing)
    passed = sum(1 for t in must_pass
                 if t not in verdict["broken"])
    for test in verdict["broken"]:
        print("BROKEN (must pass): %s" % test)
    for test in verdict["newly_passing"]:
        print("NEWLY PASSING (add to must-pass.txt): %s" % test)
    for test in verdict["unlisted"]:
        print("UNLISTED (give it a reason in known-failing.txt): %s" % test)
    total_passed = sum(1 for v in results.values() if v == "success")
    print("tempest gate: %d of %d must-pass tests passed; %d tests passed "
          "in all, %d ran" % (passed, len(must_pass), total_passed,
                              len(results)))
    print("%d passed, %d failed" % (passed, len(verdict["broken"])))
    return 1 if verdict["broken"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
