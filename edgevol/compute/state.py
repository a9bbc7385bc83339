"""The host's attachments, one JSON file per volume in the state dir.

A record is written right after the API created the attachment (status
``attaching``) and again once it is complete (``attached``), so an attach
interrupted between the two resumes with the same attachment instead of
leaving a second one behind.
"""

import json
import os
import uuid

from edgevol.compute import errors

ATTACHING = "attaching"
ATTACHED = "attached"


def volume_key(volume_id):
    """The canonical form of a volume id; refuses anything but a UUID
    (the id also names a file here)."""
    try:
        return str(uuid.UUID(volume_id))
    except (TypeError, ValueError) as exc:
        raise errors.ComputeError("%r is not a volume id (a UUID)" %
                                  volume_id) from exc


class AttachmentStore:
    """Records ``{"volume_id", "attachment_id", "status", "mode",
    "connection_info"}`` under ``directory``."""

    def __init__(self, directory):
        self.directory = directory

    def _path(self, volume_id):
        return os.path.join(self.directory,
                            "%s.json" % volume_key(volume_id))

    def get(self, volume_id):
        """The record of ``volume_id``, or None if it is not attached."""
        try:
            with open(self._path(volume_id)) as f:
                return json.load(f)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise errors.ComputeError("cannot read the attachment of %s: %s"
                                      % (volume_id, exc)) from exc

    def save(self, record):
        """Write ``record`` atomically (a crash leaves the old or the new)."""
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        path = self._path(record["volume_id"])
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(record, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    def remove(self, volume_id):
        try:
            os.unlink(self._path(volume_id))
        except FileNotFoundError:
            pass
