#!/usr/bin/env python3
"""Summary of bench/ca_side_by_side.sh's parts 4 and 5 (PARTS=profiles,clients):
per signet-bench profile and per real client, the server's CPU per
certificate on Pebble and on signetd, the ratio, the handshakes per
certificate, the crypto floor and signetd's CPU as a multiple of it; then
signetd's p99 per request type at half of its maximum orders/s per profile.

The floor per certificate: one ES256 verification per JWS-signed request
(signet-bench: as many as it sent per certificate; a real client: 7, its
newAccount, newOrder, authorization, challenge, one poll, finalize and
certificate), one for the CSR's self-signature and one P-256 signature (from
`openssl speed`), plus HS_FULL_MS (0.15) per full TLS 1.3 handshake and two
X25519 operations per resumed one.

Usage: profiles_report.py DIR [--markdown]
"""
import glob
import json
import os
import re
import statistics
import sys

TYPES = ["newNonce", "newAccount", "newOrder", "authz", "challenge", "poll", "finalize", "cert"]
HS_FULL_MS = float(os.environ.get("HS_FULL_MS", "0.15"))
P99_TARGET_MS = 50
MIN_P99_SAMPLES = 100
CPU_TARGET = 1 / 3


def load(path):
    with open(path) as f:
        return json.load(f)


def speed(out):
    text = open(os.path.join(out, "openssl_speed.txt")).read()
    m = re.search(r"256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", text)
    x = re.search(r"ecdh \(X25519\)\s+\S+s\s+([\d.]+)", text)
    if not m:
        sys.exit("cannot parse openssl speed output in " + out)
    return float(m.group(1)), float(m.group(2)), float(x.group(1)) if x else 0.0


def load_average(out):
    path = os.path.join(out, "loadavg.txt")
    if not os.path.exists(path):
        return "load average not sampled"
    l1 = [float(line.split()[1]) for line in open(path) if len(line.split()) >= 2]
    if not l1:
        return "load average not sampled"
    return "1-minute load average during the run: min %.1f, median %.1f, max %.1f (%d samples)" % (
        min(l1), statistics.median(l1), max(l1), len(l1))


class Floor:
    def __init__(self, out):
        self.sign_s, self.verify_s, self.x25519_s = speed(out)
        self.resumed_ms = 1000 * 2 / self.x25519_s if self.x25519_s else 0.05

    def ms(self, jws, full, resumed):
        crypto = 1000 * ((jws + 1) / self.verify_s + 1 / self.sign_s)
        return crypto + full * HS_FULL_MS + resumed * self.resumed_ms


def bench_row(out, name, floor):
    """A signet-bench profile: (row, signetd x floor) or None if missing."""
    pp = os.path.join(out, "profiles", "pebble.%s.json" % name)
    sp = os.path.join(out, "profiles", "signetd.%s.json" % name)
    if not os.path.exists(sp):
        return None
    s = load(sp)
    p = load(pp) if os.path.exists(pp) else None
    if p and not (p["orders"]["completed"] and p["server"]["cpu_seconds"]):
        p = None  # nothing issued: no ratio
    certs = max(s["orders"]["completed"], 1)
    conns, resumed = s["client"]["connections_opened"], s["client"]["tls_resumed"]
    full_pc, res_pc = (conns - resumed) / certs, resumed / certs
    jws = s["requests"]["signed_per_certificate"]
    f = floor.ms(jws, full_pc, res_pc)
    s_ms = 1000 * s["server"]["cpu_seconds_per_cert"]
    p_ms = 1000 * p["server"]["cpu_seconds_per_cert"] if p else float("nan")
    errs = lambda r: ", ".join("%s=%d" % kv for kv in sorted(r["errors"].items())) or "none"
    return [name, str(s["workload"]["concurrency"]),
            "%d/%d" % (p["orders"]["completed"], s["orders"]["completed"]) if p else "-/%d" % certs,
            "%.1f / %.1f" % (p["orders_per_second"] if p else float("nan"), s["orders_per_second"]),
            "%.2f" % p_ms, "%.2f" % s_ms, "%.2f" % (s_ms / p_ms) if p else "-",
            "%.2f + %.2f" % (full_pc, res_pc), "%.1f" % jws, "%.2f" % f, "%.1f" % (s_ms / f),
            "P: %s%s; S: %s" % (errs(p) if p else "-", " STALLED" if p and p["stalled"] else "",
                                errs(s))], s_ms / f, (s_ms / p_ms if p else None)


