"""Domain errors.

Each error carries the HTTP status the API answers with and a message the
user reads. Lower layers raise these; the API maps them to Cinder-shaped
fault bodies in one place (``edgevol.api.faults``).
"""


class EdgevolError(Exception):
    """Base of every edgevol error; ``code`` is the HTTP status to answer."""

    code = 500
    message = "An unknown error occurred."
    headers = ()
    """Extra response headers, as (name, value) pairs."""
    named = False
    """Whether the fault message starts with the error's class name, as
    Cinder's fault wrapper words the errors it lets through (quota)."""
    defaults = {}
    """Message arguments a caller may leave out."""

    def __init__(self, message=None, **kwargs):
        kwargs = dict(self.defaults, **kwargs)
        self.kwargs = kwargs
        if message is None:
            message = self.message % kwargs if kwargs else self.message
        self.msg = message
        super().__init__(message)

    def __str__(self):
        return self.msg


class Invalid(EdgevolError):
    code = 400
    message = "Invalid request: %(reason)s"


class InvalidInput(Invalid):
    message = "Invalid input: %(reason)s"


class InvalidAvailabilityZone(Invalid):
    message = "Availability zone '%(az)s' is invalid; valid zones: %(valid)s."


class AvailabilityZoneUnavailable(Invalid):
    message = ("Availability zone '%(az)s' is unavailable: %(reason)s; "
               "try again later or choose one of: %(valid)s.")


class InvalidVolume(Invalid):
    message = "Invalid volume: %(reason)s"


class InvalidSnapshot(Invalid):
    message = "Invalid snapshot: %(reason)s"


class InvalidVolumeType(Invalid):
    message = "Invalid volume type: %(reason)s"


class VolumeTypeIsADefault(Invalid):
    message = ("Volume type %(type_id)s is the default type of projects "
               "%(projects)s and cannot be deleted.")


class UnknownComputeHost(Invalid):
    message = ("Compute host %(host)s is not registered; an administrator "
               "registers it with its availability zone (POST "
               "/v3/os-compute-hosts or edgevol-manage compute-host add).")


class CrossAZAttach(Invalid):
    message = ("Volume %(volume_id)s is in availability zone %(volume_az)s "
               "but compute host %(host)s is in availability zone "
               "%(host_az)s; attaching across availability zones is "
               "disabled (cross_az_attach = False).")


class NotAuthorized(EdgevolError):
    code = 403
    message = "Not authorized."


class PolicyNotAuthorized(NotAuthorized):
    message = "Policy doesn't allow %(action)s to be performed."


class NotFound(EdgevolError):
    code = 404
    message = "Resource could not be found."


class MarkerNotFound(NotFound):
    """A list's ``marker`` names no row the caller may list (Cinder: 404)."""

    message = "Marker %(marker)s could not be found."


class MessageNotFound(NotFound):
    message = "Message %(message_id)s could not be found."


class VolumeNotFound(NotFound):
    message = "Volume %(volume_id)s could not be found."


class VolumeTypeNotFound(NotFound):
    message = "Volume type %(type_id)s could not be found."


class SnapshotNotFound(NotFound):
    message = "Snapshot %(snapshot_id)s could not be found."


class BackupNotFound(NotFound):
    message = "Backup %(backup_id)s could not be found."


class ServiceNotFound(NotFound):
    message = "Service %(service)s could not be found."


class HostNotFound(NotFound):
    message = "Host %(host)s could not be found."


class ComputeHostNotFound(NotFound):
    message = "Compute host %(name)s is not registered."


class Conflict(EdgevolError):
    code = 409
    message = "Conflict: %(reason)s"


class VolumeTypeAccessExists(Conflict):
    message = ("Volume type access for %(type_id)s / %(project_id)s "
               "combination already exists.")


class VolumeTypeAccessNotFound(NotFound):
    message = ("Volume type access not found for %(type_id)s / "
               "%(project_id)s combination.")


class QoSSpecsNotFound(NotFound):
    message = "No such QoS spec %(specs_id)s."


class QoSSpecsKeyNotFound(NotFound):
    message = "QoS spec %(specs_id)s has no spec with key %(key)s."


class QoSSpecsExists(Conflict):
    message = "QoS Specs %(name)s already exists."


class QoSSpecsInUse(Invalid):
    message = ("QoS Specs %(specs_id)s is still associated with entities; "
               "disassociate them or delete with force=True.")


class TransferNotFound(NotFound):
    message = "Transfer %(transfer_id)s could not be found."


class InvalidAuthKey(Invalid):
    message = "Invalid auth key: %(reason)s"


class InvalidStatus(Conflict):
    """A compare-and-swap status change lost: the row is not in a from-state.

    Raised by ``edgevol.db.transitions.apply``; the message names the current
    status and the statuses the event accepts so the user can act on it.
    """

    message = ("Cannot %(event)s %(resource)s %(id)s: its %(column)s is "
               "'%(current)s', must be one of: %(allowed)s.")


