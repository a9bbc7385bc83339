"""Default policy rules, one module per resource.

``list_rules`` is the ``oslo.policy.policies`` entry point (namespace
``edgevol``) that oslopolicy-sample-generator reads to write
``etc/edgevol/policy.yaml.sample``.
"""

import itertools

from edgevol.policies import admin_actions
from edgevol.policies import attachments
from edgevol.policies import availability_zones
from edgevol.policies import backups
from edgevol.policies import base
from edgevol.policies import default_types
from edgevol.policies import hosts
from edgevol.policies import images
from edgevol.policies import messages
from edgevol.policies import qos_specs
from edgevol.policies import quotas
from edgevol.policies import services
from edgevol.policies import snapshots
from edgevol.policies import transfers
from edgevol.policies import type_encryption
from edgevol.policies import volume_type_access
from edgevol.policies import volume_actions
from edgevol.policies import volume_types
from edgevol.policies import volumes


def list_rules():
    return list(itertools.chain(
        base.list_rules(),
        volumes.list_rules(),
        volume_types.list_rules(),
        volume_type_access.list_rules(),
        type_encryption.list_rules(),
        default_types.list_rules(),
        availability_zones.list_rules(),
        services.list_rules(),
        quotas.list_rules(),
        snapshots.list_rules(),
        attachments.list_rules(),
        images.list_rules(),
        admin_actions.list_rules(),
        messages.list_rules(),
        transfers.list_rules(),
        qos_specs.list_rules(),
        volume_actions.list_rules(),
        hosts.list_rules(),
        backups.list_rules(),
    ))