def client_row(out, key, floor):
    pp = os.path.join(out, "clients", "pebble.%s.json" % key)
    sp = os.path.join(out, "clients", "signetd.%s.json" % key)
    if not os.path.exists(sp):
        return None
    s = load(sp)
    p = load(pp) if os.path.exists(pp) else None
    per = lambda r: 1000 * r["server_cpu_seconds"] / max(r["certificates"], 1)
    conns = s["accepted_connections"] / max(s["certificates"], 1)
    f = floor.ms(7, conns, 0)
    if p and not (p["certificates"] and p["server_cpu_seconds"]):
        p = None  # nothing issued: no ratio
    s_ms, p_ms = per(s), per(p) if p else float("nan")
    return [key.replace(".", " "), str(s["concurrency"]),
            "%d/%d" % (p["certificates"], s["certificates"]) if p else "-/%d" % s["certificates"],
            "%.1f / %.1f" % (p["wall_seconds"] if p else float("nan"), s["wall_seconds"]),
            "%.2f" % p_ms, "%.2f" % s_ms, "%.2f" % (s_ms / p_ms) if p else "-",
            "%.1f / %.1f" % (p["accepted_connections"] / max(p["certificates"], 1) if p else float("nan"),
                             conns),
            "%.2f" % f, "%.1f" % (s_ms / f)], (s_ms / p_ms if p else None)


def p99_row(out, name):
    mp = os.path.join(out, "profiles", "signetd_max.%s.json" % name)
    hp = os.path.join(out, "profiles", "signetd_half.%s.json" % name)
    if not (os.path.exists(mp) and os.path.exists(hp)):
        return None
    m, h = load(mp), load(hp)
    lat = h["latency"]
    # A p99 of fewer than MIN_P99_SAMPLES is the maximum of a handful (the
    # setup's newNonce and newAccount): shown in parentheses, not judged.
    p99 = {t: lat[t]["p99_ms"] for t in TYPES if lat[t]["count"] >= MIN_P99_SAMPLES}
    shown = ["%.1f" % lat[t]["p99_ms"] if t in p99 else
             "(%.1f)" % lat[t]["p99_ms"] if lat[t]["count"] else "-" for t in TYPES]
    worst = max(p99.values()) if p99 else float("nan")
    return [name, "%.1f (%d)" % (m["orders_per_second"], m["workload"]["concurrency"]),
            "%.1f" % h["orders_per_second"]] + shown + (
        ["%.1f" % worst, "yes" if worst < P99_TARGET_MS else "NO"] if p99 else ["-", "too few"])


def table(head, rows, md):
    if md:
        return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
            "| " + " | ".join(r) + " |" for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in [head] + rows]


def main():
    out = sys.argv[1]
    md = "--markdown" in sys.argv
    floor = Floor(out)
    names = sorted({os.path.basename(p).split(".", 1)[1][:-5]
                    for p in glob.glob(os.path.join(out, "profiles", "signetd.*.json"))})
    order = ["keepalive", "keepalive-poll1s", "per-request", "dns01", "dns01-caa", "fresh-account"]
    names.sort(key=lambda n: order.index(n) if n in order else len(order))
    keys = sorted({os.path.basename(p).split(".", 1)[1][:-5]
                   for p in glob.glob(os.path.join(out, "clients", "signetd.*.json"))})
    lines = [load_average(out), ""]
    ratios = []

    rows = []
    for n in names:
        r = bench_row(out, n, floor)
        if r:
            rows.append(r[0])
            ratios.append(("profile " + n, r[2]))
    if rows:
        lines.append("signet-bench profiles, Pebble (P) and signetd (S), the same workload:")
        lines += table(["profile", "in flight", "certs P/S", "orders/s P / S", "Pebble ms/cert",
                        "signetd ms/cert", "S/P", "handshakes/cert full + resumed", "JWS/cert",
                        "floor ms/cert", "S x floor", "errors"], rows, md)
        lines.append("")

    rows = []
    for k in keys:
        r = client_row(out, k, floor)
        if r:
            rows.append(r[0])
            ratios.append(("client " + k.replace(".", " "), r[1]))
    if rows:
        lines.append("Real clients, one certificate per process, Pebble (P) and signetd (S):")
        lines += table(["client, challenge", "at once", "certs P/S", "wall s P / S",
                        "Pebble ms/cert", "signetd ms/cert", "S/P", "connections/cert P / S",
                        "floor ms/cert", "S x floor"], rows, md)
        lines.append("")

    rows = [r for r in (p99_row(out, n) for n in names) if r]
    if rows:
        lines.append("signetd at half of its maximum orders/s (closed loop at the in-flight count shown), "
                     "p99 ms per request type (target < %d ms; in parentheses: fewer than %d samples, "
                     "not judged):" % (P99_TARGET_MS, MIN_P99_SAMPLES))
        lines += table(["profile", "max orders/s (in flight)", "orders/s at half"] + TYPES +
                       ["worst", "< 50 ms"], rows, md)
        lines.append("")

    lines.append("floor: openssl speed ecdsap256 %.0f sign/s, %.0f verify/s; X25519 %.0f op/s; "
                 "%.2f ms per full handshake, %.3f ms per resumed one; real clients counted as "
                 "7 JWS and every accepted connection a full handshake" % (
                     floor.sign_s, floor.verify_s, floor.x25519_s, HS_FULL_MS, floor.resumed_ms))
    met = [(n, r) for n, r in ratios if r is not None]
    if met:
        worst = max(met, key=lambda kv: kv[1])
        lines.append("%s signetd CPU/cert <= 1/3 of Pebble's for every profile and client: worst %.2f (%s)" % (
            "MET    " if worst[1] <= CPU_TARGET else "NOT MET", worst[1], worst[0]))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
