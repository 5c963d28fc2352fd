#!/usr/bin/env python3
"""Floods of unauthenticated requests, and oversized ones, against one of
signetd's listeners (ACME, remote VA) or signet-ctlog's. Loopback only.

usage: request_flood.py limits MODE PORT CA_PEM [CERT KEY]   (CA_PEM "-": plain HTTP)
         one request with an oversized header and two with an oversized body
         (by Content-Length, and chunked; each sent in full); prints one JSON
         line each:
         {"what", "status", "content_type", "body"}
       request_flood.py flood MODE PORT CA_PEM CONNS SECONDS [CERT KEY]
         CONNS keep-alive connections sending MODE's unauthenticated mix
         (every 50th request oversized) for SECONDS; with CERT, a quarter of
         the connections offer no client certificate (refused at the
         handshake). Prints "flood up" then a JSON summary.
MODE: acme (bad JWS to newOrder, HEAD newNonce, GET directory), remote-va
(bad JSON to /va/validate and /va/info), ctlog (bad add-chain, get-sth).
"""
import asyncio
import collections
import json
import ssl
import sys
import time

MIXES = {
    "acme": [("POST", "/acme/new-order", b'{"protected":"eyJhbGciOiJFUzI1NiJ9","payload":"","signature":"AA"}'),
             ("HEAD", "/acme/new-nonce", b""),
             ("GET", "/directory", b"")],
    "remote-va": [("POST", "/va/validate", b'{"identifier":'),
                  ("POST", "/va/info", b"{}")],
    "ctlog": [("POST", "/ct/v1/add-chain", b'{"chain":["AAAA"]}'),
              ("GET", "/ct/v1/get-sth", b"")],
}
OVERSIZED_BODY = {"acme": 1 << 20, "remote-va": 1 << 20, "ctlog": 5 << 20}
POST_PATH = {"acme": "/acme/new-order", "remote-va": "/va/validate", "ctlog": "/ct/v1/add-chain"}


def context(ca, cert=None, key=None):
    if ca == "-":  # plain HTTP
        return None
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = False
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


async def exchange(reader, writer, method, path, body, extra=b"", chunked=False):
    ctype = b"application/jose+json" if path.startswith("/acme") else b"application/json"
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + extra +
            b"Content-Type: " + ctype + b"\r\n")
    if chunked:  # 64 KiB chunks: no length known up front
        step = 1 << 16
        body = b"".join(f"{len(body[i:i + step]):x}\r\n".encode() + body[i:i + step] + b"\r\n"
                        for i in range(0, len(body), step)) + b"0\r\n\r\n"
        head += b"Transfer-Encoding: chunked\r\n\r\n"
    else:
        head += f"Content-Length: {len(body)}\r\n\r\n".encode()
    writer.write(head + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed before an answer")
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        k, _, v = line.decode().partition(":")
        headers[k.strip().lower()] = v.strip()
    n = 0 if method == "HEAD" else int(headers.get("content-length", 0))
    data = await reader.readexactly(n) if n else b""
    return status, headers, data


async def limits(mode, port, ctx):
    tests = [("header", "GET", "/x", b"", b"X-Big: " + b"a" * 20000 + b"\r\n"),
             ("body", "POST", POST_PATH[mode], b"a" * OVERSIZED_BODY[mode], b""),
             ("chunked", "POST", POST_PATH[mode], b"a" * OVERSIZED_BODY[mode], b"")]
    for what, method, path, body, extra in tests:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx)
        try:
            status, headers, data = await asyncio.wait_for(
                exchange(reader, writer, method, path, body, extra, what == "chunked"), 20)
            out = {"what": what, "status": status, "content_type": headers.get("content-type"),
                   "body": data.decode(errors="replace")[:300]}
        except (OSError, ConnectionError, asyncio.TimeoutError, ValueError) as e:
            out = {"what": what, "status": 0, "error": repr(e)[:200]}
        writer.close()
        print(json.dumps(out), flush=True)


async def flooder(i, mode, port, ctx, bare_ctx, end, stats):
    mix = MIXES[mode]
    k = i
    while time.monotonic() < end:
        use = bare_ctx if (bare_ctx is not None and i % 4 == 0) else ctx
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, ssl=use), 10)
        except (OSError, ssl.SSLError, asyncio.TimeoutError) as e:
            stats["connect_failed"] += 1
            await asyncio.sleep(0.05)
            continue
        try:
            while time.monotonic() < end:
                k += 1
                if k % 50 == 0:
                    method, path, body = "POST", POST_PATH[mode], b"a" * OVERSIZED_BODY[mode]
                else:
                    method, path, body = mix[k % len(mix)]
                start = time.monotonic()
                status, headers, _ = await asyncio.wait_for(
                    exchange(reader, writer, method, path, body), 30)
                stats["latency_max"] = max(stats["latency_max"], time.monotonic() - start)
                stats["requests"] += 1
                stats[f"status_{status}"] += 1
                if headers.get("connection", "").lower() == "close":
                    break
        except (OSError, ConnectionError, ssl.SSLError, asyncio.TimeoutError,
                asyncio.IncompleteReadError, ValueError, IndexError) as e:
            stats["conn_errors"] += 1
            if "CERTIFICATE" in repr(e).upper() or "ALERT" in repr(e).upper():
                stats["tls_refused"] += 1
        writer.close()


async def flood(mode, port, ctx, bare_ctx, conns, seconds):
    stats = collections.Counter()
    stats["latency_max"] = 0.0
    end = time.monotonic() + seconds
    tasks = [asyncio.create_task(flooder(i, mode, port, ctx, bare_ctx, end, stats))
             for i in range(conns)]
    print("flood up", flush=True)
    start = time.monotonic()
    await asyncio.gather(*tasks)
    took = time.monotonic() - start
    out = dict(stats)
    out["seconds"] = round(took, 1)
    out["rate"] = round(stats["requests"] / took, 1)
    out["latency_max"] = round(stats["latency_max"], 3)
    print(json.dumps(out, sort_keys=True), flush=True)


def main():
    what, mode, port, ca = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    if what == "limits":
        cert = sys.argv[5:7] if len(sys.argv) > 6 else [None, None]
        asyncio.run(limits(mode, port, context(ca, *cert)))
        return
    conns, seconds = int(sys.argv[5]), float(sys.argv[6])
    cert = sys.argv[7:9] if len(sys.argv) > 8 else None
    ctx = context(ca, *cert) if cert else context(ca)
    bare = context(ca) if cert and ca != "-" else None
    asyncio.run(flood(mode, port, ctx, bare, conns, seconds))


main()
