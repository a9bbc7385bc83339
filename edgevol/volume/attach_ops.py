"""The volume manager's half of attachments: connections on its site.

The manager answers two RPC calls with these functions. Connection info
comes from the site's driver and is handed back, never stored here (the
API stores it with the attachment); a detach ends with the attachment's
deletion, so a manager restarted in the middle of one finishes it
(``resume_detach``): ``terminate_connection`` is idempotent.
"""

from oslo_log import log as logging

from edgevol import exception

LOG = logging.getLogger(__name__)


def initialize_connection(context, driver, results, volume_id, connector,
                          attach_mode):
    """The driver's connection info of ``volume_id`` for ``connector``.

    The driver reads the attachment's mode from the volume dict, and the
    volume's ``encryption_key_id`` from the row itself.
    """
    volume = results.get_volume(context, volume_id)
    if volume is None:
        raise exception.VolumeNotFound(volume_id=volume_id)
    return driver.initialize_connection(
        dict(volume, attach_mode=attach_mode), connector)


def terminate_connection(context, driver, results, volume_id,
                         attachment_id):
    """Terminate a ``detaching`` attachment's connection, then delete it."""
    attachment = results.get_attachment(context, attachment_id)
    if attachment is None:
        # A resumed detach (or a redelivered call) finished it first.
        return
    volume = results.get_volume(context, volume_id)
    if volume is None:
        raise exception.VolumeNotFound(volume_id=volume_id)
    driver.terminate_connection(volume, attachment["connector"] or {})
    results.detached(context, attachment_id, volume_id)


def resume_detach(context, driver, results, attachment):
    """Finish a detach nobody works on (a crash, a lost call)."""
    LOG.info("Resuming the detach of attachment %s of volume %s",
             attachment["id"], attachment["volume_id"])
    try:
        terminate_connection(context, driver, results,
                             attachment["volume_id"], attachment["id"])
    except exception.EdgevolError as error:
        LOG.warning("Detach of attachment %s failed again: %s",
                    attachment["id"], error)
