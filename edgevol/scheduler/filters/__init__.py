"""Scheduler filters: one predicate per class, loaded by entry point name.

The ``[scheduler] filters`` option lists names from the entry point group
``NAMESPACE``; the host manager loads them in that order.
"""

NAMESPACE = "edgevol.scheduler.filters"
