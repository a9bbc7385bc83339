"""A user-space WAN link: TCP relay with one-way delay and a bandwidth cap.

This kernel has no ``netem``, so each central<->site path of
``edgevol-dev up --wan`` crosses one of these proxies. One process serves
one link: it listens in one network namespace and connects in another
(sockets belong to the namespace they were created in, so the proxy
enters a namespace only for the instant it creates a socket). The
namespaces have no other way to reach each other: every byte between
central and a site is delayed, rate-limited and counted here.

Per direction (``down``: central to site, ``up``: site to central) a
chunk read at ``t`` is sent after the link is free and its bytes are
serialised at ``rate``, then delivered ``delay`` (RTT/2) later, in order.
The link counts bytes and *exchanges*: a run of data in one direction on
one connection after data went the other way (or the connection opened)
is one message crossing the WAN, so a request and its answer are two.

A control socket answers one-line commands: ``stats`` (JSON counters),
``cut`` (drop every connection and refuse new ones until ``heal``),
``heal`` and ``rtt SECONDS`` (a new round-trip time from now on).
"""

import argparse
import asyncio
import contextlib
import ctypes
import json
import logging
import os
import socket
import sys
import time

LOG = logging.getLogger("edgevol-wanproxy")

CHUNK = 64 * 1024
QUEUED_CHUNKS = 64
"""Chunks in flight per direction of a connection before reading pauses
(back-pressure, like a TCP window)."""
CLONE_NEWNET = 0x40000000
DIRECTIONS = ("down", "up")


class Direction:
    """One direction of the link: its schedule and counters."""

    def __init__(self, delay, rate):
        self.delay = delay
        self.rate = rate
        self._free_at = 0.0
        self.bytes = 0
        self.exchanges = 0

    def delivery_time(self, size, now):
        """When a chunk of ``size`` bytes read at ``now`` arrives."""
        start = max(now, self._free_at)
        self._free_at = start + (size / self.rate if self.rate else 0.0)
        self.bytes += size
        return self._free_at + self.delay


class Link:
    """Both directions of one central<->site link and its connections."""

    def __init__(self, name, rtt, rate=None):
        self.name = name
        self.rtt = rtt
        self.rate = rate
        self.directions = {d: Direction(rtt / 2.0, rate) for d in DIRECTIONS}
        self.is_cut = False
        self.connections = set()

    def stats(self):
        return {"link": self.name, "rtt_ms": self.rtt * 1000.0,
                "rate_bytes_per_s": self.rate, "cut": self.is_cut,
                "connections": len(self.connections),
                **{"%s_%s" % (d, key): getattr(self.directions[d], key)
                   for d in DIRECTIONS for key in ("bytes", "exchanges")}}

    def cut(self):
        self.is_cut = True
        for connection in list(self.connections):
            connection.close()

    def heal(self):
        self.is_cut = False

    def set_rtt(self, rtt):
        """From now on, ``rtt`` seconds (a benchmark's ``--wan``)."""
        self.rtt = rtt
        for direction in self.directions.values():
            direction.delay = rtt / 2.0


def _libc_setns(fd):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise OSError(error, "setns: %s" % os.strerror(error))


@contextlib.contextmanager
def network_namespace(path):
    """Run the block in the network namespace ``path`` (None: our own).

    Only the calling thread moves, and only until the block ends; the
    event loop never awaits inside it.
    """
    if path is None:
        yield
        return
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(path, os.O_RDONLY)
    try:
        _libc_setns(target)
        try:
            yield
        finally:
            _libc_setns(own)
    finally:
        os.close(target)
        os.close(own)


def tcp_socket(netns, address=None):
    """A non-blocking TCP socket of namespace ``netns``, bound and
    listening if ``address`` is given."""
    with network_namespace(netns):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    if address is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(tuple(address))
        sock.listen(128)
    return sock


