#!/usr/bin/python3
"""Holds what the crash driver's clients received against signetd's store.

DUMP holds the store's tables as tab-separated text (crash_lib.sh dumps
them from SQLite or PostgreSQL the same way):
  certificates.tsv  serial, order_id, DER as hex
  serials.tsv       serial, order_id
  orders.tsv        id, status, cert_serial
Checks, each printed on failure with the objects concerned:
  - every order a client ran ended: valid (with its certificate) or failed
    with a reason no crash explains (none expected here);
  - every certificate a client holds is in the store, byte for byte, under
    its serial and its order;
  - no serial twice: not among the clients' certificates, not in the store,
    and every stored certificate's serial was recorded before signing;
  - no order in processing; every valid order has its certificate, and
    every stored certificate belongs to the valid order naming it.
Prints a one-line summary. Exit status 1 if any check fails.

usage: crash_check.py OUT DUMP
"""
import collections
import json
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import serialization


def tsv(path, width):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                cols = line.split("\t")
                rows.append(cols + [""] * (width - len(cols)))
    return rows


def main():
    out, dump = sys.argv[1:3]
    problems = []
    certs = {}  # serial (int) -> (order_id, der)
    cert_serials = collections.Counter()
    for serial, order_id, der_hex in tsv(os.path.join(dump, "certificates.tsv"), 3):
        s = int(serial, 16)
        cert_serials[s] += 1
        certs[s] = (order_id, bytes.fromhex(der_hex))
    serials = {int(s, 16): o for s, o in tsv(os.path.join(dump, "serials.tsv"), 2)}
    orders = {i: (st, cs) for i, st, cs in tsv(os.path.join(dump, "orders.tsv"), 3)}

    records = [json.loads(l) for l in open(os.path.join(out, "orders.jsonl")) if l.strip()]
    held = collections.Counter()
    valid = 0
    for r in records:
        if r.get("failure") or r["status"] != "valid":
            problems.append(f"order {r.get('url')} ({r['names'][0]}) did not end valid: "
                            f"status {r['status']}, {r.get('failure') or r.get('error')}")
            continue
        valid += 1
        order_id = r["url"].rstrip("/").rsplit("/", 1)[-1]
        path = os.path.join(out, "certs", order_id + ".pem")
        if not os.path.exists(path):
            problems.append(f"order {order_id} valid but the client kept no certificate")
            continue
        leaf = x509.load_pem_x509_certificate(open(path, "rb").read())
        held[leaf.serial_number] += 1
        stored = certs.get(leaf.serial_number)
        if stored is None:
            problems.append(f"LOST: the client holds serial {leaf.serial_number:x} "
                            f"(order {order_id}) and the store has no such certificate")
        elif stored[1] != leaf.public_bytes(serialization.Encoding.DER):
            problems.append(f"serial {leaf.serial_number:x}: the store's DER is not the "
                            "client's certificate")
        elif stored[0] != order_id:
            problems.append(f"serial {leaf.serial_number:x}: stored for order {stored[0]}, "
                            f"the client got it for {order_id}")
    problems += [f"DUPLICATE: clients hold serial {s:x} {n} times" for s, n in held.items() if n > 1]
    problems += [f"DUPLICATE: the store has serial {s:x} {n} times"
                 for s, n in cert_serials.items() if n > 1]
    per_order = collections.Counter(o for o, _ in certs.values())
    problems += [f"order {o} has {n} certificates" for o, n in per_order.items() if n > 1]
    for s, (order_id, _) in certs.items():
        if s not in serials:
            problems.append(f"certificate {s:x} has no serial recorded before signing")
        st, cs = orders.get(order_id, ("missing", ""))
        if st != "valid" or cs == "" or int(cs, 16) != s:
            problems.append(f"certificate {s:x} belongs to order {order_id}, which is {st} "
                            f"with certificate '{cs}'")
    stuck = [i for i, (st, _) in orders.items() if st == "processing"]
    problems += [f"STUCK: order {i} is processing after recovery" for i in stuck]
    for i, (st, cs) in orders.items():
        if st == "valid" and (cs == "" or int(cs, 16) not in certs):
            problems.append(f"order {i} is valid without its certificate ('{cs}')")

    signed_unrecorded = len(serials) - len(certs)
    print(f"orders run {len(records)}, valid {valid}, certificates held {sum(held.values())}; "
          f"store: {len(orders)} orders, {len(certs)} certificates, {len(serials)} serials "
          f"({signed_unrecorded} recorded but never stored: crashes between record and store)")
    for p in problems[:40]:
        print("FAIL:", p)
    if len(problems) > 40:
        print(f"FAIL: ... and {len(problems) - 40} more")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
