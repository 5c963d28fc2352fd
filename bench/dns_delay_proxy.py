#!/usr/bin/env python3
"""A UDP DNS proxy on loopback that holds every answer for a fixed delay, so
that a benchmark sees a DNS server as far away as a real one (the mock DNS
answers in microseconds).

Usage: dns_delay_proxy.py LISTEN_PORT UPSTREAM_PORT DELAY_MS
Queries to 127.0.0.1:LISTEN_PORT go to 127.0.0.1:UPSTREAM_PORT at once; each
answer is sent back DELAY_MS later. Answers are matched to askers by the
DNS message ID and question, as a resolver matches them.
"""
import asyncio
import sys


class Proxy(asyncio.DatagramProtocol):
    def __init__(self, upstream, delay):
        self.upstream = upstream
        self.delay = delay
        self.waiting = {}  # (id + question bytes) -> asker address
        self.front = None
        self.back = None

    @staticmethod
    def key(message):
        """The message ID and its question (name, type, class), or None."""
        at = 12
        while at < len(message) and message[at] != 0:
            at += 1 + message[at]
        end = at + 5
        return message[:2] + message[12:end] if end <= len(message) else None

    def from_client(self, data, addr):
        key = self.key(data)
        if key is not None:
            self.waiting[key] = addr
            self.back.sendto(data, self.upstream)

    def from_upstream(self, data):
        key = self.key(data)
        addr = self.waiting.pop(key, None) if key is not None else None
        if addr is not None:
            asyncio.get_running_loop().call_later(self.delay, self.front.sendto, data, addr)


class Side(asyncio.DatagramProtocol):
    def __init__(self, handler):
        self.handler = handler

    def datagram_received(self, data, addr):
        self.handler(data, addr)


async def main():
    listen, upstream, delay_ms = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    loop = asyncio.get_running_loop()
    proxy = Proxy(("127.0.0.1", upstream), delay_ms / 1000.0)
    proxy.front, _ = await loop.create_datagram_endpoint(
        lambda: Side(proxy.from_client), local_addr=("127.0.0.1", listen))
    proxy.back, _ = await loop.create_datagram_endpoint(
        lambda: Side(lambda d, a: proxy.from_upstream(d)), local_addr=("127.0.0.1", 0))
    await asyncio.Event().wait()


asyncio.run(main())