class VolumeTypeExists(Conflict):
    message = "Volume type with name %(name)s already exists."


class VolumeTypeEncryptionExists(Invalid):
    message = "Volume type encryption for type %(type_id)s already exists."


class VolumeTypeEncryptionNotFound(NotFound):
    message = "Volume type encryption for type %(type_id)s does not exist."


class VolumeTypeEncryptionInUse(Invalid):
    message = ("Cannot %(action)s encryption specs. Volume type "
               "%(type_id)s in use.")


class VolumeTypeInUse(Conflict):
    message = "Volume type %(type_id)s is in use by volumes."


class ComputeHostExists(Conflict):
    message = "Compute host %(name)s is registered already."


class AttachmentNotFound(NotFound):
    message = "Attachment %(attachment_id)s could not be found."


# --- quotas: Cinder's names and words (clients and scripts match on them) ---
class OverQuota(EdgevolError):
    """Base of the quota errors (Cinder's ``QuotaError``): a 413 that
    names the error and says a retry may succeed once usage drops."""

    code = 413
    headers = (("Retry-After", "0"),)
    named = True
    message = "Quota exceeded: code=%(code)s"


class VolumeSizeExceedsAvailableQuota(OverQuota):
    defaults = {"name": "gigabytes"}
    message = ("Requested volume or snapshot exceeds allowed %(name)s "
               "quota. Requested %(requested)sG, quota is %(quota)sG and "
               "%(consumed)sG has been consumed.")


class VolumeBackupSizeExceedsAvailableQuota(OverQuota):
    message = ("Requested backup exceeds allowed Backup gigabytes quota. "
               "Requested %(requested)sG, quota is %(quota)sG and "
               "%(consumed)sG has been consumed.")


class VolumeSizeExceedsLimit(OverQuota):
    """``per_volume_gigabytes``: one volume may not be this large."""

    message = ("Requested volume size %(size)dG is larger than maximum "
               "allowed limit %(limit)dG.")


class VolumeLimitExceeded(OverQuota):
    defaults = {"name": "volumes"}
    message = ("Maximum number of volumes allowed (%(allowed)d) exceeded "
               "for quota '%(name)s'.")


class SnapshotLimitExceeded(OverQuota):
    message = "Maximum number of snapshots allowed (%(allowed)d) exceeded"


class BackupLimitExceeded(OverQuota):
    message = "Maximum number of backups allowed (%(allowed)d) exceeded"


class GroupLimitExceeded(OverQuota):
    message = "Maximum number of groups allowed (%(allowed)d) exceeded"


class NoValidBackend(EdgevolError):
    """The scheduler found no backend; the reason is shown to the user."""

    code = 400
    message = "No valid backend was found. %(reason)s"


class ConductorRefused(EdgevolError):
    message = ("Central state could not record %(report)s: the conductor "
               "failed with %(error)s (see its log).")


class DriverError(EdgevolError):
    message = "Storage backend error: %(reason)s"


class MigrationCancelled(DriverError):
    message = "The migration of volume %(volume_id)s was cancelled."


class BackendUnavailable(DriverError):
    message = "Storage backend of site %(site)s is unavailable: %(reason)s"


class VolumeIsBusy(DriverError):
    code = 409
    message = "Volume %(name)s is in use: %(reason)s"


class ServiceUnavailable(EdgevolError):
    code = 503
    message = "Service unavailable: %(reason)s"


# --- keys (castellan) ------------------------------------------------------
class KeyManagerUnavailable(ServiceUnavailable):
    message = "The key manager is unavailable: %(reason)s"


class KeyNotFound(NotFound):
    message = "Key %(key_id)s was not found in the key manager."


class KeyAccessDenied(EdgevolError):
    code = 403
    message = "The key manager refused: %(reason)s"


# --- images (Glance) -------------------------------------------------------
class ImageNotFound(NotFound):
    message = "Image %(image_id)s could not be found."


class ImageNotLocal(Invalid):
    """``image_not_local = refuse`` and the site's store lacks the image."""

    message = ("Image %(image_id)s is not in the store of availability zone "
               "%(az)s (image_not_local = refuse); it is in: %(stores)s. "
               "Copy it there first (glance image-import --import-method "
               "copy-image --stores %(az)s).")


class ImageUnusable(Invalid):
    message = "Image %(image_id)s cannot be used: %(reason)s"


class GlanceUnavailable(ServiceUnavailable):
    message = "Glance is unavailable: %(reason)s"


class GlanceRequestFailed(EdgevolError):
    message = "Glance refused %(method)s %(path)s (%(status)s): %(reason)s"


class ImageCopyFailed(EdgevolError):
    message = "Copying image %(image_id)s to store %(store)s failed: %(reason)s"
