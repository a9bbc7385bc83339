"""Scheduler weighers: rank the backends that passed every filter.

The ``[scheduler] weighers`` option lists names from the entry point group
``NAMESPACE``; the host manager loads them.
"""

NAMESPACE = "edgevol.scheduler.weighers"
