"""Handlers: context -> policy -> schema -> business layer -> view.

Each takes an ``edgevol.api.request.Request`` and returns a ``Response``;
``edgevol.api.router.ROUTES`` names which URL and method each serves.
Domain errors propagate; the router maps them to faults in one place.
"""
