"""Volume transfer bodies per microversion (Tempest's transfers schemas
of the base version, 3.55 and 3.57)."""

from edgevol.api import microversions as mv
from edgevol.api.schemas import responses as r

SUMMARY = {"id": r.UUID, "volume_id": r.UUID, "name": r.STRING_OR_NULL,
           "links": r.LINKS}
DETAIL = dict(SUMMARY, created_at=r.DATE_TIME)
ADDED = [
    (mv.TRANSFER_WITH_SNAPSHOTS, {"no_snapshots": r.BOOLEAN}),
    (mv.TRANSFER_WITH_HISTORY, {"destination_project_id": r.STRING_OR_NULL,
                                "source_project_id": r.STRING,
                                "accepted": r.BOOLEAN}),
]


def _detail(version):
    properties = dict(DETAIL, **r.added_until(version, ADDED))
    return properties


def show(version):
    properties = _detail(version)
    return r.envelope("transfer", r.build(properties, set(properties)))


def created(version):
    properties = dict(_detail(version), auth_key=r.STRING)
    return r.envelope("transfer", r.build(properties, set(properties)))


def index(version, detailed):
    properties = _detail(version) if detailed else SUMMARY
    return r.collection("transfers", r.build(properties, set(properties)),
                        "transfers_links")


ACCEPTED = r.envelope("transfer", r.build(SUMMARY, set(SUMMARY)))
