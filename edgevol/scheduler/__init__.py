"""Volume placement: which backend of which site takes a new volume.

``host_manager`` keeps every backend's reported state, ``filters`` and
``weighers`` judge backends one at a time, and ``selection`` puts them
together: select by AZ, filter, weigh, claim.
"""