class Connection:
    """One relayed TCP connection: two delayed pipes."""

    def __init__(self, link, initiator_direction):
        self.link = link
        # Direction of the data the initiating side sends.
        self.forward = initiator_direction
        self.backward = "up" if initiator_direction == "down" else "down"
        self._last = None
        self._writers = []

    def close(self):
        for writer in self._writers:
            writer.transport.abort()

    async def relay(self, client, server):
        (client_reader, client_writer), (server_reader, server_writer) = (
            client, server)
        self._writers = [client_writer, server_writer]
        self.link.connections.add(self)
        try:
            await asyncio.gather(
                self._pipe(client_reader, server_writer, self.forward),
                self._pipe(server_reader, client_writer, self.backward))
        finally:
            self.link.connections.discard(self)
            self.close()

    async def _pipe(self, reader, writer, direction):
        queue = asyncio.Queue(QUEUED_CHUNKS)
        sender = asyncio.ensure_future(self._deliver(queue, writer))
        loop = asyncio.get_running_loop()
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    break
                if self._last != direction:
                    self._last = direction
                    self.link.directions[direction].exchanges += 1
                when = self.link.directions[direction].delivery_time(
                    len(data), loop.time())
                await queue.put((when, data))
        except (ConnectionError, OSError):
            pass
        await queue.put((None, None))
        await sender

    async def _deliver(self, queue, writer):
        loop = asyncio.get_running_loop()
        try:
            while True:
                when, data = await queue.get()
                if data is None:
                    break
                await asyncio.sleep(max(0.0, when - loop.time()))
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            self.close()


class Route:
    """Listen at ``listen`` in ``listen_netns``; relay each connection to
    ``connect`` in ``connect_netns``; the initiator's data goes
    ``direction``."""

    def __init__(self, link, listen_netns, listen, connect_netns, connect,
                 direction):
        self.link = link
        self.listen_netns = listen_netns
        self.listen = tuple(listen)
        self.connect_netns = connect_netns
        self.connect = tuple(connect)
        self.direction = direction

    async def start(self):
        sock = tcp_socket(self.listen_netns, self.listen)
        return await asyncio.start_server(self._accepted, sock=sock)

    async def _accepted(self, reader, writer):
        if self.link.is_cut:
            writer.transport.abort()
            return
        sock = tcp_socket(self.connect_netns)
        try:
            await asyncio.get_running_loop().sock_connect(sock, self.connect)
            server = await asyncio.open_connection(sock=sock)
        except OSError:
            sock.close()
            writer.transport.abort()
            return
        try:
            await Connection(self.link, self.direction).relay(
                (reader, writer), server)
        except asyncio.CancelledError:
            # The proxy stops: its connections end with it.
            pass


async def handle_control(link, reader, writer):
    """One command per line: stats, cut, heal, rtt SECONDS; each answers
    the link's counters."""
    while True:
        line = (await reader.readline()).decode().strip()
        if not line:
            break
        command, _, argument = line.partition(" ")
        if command == "cut":
            link.cut()
        elif command == "heal":
            link.heal()
        elif command == "rtt" and _is_delay(argument):
            link.set_rtt(float(argument))
        elif command != "stats":
            writer.write(b'{"error": "unknown command"}\n')
            continue
        writer.write(json.dumps(link.stats()).encode() + b"\n")
        await writer.drain()
    writer.close()


def _is_delay(text):
    try:
        return 0.0 <= float(text) < 60.0
    except ValueError:
        return False


def control(path, command, timeout=5.0):
    """Send ``command`` to the proxy behind control socket ``path``; its
    answer (the link's counters) as a dict."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(command.encode() + b"\n")
        answer = b""
        while not answer.endswith(b"\n"):
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    return json.loads(answer)


async def serve(spec, ready=None):
    """Run the link described by ``spec`` (see ``main``) until cancelled."""
    link = Link(spec["name"], spec["rtt"], spec.get("rate"))
    servers = [await Route(link, r.get("listen_netns"), r["listen"],
                           r.get("connect_netns"), r["connect"],
                           r["direction"]).start()
               for r in spec["routes"]]
    if spec.get("control"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(spec["control"])
        servers.append(await asyncio.start_unix_server(
            lambda r, w: handle_control(link, r, w), path=spec["control"]))
    if ready is not None:
        ready(link)
    try:
        await asyncio.Event().wait()
    finally:
        for server in servers:
            server.close()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="edgevol-wanproxy",
        description="Relay TCP between network namespaces with a WAN's "
                    "delay and bandwidth; the spec is a JSON file with "
                    "name, rtt (s), rate (bytes/s or null), control (unix "
                    "socket path) and routes (listen_netns, listen "
                    "[addr, port], connect_netns, connect, direction).")
    parser.add_argument("spec")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(name)s: %(message)s")
    with open(args.spec) as f:
        spec = json.load(f)
    started = time.monotonic()
    try:
        asyncio.run(serve(spec, lambda link: LOG.info(
            "link %s up with %d routes in %.2fs", link.name,
            len(spec["routes"]), time.monotonic() - started)))
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
