"""QoS specs bodies (Tempest's qos schemas)."""

from edgevol.api.schemas import responses as r

ITEM = r.build({"id": r.UUID, "name": r.STRING, "consumer": r.STRING,
                "specs": r.STRING_MAP},
               {"id", "name", "consumer", "specs"})
SHOW = r.build({"qos_specs": ITEM, "links": r.LINKS},
               {"qos_specs", "links"})
INDEX = r.collection("qos_specs", ITEM)
KEYS = r.envelope("qos_specs", r.STRING_MAP)
ASSOCIATIONS = r.collection("qos_associations", r.build(
    {"association_type": {"enum": ["volume_type"]}, "id": r.UUID,
     "name": r.STRING}, {"association_type", "id", "name"}))
