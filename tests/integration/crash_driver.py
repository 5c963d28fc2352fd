#!/usr/bin/python3
"""ACME load that outlives its CA: the client side of the crash tests (issue 14).

WORKERS threads, each with an account of its own, run orders one after the
other (NAMES DNS names each, answered over HTTP-01 by a responder built in,
on HTTP01_PORT) until the file STOP exists, then finish the orders they have
in flight and exit. signetd is killed and restarted under them: every
request is retried (connection refused or reset, 5xx, badNonce) until the
order's deadline, and an order is followed to its end, re-finalizing when a
crash left it ready and polling when it is processing.

What each client received is kept in OUT:
  certs/ORDER_ID.pem   the chain the client downloaded (written atomically)
  orders.jsonl         one line per order: url, final status, serial, error
The checker (crash_check.py) holds these against the store.
CRASH_MAX_ORDERS=N stops each worker after N orders; CRASH_ORDER_DEADLINE
(seconds, 120) is how long one order may take, crashes included.

Needs python3-cryptography (a dependency of certbot). Loopback only.

usage: crash_driver.py DIRECTORY CA_FILE HTTP01_PORT OUT WORKERS NAMES STOP [PREFIX]
"""
import base64
import hashlib
import http.client
import http.server
import json
import os
import random
import ssl
import sys
import threading
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

ORDER_DEADLINE = float(os.environ.get("CRASH_ORDER_DEADLINE", "120"))
MAX_ORDERS = int(os.environ.get("CRASH_MAX_ORDERS", "0"))  # per worker; 0: until STOP
TOKENS = {}  # HTTP-01 token -> key authorization, for every worker
TOKENS_LOCK = threading.Lock()


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Responder(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        token = self.path.rsplit("/", 1)[-1]
        with TOKENS_LOCK:
            body = TOKENS.get(token)
        if not self.path.startswith("/.well-known/acme-challenge/") or body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


class Retry(Exception):
    """The CA is down, restarting, or asked us to try again."""


class Client:
    """One account on one keep-alive connection, rebuilt after every failure."""

    def __init__(self, directory, ca_file):
        self.url = urllib.parse.urlsplit(directory)
        self.directory_url = directory
        self.ctx = ssl.create_default_context(cafile=ca_file)
        self.conn = None
        self.nonce = None
        self.dir = None
        self.kid = None
        self.key = ec.generate_private_key(ec.SECP256R1())
        nums = self.key.public_key().public_numbers()
        self.jwk = {"crv": "P-256", "kty": "EC", "x": b64u(nums.x.to_bytes(32, "big")),
                    "y": b64u(nums.y.to_bytes(32, "big"))}
        self.thumbprint = b64u(hashlib.sha256(
            json.dumps(self.jwk, sort_keys=True, separators=(",", ":")).encode()).digest())

    def _request(self, method, url, body=None, headers=None):
        try:
            if self.conn is None:
                self.conn = http.client.HTTPSConnection(self.url.hostname, self.url.port,
                                                        context=self.ctx, timeout=15)
            parts = urllib.parse.urlsplit(url)
            path = parts.path + ("?" + parts.query if parts.query else "")
            self.conn.request(method, path, body=body, headers=headers or {})
            r = self.conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException) as e:
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            raise Retry(repr(e)) from e
        nonce = r.getheader("Replay-Nonce")
        if nonce:
            self.nonce = nonce
        if r.status >= 500 or r.status == 429:
            raise Retry(f"HTTP {r.status} {data[:200]!r}")
        return r, data

    def directory(self):
        if self.dir is None:
            r, data = self._request("GET", self.directory_url)
            self.dir = json.loads(data)
        return self.dir

    def post(self, url, payload, use_jwk=False):
        """POST (payload None: POST-as-GET). Returns (response, body)."""
        if self.nonce is None:
            self._request("HEAD", self.directory()["newNonce"])
        protected = {"alg": "ES256", "nonce": self.nonce, "url": url}
        if use_jwk:
            protected["jwk"] = self.jwk
        else:
            protected["kid"] = self.kid
        self.nonce = None
        p = b64u(json.dumps(protected).encode())
        pl = "" if payload is None else b64u(json.dumps(payload).encode())
        r_, s_ = decode_dss_signature(self.key.sign(f"{p}.{pl}".encode(),
                                                    ec.ECDSA(hashes.SHA256())))
        jws = {"protected": p, "payload": pl,
               "signature": b64u(r_.to_bytes(32, "big") + s_.to_bytes(32, "big"))}
        r, data = self._request("POST", url, json.dumps(jws),
                                {"Content-Type": "application/jose+json"})
        if r.status >= 400 and b"badNonce" in data:
            raise Retry("badNonce")
        return r, data

    def register(self, deadline):
        r, data = retrying(deadline, lambda: self.post(
            self.directory()["newAccount"], {"termsOfServiceAgreed": True}, use_jwk=True))
        if r.status not in (200, 201):
            raise RuntimeError(f"newAccount: HTTP {r.status} {data[:300]!r}")
        self.kid = r.getheader("Location")


