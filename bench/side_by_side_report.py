#!/usr/bin/env python3
"""Summary of bench/ca_side_by_side.sh: both CAs' rows, the ratios, the
crypto floor from `openssl speed`, the 1,000-in-flight run, and which
targets are met. Reads the signet-bench JSON files in DIR.

Usage: side_by_side_report.py DIR [--markdown]
"""
import datetime
import json
import os
import re
import sys

TYPES = ["newNonce", "newAccount", "newOrder", "authz", "challenge", "poll", "finalize", "cert"]


def load(out, name):
    with open(os.path.join(out, name + ".json")) as f:
        return json.load(f)


def openssl_speed(out):
    """(sign/s, verify/s) for ECDSA P-256 from `openssl speed ecdsap256`."""
    text = open(os.path.join(out, "openssl_speed.txt")).read()
    m = re.search(r"256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", text)
    if not m:
        sys.exit("cannot parse openssl speed output in " + out)
    return float(m.group(1)), float(m.group(2))


def machine():
    model = "unknown CPU"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    load1 = open("/proc/loadavg").read().split()[0]
    return "%s, %d cores (%s), load average %s" % (
        datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), os.cpu_count(), model, load1)


def cpu_ms(run, who):
    part = run.get(who)
    return 1000 * part["cpu_seconds_per_cert"] if part else float("nan")


def worst_p99(run):
    return max((run["latency"][t]["p99_ms"], t) for t in TYPES if run["latency"][t]["count"])


def errors_text(run):
    e = run["errors"]
    return ", ".join("%s=%d" % kv for kv in sorted(e.items())) or "none"


def row(name, r, floor_ms):
    p99, p99_type = worst_p99(r)
    server = cpu_ms(r, "server")
    errors = errors_text(r) + ("; STALLED" if r.get("stalled") else "")
    return [name, str(r["workload"]["concurrency"]),
            "%d/%d" % (r["orders"]["completed"], r["orders"]["started"]),
            "%.1f" % r["orders_per_second"], "%.2f" % server, "%.1f" % (server / floor_ms),
            "%.2f" % cpu_ms(r, "client"), "%.1f (%s)" % (p99, p99_type),
            "%.1f" % (r["server"]["rss_max_kb"] / 1024), errors]


