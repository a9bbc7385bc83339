"""User messages: the asynchronous failures a project reads at
``/v3/messages`` (Cinder's API 3.3), and who may read them.

A failure is recorded with the status change it causes, in the same
transaction (``edgevol.db.volumes.fail``), as Cinder's
``VOLUME_<resource>_<action>_<detail>`` event. Action and detail ids are
Cinder's, so scripts that match Cinder's event ids match ours
(``edgevol.message_fields``); the user message keeps edgevol's specific
reason after the action.
"""

from edgevol.db import messages as db_messages
from edgevol import exception

FILTERS = db_messages.FILTERS
"""What message lists filter by (exact values)."""
PURGE_INTERVAL = 86400
"""Seconds between purges of expired messages (Cinder's
``message_reap_interval``)."""

class MessageAPI:
    """Messages of the caller's project (administrators: of any)."""

    def _owner(self, context):
        return None if context.is_admin else context.project_id

    def get(self, context, message_id):
        message = db_messages.get(context, message_id,
                                  project_id=self._owner(context))
        if message is None:
            raise exception.MessageNotFound(message_id=message_id)
        return message

    def get_all(self, context, *, filters=None, marker=None, limit=None,
                sort=None):
        return db_messages.get_all(context, project_id=self._owner(context),
                                   filters=filters, marker=marker,
                                   limit=limit, sort=sort)

    def delete(self, context, message_id):
        if not db_messages.delete(context, message_id,
                                  project_id=self._owner(context)):
            raise exception.MessageNotFound(message_id=message_id)
