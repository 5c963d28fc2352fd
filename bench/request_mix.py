#!/usr/bin/env python3
"""Requests per certificate from signetd's request log ("acme request"
lines, JSON): per request type, how many per certificate, the share of all
requests, and the handler's median and total latency (the handler only:
the TLS handshake and the I/O threads are outside it).

Usage: bench/request_mix.py SIGNETD_LOG CERTIFICATES [SKIP_LINES]
SKIP_LINES: the log lines of a warm-up to leave out."""
import json
import re
import sys
from collections import defaultdict

KINDS = [  # (name, method or None, path pattern)
    ("directory", None, r"^/directory$"),
    ("newNonce", None, r"^/acme/new-nonce$"),
    ("newAccount", None, r"^/acme/new-acct$"),
    ("account", None, r"^/acme/acct/"),
    ("newOrder", None, r"^/acme/new-order$"),
    ("finalize", None, r"^/acme/finalize/"),
    ("order", None, r"^/acme/order/"),
    ("authz", None, r"^/acme/authz/"),
    ("challenge", None, r"^/acme/chall/"),
    ("cert", None, r"^/acme/cert/"),
    ("renewalInfo", None, r"^/acme/renewal-info"),
]


def kind(method, path):
    for name, m, pattern in KINDS:
        if (m is None or m == method) and re.search(pattern, path):
            return name
    return "other " + path.split("/")[1] if "/" in path else "other"


def main():
    log, certs = sys.argv[1], int(sys.argv[2])
    skip = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    latencies = defaultdict(list)
    statuses = defaultdict(lambda: defaultdict(int))
    with open(log, errors="replace") as f:
        for i, line in enumerate(f):
            if i < skip or '"acme request"' not in line:
                continue
            try:
                e = json.loads(line)
            except ValueError:
                continue
            k = kind(e.get("method", ""), e.get("path", ""))
            latencies[k].append(float(e.get("latency_ms", 0)))
            statuses[k][e.get("status")] += 1
    total = sum(len(v) for v in latencies.values())
    print(f"{'request':<12} {'per cert':>8} {'share':>6} {'p50 ms':>7} {'sum ms/cert':>11}  statuses")
    order = [k for k, _, _ in KINDS] + sorted(k for k in latencies if k.startswith("other"))
    for k in order:
        v = sorted(latencies.get(k, []))
        if not v:
            continue
        st = " ".join(f"{s}x{n}" for s, n in sorted(statuses[k].items(), key=lambda x: str(x[0])))
        print(f"{k:<12} {len(v) / certs:8.2f} {100 * len(v) / total:5.1f}% {v[len(v) // 2]:7.3f} "
              f"{sum(v) / certs:11.3f}  {st}")
    print(f"{'all':<12} {total / certs:8.2f}")


if __name__ == "__main__":
    main()
