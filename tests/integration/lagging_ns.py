#!/usr/bin/python3
"""An authoritative server that lags: answers each name empty (NOERROR, AA)
for LAG seconds after it is first asked, then relays the questions to the
real server (bind9) as a secondary that caught up would answer.
Usage: lagging_ns.py ADDRESS PORT UPSTREAM_PORT LAG  (UDP only; loopback)"""
import socket
import sys
import time

import dns.flags
import dns.message
import dns.query

address, port, upstream, lag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((address, port))
first_asked = {}
while True:
    data, peer = sock.recvfrom(65535)
    try:
        query = dns.message.from_wire(data)
        name = query.question[0].name.to_text()
    except Exception:  # not a question we understand: ignore it
        continue
    since = time.time() - first_asked.setdefault(name, time.time())
    if since >= lag:
        response = dns.query.udp(query, "127.0.0.1", timeout=2, port=upstream)
        what = "relayed"
    else:
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        what = "empty"
    print(f"{name} {what}", flush=True)
    sock.sendto(response.to_wire(), peer)
