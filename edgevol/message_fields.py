"""The ids of user messages (``edgevol.messages``): what was attempted and
what went wrong, as ``(id, text)`` pairs. Apart from the message API so
that site code names a failure without importing the database.
"""

# (id, what was attempted): Cinder's message_field.Action ids.
SCHEDULE_ALLOCATE_VOLUME = ("001", "schedule allocate volume")
COPY_VOLUME_TO_IMAGE = ("003", "copy volume to image")
COPY_IMAGE_TO_VOLUME = ("005", "copy image to volume")
EXTEND_VOLUME = ("007", "extend volume")
# edgevol's own actions count down from 999, clear of Cinder's ids.
DELETE_VOLUME = ("999", "delete volume")

# (id, generic text): Cinder's message_field.Detail ids.
UNKNOWN_ERROR = ("001", "An unknown error occurred.")
NO_BACKEND_AVAILABLE = ("003", ("Could not find any available weighted "
                                "backend."))
