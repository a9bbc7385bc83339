"""Errors of the compute agent; each message is meant for the operator."""


class ComputeError(Exception):
    """Base of every error the agent reports instead of a traceback."""


class APIError(ComputeError):
    """The block storage API refused a request or could not be reached.

    ``status`` is the HTTP status, or None when no answer came.
    """

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class DataPathError(ComputeError):
    """The volume's data could not be reached or used."""
