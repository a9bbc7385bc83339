"""QoS specs (Cinder's ``/qos-specs``): named limits, applied by the
compute host (``front-end``: QEMU throttling), the backend (``back-end``)
or both, for every volume of the types associated with them."""

import uuid

from edgevol.db import qos_specs as db_qos_specs
from edgevol import exception

CONSUMERS = ("front-end", "back-end", "both")
DEFAULT_CONSUMER = "back-end"
"""Cinder's default when a create names none."""


def _check_consumer(consumer):
    if consumer not in CONSUMERS:
        raise exception.InvalidInput(
            reason="Invalid consumer %s; valid: %s." %
            (consumer, ", ".join(CONSUMERS)))


class QoSSpecsAPI:
    def create(self, context, name, specs):
        specs = dict(specs)
        consumer = specs.pop("consumer", DEFAULT_CONSUMER)
        _check_consumer(consumer)
        return db_qos_specs.create(context, {
            "id": str(uuid.uuid4()), "name": name, "consumer": consumer},
            specs)

    def get(self, context, specs_id):
        return db_qos_specs.get(context, specs_id)

    def get_all(self, context):
        return db_qos_specs.get_all(context)

    def set_keys(self, context, specs_id, specs):
        if "consumer" in specs:
            _check_consumer(specs["consumer"])
        db_qos_specs.set_keys(context, specs_id, specs)

    def delete_keys(self, context, specs_id, keys):
        db_qos_specs.delete_keys(context, specs_id, keys)

    def delete(self, context, specs_id, force=False):
        db_qos_specs.delete(context, specs_id, force=force)

    def associations(self, context, specs_id):
        return db_qos_specs.associations(context, specs_id)

    def associate(self, context, specs_id, type_id):
        db_qos_specs.associate(context, specs_id, type_id)

    def disassociate(self, context, specs_id, type_id):
        db_qos_specs.disassociate(context, specs_id, type_id)

    def disassociate_all(self, context, specs_id):
        db_qos_specs.disassociate_all(context, specs_id)