def retrying(deadline, fn):
    delay = 0.05
    while True:
        try:
            return fn()
        except Retry as e:
            if time.monotonic() > deadline:
                raise RuntimeError(f"gave up at the deadline: {e}") from e
            time.sleep(delay)
            delay = min(delay * 1.5, 1.0)


def get_json(client, url, deadline):
    r, data = retrying(deadline, lambda: client.post(url, None))
    if r.status != 200:
        raise RuntimeError(f"POST-as-GET {url}: HTTP {r.status} {data[:300]!r}")
    return json.loads(data)


def poll(client, url, deadline, done):
    delay = 0.05
    while True:
        obj = get_json(client, url, deadline)
        if obj["status"] in done:
            return obj
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} still {obj['status']} at the deadline")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)


def run_order(client, names, out_dir, record):
    deadline = time.monotonic() + ORDER_DEADLINE
    ids = [{"type": "dns", "value": n} for n in names]
    r, data = retrying(deadline, lambda: client.post(client.directory()["newOrder"],
                                                     {"identifiers": ids}))
    if r.status != 201:
        raise RuntimeError(f"newOrder: HTTP {r.status} {data[:300]!r}")
    order_url = r.getheader("Location")
    record["url"] = order_url
    order = json.loads(data)
    for authz_url in order["authorizations"]:
        authz = get_json(client, authz_url, deadline)
        if authz["status"] == "valid":
            continue
        chall = next(c for c in authz["challenges"] if c["type"] == "http-01")
        with TOKENS_LOCK:
            TOKENS[chall["token"]] = chall["token"] + "." + client.thumbprint
        retrying(deadline, lambda: client.post(chall["url"], {}))
        authz = poll(client, authz_url, deadline, ("valid", "invalid", "deactivated", "expired"))
        if authz["status"] != "valid":
            raise RuntimeError(f"authorization {authz['status']}: {json.dumps(authz)[:300]}")
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
           .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
           .sign(key, hashes.SHA256()))
    csr_b64 = b64u(csr.public_bytes(serialization.Encoding.DER))
    # Finalize until the order leaves ready: a crash may have lost the request
    # (still ready) or answered nothing after moving it to processing.
    while True:
        order = poll(client, order_url, deadline, ("ready", "processing", "valid", "invalid"))
        if order["status"] != "ready":
            break
        record["finalized"] = True
        r, data = retrying(deadline, lambda: client.post(order["finalize"], {"csr": csr_b64}))
        if r.status == 200:
            order = json.loads(data)
            if order["status"] != "ready":
                break
        elif b"orderNotReady" not in data:
            raise RuntimeError(f"finalize: HTTP {r.status} {data[:300]!r}")
    order = poll(client, order_url, deadline, ("valid", "invalid"))
    record["status"] = order["status"]
    if order["status"] != "valid":
        record["error"] = order.get("error")
        return
    r, data = retrying(deadline, lambda: client.post(order["certificate"], None))
    if r.status != 200:
        raise RuntimeError(f"certificate: HTTP {r.status} {data[:300]!r}")
    leaf = x509.load_pem_x509_certificate(data)
    if leaf.public_key().public_numbers() != key.public_key().public_numbers():
        raise RuntimeError("the certificate is not for the CSR's key")
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    if sorted(sans.get_values_for_type(x509.DNSName)) != sorted(names):
        raise RuntimeError(f"the certificate names {sans} not {names}")
    record["serial"] = format(leaf.serial_number, "x")
    name = order_url.rstrip("/").rsplit("/", 1)[-1]
    tmp = os.path.join(out_dir, "certs", name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, os.path.join(out_dir, "certs", name + ".pem"))


def worker(n, args, log, log_lock, stop):
    client = Client(args["directory"], args["ca_file"])
    client.register(time.monotonic() + ORDER_DEADLINE)
    i = 0
    while not os.path.exists(stop) and not (MAX_ORDERS and i >= MAX_ORDERS):
        i += 1
        names = [f"{args['prefix']}w{n}-o{i}-n{k}.crash.example.test"
                 for k in range(args["names"])]
        record = {"worker": n, "names": names, "status": None}
        t0 = time.monotonic()
        try:
            run_order(client, names, args["out"], record)
        except Exception as e:  # recorded; the checker decides
            record["failure"] = str(e)[:400]
        record["seconds"] = round(time.monotonic() - t0, 3)
        with log_lock:
            log.write(json.dumps(record) + "\n")
            log.flush()
        if random.random() < 0.3:
            time.sleep(random.random() * 0.2)


def main():
    if len(sys.argv) not in (8, 9):
        sys.exit(__doc__)
    directory, ca_file, port, out, workers, names, stop = sys.argv[1:8]
    args = {"directory": directory, "ca_file": ca_file, "out": out, "names": int(names),
            "prefix": sys.argv[8] if len(sys.argv) == 9 else ""}
    os.makedirs(os.path.join(out, "certs"), exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), Responder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log_lock = threading.Lock()
    failed = []
    with open(os.path.join(out, "orders.jsonl"), "a") as log:
        def run(n):
            try:
                worker(n, args, log, log_lock, stop)
            except Exception as e:
                failed.append(f"worker {n}: {e}")
        threads = [threading.Thread(target=run, args=(n,)) for n in range(int(workers))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for f in failed:
        print(f, file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
