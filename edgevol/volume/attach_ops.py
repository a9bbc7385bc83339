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
                          attach_mode, volume=None):
    """The driver's connection info of ``volume_id`` for ``connector``.

    The driver reads the attachment's mode from the volume dict, and the
    volume's ``encryption_key_id`` from the row.

    :param volume: the row as the caller sent it; read when not given.
    """
    if volume is None:
        volume = _live_volume(context, results, volume_id)
    return driver.initialize_connection(
        dict(volume, attach_mode=attach_mode), connector)


def terminate_connection(context, driver, results, volume_id,
                         attachment_id, volume=None, connector=None):
    """Terminate a ``detaching`` attachment's connection, then delete it.

    :param volume, connector: the volume's row and the attachment's
        connector as the caller sent them; read when not given (a resumed
        detach).
    """
    if volume is None:
        attachment = results.get_attachment(context, attachment_id)
        if attachment is None:
            # A resumed detach (or a redelivered call) finished it first.
            return
        volume = _live_volume(context, results, volume_id)
        connector = attachment["connector"]
    # Terminating twice is harmless (a redelivered call); the report of a
    # detach finished meanwhile changes nothing.
    driver.terminate_connection(volume, connector or {})
    results.detached(context, attachment_id, volume_id)


def _live_volume(context, results, volume_id):
    volume = results.get_volume(context, volume_id)
    if volume is None:
        raise exception.VolumeNotFound(volume_id=volume_id)
    return volume


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
