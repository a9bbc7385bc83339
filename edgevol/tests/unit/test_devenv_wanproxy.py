"""The WAN proxy of ``edgevol-dev up --wan``: delay, bandwidth, counters,
cut and heal, on loopback (both ends in this process's namespace)."""

import asyncio
import time

import fixtures
import testtools

from edgevol.devenv import wanproxy


async def _echo(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (asyncio.CancelledError, ConnectionError):
        pass
    writer.close()


class WanProxyTest(testtools.TestCase):

    def _run(self, scenario, rtt=0.05, rate=None):
        """Run ``scenario(link, port)`` against an echo server behind a
        link of ``rtt`` and ``rate``; the proxy listens on ``port``."""
        async def main():
            echo = await asyncio.start_server(_echo, "127.0.0.1", 0)
            echo_port = echo.sockets[0].getsockname()[1]
            listener = wanproxy.tcp_socket(None, ("127.0.0.1", 0))
            port = listener.getsockname()[1]
            listener.close()
            ready = asyncio.get_running_loop().create_future()
            proxy = asyncio.ensure_future(wanproxy.serve({
                "name": "site1", "rtt": rtt, "rate": rate,
                "routes": [{"listen": ["127.0.0.1", port],
                            "connect": ["127.0.0.1", echo_port],
                            "direction": "down"}]}, ready.set_result))
            link = await ready
            try:
                return await scenario(link, port)
            finally:
                proxy.cancel()
                echo.close()
        return asyncio.run(main())

    def test_a_request_and_its_answer_take_one_rtt(self):
        async def scenario(link, port):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.monotonic()
            writer.write(b"ping")
            answer = await reader.readexactly(4)
            elapsed = time.monotonic() - started
            writer.close()
            return answer, elapsed, link.stats()
        answer, elapsed, stats = self._run(scenario, rtt=0.1)
        self.assertEqual(b"ping", answer)
        self.assertGreaterEqual(elapsed, 0.1)
        # Generous: a loaded test machine delays the loop too.
        self.assertLess(elapsed, 0.5)
        self.assertEqual((4, 4, 1, 1), (
            stats["down_bytes"], stats["up_bytes"], stats["down_exchanges"],
            stats["up_exchanges"]))

    def test_bytes_go_no_faster_than_the_rate(self):
        size = 200 * 1024

        async def scenario(link, port):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.monotonic()
            writer.write(b"x" * size)
            await reader.readexactly(size)
            writer.close()
            return time.monotonic() - started
        # 1 MB/s each way: 200 KiB take >= 0.2 s out, the echo pipelines.
        elapsed = self._run(scenario, rtt=0.0, rate=1000 * 1000)
        self.assertGreaterEqual(elapsed, 0.2)
        self.assertLess(elapsed, 2.0)

    def test_a_cut_link_drops_and_refuses_connections_until_healed(self):
        async def scenario(link, port):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"a")
            await reader.readexactly(1)
            link.cut()
            dropped = await reader.read(1)
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            refused = await reader.read(1)
            link.heal()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"b")
            healed = await reader.readexactly(1)
            writer.close()
            return dropped, refused, healed
        self.assertEqual((b"", b"", b"b"), self._run(scenario, rtt=0.01))

    def test_the_control_socket_reports_cuts_and_heals(self):
        async def scenario(link, port):
            loop = asyncio.get_running_loop()
            path = self.useFixture(fixtures.TempDir()).path + "/control"
            server = await asyncio.start_unix_server(
                lambda r, w: wanproxy.handle_control(link, r, w), path=path)
            try:
                cut = await loop.run_in_executor(
                    None, wanproxy.control, path, "cut")
                healed = await loop.run_in_executor(
                    None, wanproxy.control, path, "heal")
                slower = await loop.run_in_executor(
                    None, wanproxy.control, path, "rtt 0.2")
                refused = await loop.run_in_executor(
                    None, wanproxy.control, path, "rtt fast")
            finally:
                server.close()
            return cut, healed, slower, refused
        cut, healed, slower, refused = self._run(scenario)
        self.assertEqual(200.0, slower["rtt_ms"])
        self.assertEqual({"error": "unknown command"}, refused)
        self.assertTrue(cut["cut"])
        self.assertFalse(healed["cut"])
        self.assertEqual("site1", healed["link"])
