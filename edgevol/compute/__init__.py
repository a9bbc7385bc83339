"""The compute host side of attachments (``edgevol-compute``).

A Nova-like agent for one compute host of one site: it asks the block
storage API for an attachment (Cinder v3 attachments flow), keeps the
answer locally, and opens the volume through librbd with nothing but that
connection info and the host's own keyring, the way QEMU would.

* ``api_client``: the attachments calls over HTTP;
* ``connector``: the os-brick style description of this host;
* ``state``: the host's attachments on disk;
* ``connection``: reading connection info, client options, QEMU filenames;
* ``volume_io``: opening a volume and pattern I/O on it;
* ``agent``: the operations the command line offers.
"""
