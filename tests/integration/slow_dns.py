#!/usr/bin/env python3
"""A DNS forwarder on loopback that never answers queries for names with a
label starting "slow" (a dead or hostile authoritative server) and relays
every other query to UPSTREAM. Counts the queries it swallowed.

usage: slow_dns.py LISTEN_PORT UPSTREAM_PORT
"""
import socket
import sys
import threading

listen_port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", listen_port))
swallowed = 0


def qname(packet):
    labels, i = [], 12
    while i < len(packet) and packet[i] != 0:
        n = packet[i]
        labels.append(packet[i + 1:i + 1 + n].decode("ascii", "replace").lower())
        i += 1 + n
    return labels


def relay(query, client):
    up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    up.settimeout(5)
    try:
        up.sendto(query, ("127.0.0.1", upstream_port))
        reply, _ = up.recvfrom(65535)
        sock.sendto(reply, client)
    except OSError:
        pass
    finally:
        up.close()


print("slow_dns up", flush=True)
while True:
    query, client = sock.recvfrom(65535)
    if any(label.startswith("slow") for label in qname(query)):
        swallowed += 1
        print(f"swallowed {swallowed}", flush=True)
        continue
    threading.Thread(target=relay, args=(query, client), daemon=True).start()