def main():
    out = sys.argv[1]
    md = "--markdown" in sys.argv
    runs = {n: load(out, n) for n in ("pebble", "pebble_high", "signetd", "signetd_high", "signetd_big")}
    pebble, signetd, high, big = runs["pebble"], runs["signetd"], runs["signetd_high"], runs["signetd_big"]
    sign_s, verify_s = openssl_speed(out)
    idle_rss_mb = int(open(os.path.join(out, "signetd_idle_rss_kb")).read()) / 1024
    attempts = int(open(os.path.join(out, "pebble_attempts")).read())

    # The crypto floor per certificate on the server: one ES256 verification
    # per JWS-signed request this client made per certificate, one for the
    # CSR's self-signature, one ECDSA P-256 signature by the intermediate.
    jws = high["requests"]["signed_per_certificate"]
    floor_ms = 1000 * ((jws + 1) / verify_s + 1 / sign_s)
    # The least any client can do: newOrder, authz, challenge, one poll,
    # finalize, certificate = 6 JWS.
    min_floor_ms = 1000 * ((6 + 1) / verify_s + 1 / sign_s)

    head = ["run", "in flight", "orders ok/started", "orders/s", "server CPU ms/cert",
            "x floor", "client CPU ms/cert", "worst p99 ms", "server RSS max MB", "errors"]
    rows = [row("Pebble", pebble, floor_ms), row("Pebble", runs["pebble_high"], floor_ms),
            row("signetd", signetd, floor_ms), row("signetd", high, floor_ms),
            row("signetd", big, floor_ms)]
    # The scale run (bench/store_fill, then the HIGH_C workload) when it ran.
    scale = fill = None
    if os.path.exists(os.path.join(out, "signetd_scale.json")):
        scale = load(out, "signetd_scale")
        fill = load(out, "store_fill")
        rows.append(row("signetd, %.1fM certs stored" % (fill["certificates"] / 1e6), scale, floor_ms))

    pebble_ok = not pebble["stalled"]
    ratio_same = signetd["orders_per_second"] / max(pebble["orders_per_second"], 1e-9)
    best_signetd = max(signetd["orders_per_second"], high["orders_per_second"])
    ratio_cpu = cpu_ms(signetd, "server") / cpu_ms(pebble, "server")
    floor_multiple = cpu_ms(high, "server") / floor_ms
    big_bad = {k: v for k, v in big["errors"].items() if k != "badNonce"}
    big_p99 = {t: big["latency"][t]["p99_ms"] for t in TYPES if big["latency"][t]["count"]}
    n_big = big["workload"]["concurrency"]
    targets = [
        ("signetd orders/s >= 20x Pebble (same workload, %d in flight)" % pebble["workload"]["concurrency"],
         pebble_ok and ratio_same >= 20,
         "%.1fx%s" % (ratio_same, "" if pebble_ok else " (Pebble stalled)")),
        ("signetd CPU/cert <= 2x crypto floor (%d in flight)" % high["workload"]["concurrency"],
         floor_multiple <= 2, "%.1fx" % floor_multiple),
        ("%d in flight without errors or stalls" % n_big,
         big["orders"]["failed"] == 0 and not big_bad and not big["stalled"]
         and big["longest_silence_ms"] < 1000,
         "%d failed, errors %s, longest silence %.0f ms" % (
             big["orders"]["failed"], errors_text(big), big["longest_silence_ms"])),
        ("p99 of every request type < 50 ms at %d in flight" % n_big, max(big_p99.values()) < 50,
         "worst %.1f ms (%s)" % max((v, k) for k, v in big_p99.items())),
    ]

    if scale:
        scale_ratio = scale["orders_per_second"] / max(high["orders_per_second"], 1e-9)
        targets.append((
            "with %d certificates stored, orders/s within 20%% of the fresh store (%d in flight)"
            % (fill["certificates"], scale["workload"]["concurrency"]),
            scale_ratio >= 0.8 and scale["orders"]["failed"] == 0,
            "%.1f vs %.1f orders/s = %.2fx" % (scale["orders_per_second"], high["orders_per_second"],
                                              scale_ratio)))

    lines = []
    if md:
        lines.append(machine())
        lines.append("")
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for r in rows:
            lines.append("| " + " | ".join(r) + " |")
    else:
        lines.append("Side by side on " + machine())
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
        for r in [head] + rows:
            lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    lines.append("")
    if attempts > 1:
        lines.append("Pebble stalled (deadlocked) on %d of %d attempts at %d in flight; the row is the last attempt."
                     % (attempts - (0 if pebble["stalled"] else 1), attempts, pebble["workload"]["concurrency"]))
    if runs["pebble_high"]["stalled"]:
        lines.append("Pebble at %d in flight stalled after %d orders (no answer to any signed request for 10 s)."
                     % (runs["pebble_high"]["workload"]["concurrency"], runs["pebble_high"]["orders"]["completed"]))
    lines.append("signetd / Pebble, same workload: orders/s %.2fx, server CPU per certificate %.2fx; "
                 "signetd's best / Pebble's: %.2fx" % (ratio_same, ratio_cpu,
                                                      best_signetd / max(pebble["orders_per_second"], 1e-9)))
    lines.append("crypto floor (openssl speed ecdsap256: %.0f sign/s, %.0f verify/s): %.2f JWS + 1 CSR "
                 "verifications + 1 signature = %.3f ms/cert (a minimal client's 6 JWS: %.3f ms)" % (
                     sign_s, verify_s, jws, floor_ms, min_floor_ms))
    lines.append("signetd CPU per certificate = %.1fx the floor at %d in flight" % (
        floor_multiple, high["workload"]["concurrency"]))
    lines.append("signetd RSS: idle %.1f MB, at %d in flight %.1f MB" % (
        idle_rss_mb, n_big, big["server"]["rss_max_kb"] / 1024))
    lines.append("p99 ms at %d in flight: %s" % (n_big, ", ".join("%s %.1f" % kv for kv in big_p99.items())))
    conn = big["connect"]
    lines.append("%d connections opened at %d in flight: TCP+TLS connect p50 %.0f ms, p99 %.0f ms, max %.0f ms"
                 % (big["client"]["connections_opened"], n_big, conn["p50_ms"], conn["p99_ms"], conn["max_ms"]))
    if scale:
        scale_idle_mb = int(open(os.path.join(out, "signetd_scale_idle_rss_kb")).read()) / 1024
        objects = sorted(fill["bytes_by_object"].items(), key=lambda kv: -kv[1])
        lines.append("store: %d certificates, %d orders, %d authorizations in %.2f GB = %.0f bytes per "
                     "certificate (stored certificate %d bytes); largest: %s" % (
                         fill["certificates"], fill["orders"], fill["authorizations"],
                         fill["db_bytes"] / 1e9, fill["bytes_per_certificate"],
                         fill.get("avg_certificate_bytes", fill.get("avg_chain_pem_bytes", 0)),
                         ", ".join("%s %.0f" % (k, v / max(fill["certificates"], 1))
                                   for k, v in objects[:5])))
        lines.append("store_fill added %d in %.0f s; signetd RSS idle on that store %.1f MB, max under "
                     "load %.1f MB" % (fill["added"], fill["seconds"], scale_idle_mb,
                                       scale["server"]["rss_max_kb"] / 1024))
    lines.append("")
    for name, ok, detail in targets:
        lines.append("%s %s: %s" % ("MET    " if ok else "NOT MET", name, detail))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
