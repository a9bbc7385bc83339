"""``GET /extensions``: the Cinder API extensions edgevol serves.

Only extensions whose behaviour edgevol serves as Cinder does are listed
(clients such as python-cinderclient look aliases up to decide what to
offer); names, descriptions and dates are Cinder's. The last entry is
edgevol's own attribute extension.
"""

EXTENSIONS = (
    ("VolumeHostAttribute", "os-vol-host-attr",
     "Expose host as an attribute of a volume.",
     "2011-11-03T00:00:00+00:00"),
    ("VolumeTenantAttribute", "os-vol-tenant-attr",
     "Expose the internal project_id as an attribute of a volume.",
     "2011-11-03T00:00:00+00:00"),
    ("VolumeMigStatusAttribute", "os-vol-mig-status-attr",
     "Expose migration_status as an attribute of a volume.",
     "2013-08-08T00:00:00+00:00"),
    ("ExtendedSnapshotAttributes", "os-extended-snapshot-attributes",
     "Extended SnapshotAttributes support.", "2012-06-19T00:00:00+00:00"),
    ("AvailabilityZones", "os-availability-zone",
     "Describe Availability Zones.", "2013-06-27T00:00:00+00:00"),
    ("Services", "os-services", "Services support.",
     "2012-10-28T00:00:00-00:00"),
    ("Quotas", "os-quota-sets", "Quota management support.",
     "2011-08-08T00:00:00+00:00"),
    ("TypesManage", "os-types-manage", "Types manage support.",
     "2011-08-24T00:00:00+00:00"),
    ("TypesExtraSpecs", "os-types-extra-specs", "Type extra specs support.",
     "2011-06-23T00:00:00+00:00"),
    ("VolumeTypeAccess", "os-volume-type-access",
     "Volume type access support.", "2014-06-26T00:00:00+00:00"),
    ("Qos_specs_manage", "qos-specs", "QoS specs support.",
     "2013-08-02T00:00:00+00:00"),
    ("VolumeTransfer", "os-volume-transfer",
     "Volume transfer management support.", "2013-05-29T00:00:00+00:00"),
    ("VolumeImageMetadata", "os-vol-image-meta",
     "Show image metadata associated with the volume.",
     "2012-12-07T00:00:00+00:00"),
    ("VolumeActions", "os-volume-actions", "Enable volume actions.",
     "2012-05-31T00:00:00+00:00"),
    ("Hosts", "os-hosts", "Admin-only host administration.",
     "2011-06-29T00:00:00+00:00"),
    ("QuotaClasses", "os-quota-class-sets",
     "Quota classes management support.", "2012-03-12T00:00:00+00:00"),
    ("SchedulerStats", "scheduler-stats", "Scheduler stats support.",
     "2014-09-07T00:00:00+00:00"),
    ("Capabilities", "capabilities", "Capabilities support.",
     "2015-08-31T00:00:00+00:00"),
    ("VolumeFlattenAttribute", "os-vol-flatten-attr",
     "edgevol: a deep clone still copying its parents' data in the "
     "background shows how far it got (os-vol-flatten-attr:progress, "
     "\"37%\"); the key is gone once the clone stands alone.",
     "2026-11-24T00:00:00+00:00"),
    ("VolumeImageCopyAttribute", "os-vol-image-copy-attr",
     "edgevol: a volume in status downloading, waiting for Glance to copy "
     "its image into its site's store (once for every volume waiting), "
     "says which copy and for how long (os-vol-image-copy-attr:progress); "
     "the key is gone once the volume is made.",
     "2026-12-07T00:00:00+00:00"),
)


def index():
    return {"extensions": [
        {"name": name, "alias": alias, "description": description,
         "updated": updated, "links": []}
        for name, alias, description, updated in EXTENSIONS]}
