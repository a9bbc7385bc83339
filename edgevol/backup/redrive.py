"""Sending backup operations again: rows a lost cast left behind.

The scheduler's reconciler calls ``BackupRedrive`` every pass: each
backup that has sat in ``creating``, ``restoring`` or ``deleting`` since
before the cut-off (its progress reports keep a running one fresh) is
sent to its site's backup service again. The service drops a repeat of
an operation it is running, and finishes one it is not (all are
idempotent), so asking twice is harmless.
"""

from oslo_log import log as logging

from edgevol.backup import db_results
from edgevol.backup import rpcapi as backup_rpcapi

LOG = logging.getLogger(__name__)


class BackupRedrive:
    def __init__(self, conf, backup_rpc=None):
        self.backup_rpc = backup_rpc or backup_rpcapi.BackupRPCClient(conf)

    def __call__(self, context, stale_before):
        for work in db_results.unfinished_work(context, stale_before):
            LOG.warning("Backup %s has been %s too long; sending it to %s "
                        "again", work["backup"]["id"], work["operation"],
                        backup_rpcapi.server_of(work["site"]))
            send(self.backup_rpc, context, work)


def send(backup_rpc, context, work):
    """Cast ``work`` (an ``unfinished_work`` item) to its site."""
    if work["operation"] == "restore_backup":
        backup_rpc.restore_backup(context, work["site"], work["backup"],
                                  work["target"])
    elif work["operation"] == "create_backup":
        backup_rpc.create_backup(context, work["site"], work["backup"])
    else:
        backup_rpc.delete_backup(context, work["site"], work["backup"])
