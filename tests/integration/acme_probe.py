#!/usr/bin/python3
"""A minimal ACME client for fault tests: sends one kind of request and
prints one JSON line per request with the HTTP status, the problem type and
detail, Retry-After and the seconds it took, so a test can assert exactly
which problem a client got under a fault. Loopback only.

usage: acme_probe.py DIRECTORY_URL CA_PEM KEY_FILE account
       acme_probe.py DIRECTORY_URL CA_PEM KEY_FILE order NAME [COUNT]
  account: newAccount with the key in KEY_FILE (made when missing)
  order:   newAccount (finds the account), then COUNT newOrders for NAME at
           once, each on its own connection (default 1)
"""
import base64
import hashlib
import json
import os
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Client:
    def __init__(self, directory, ca, key_file):
        self.ctx = ssl.create_default_context(cafile=ca)
        if os.path.exists(key_file):
            with open(key_file, "rb") as f:
                self.key = serialization.load_pem_private_key(f.read(), None)
        else:
            self.key = ec.generate_private_key(ec.SECP256R1())
            with open(key_file, "wb") as f:
                f.write(self.key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        n = self.key.public_key().public_numbers()
        self.jwk = {"crv": "P-256", "kty": "EC", "x": b64(n.x.to_bytes(32, "big")),
                    "y": b64(n.y.to_bytes(32, "big"))}
        self.kid = None
        self.dir = json.loads(self.request(directory)[2])

    def request(self, url, body=None):
        req = urllib.request.Request(url, data=body, method="POST" if body else "GET")
        if body:
            req.add_header("Content-Type", "application/jose+json")
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=60) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def nonce(self):
        status, headers, _ = self.request(self.dir["newNonce"])
        return headers["Replay-Nonce"]

    def post(self, url, payload):
        protected = {"alg": "ES256", "nonce": self.nonce(), "url": url}
        if self.kid:
            protected["kid"] = self.kid
        else:
            protected["jwk"] = self.jwk
        p = b64(json.dumps(protected).encode())
        pl = b64(json.dumps(payload).encode())
        der = self.key.sign(f"{p}.{pl}".encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        sig = b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
        body = json.dumps({"protected": p, "payload": pl, "signature": sig}).encode()
        start = time.monotonic()
        status, headers, data = self.request(url, body)
        took = time.monotonic() - start
        out = {"status": status, "secs": round(took, 3),
               "retry_after": headers.get("Retry-After")}
        if headers.get("Content-Type", "").startswith("application/problem+json"):
            doc = json.loads(data)
            out["type"] = doc.get("type")
            out["detail"] = doc.get("detail")
        if status in (200, 201) and url == self.dir["newAccount"]:
            self.kid = headers["Location"]
        return out


def main():
    directory, ca, key_file, what = sys.argv[1:5]
    c = Client(directory, ca, key_file)
    account = c.post(c.dir["newAccount"], {"termsOfServiceAgreed": True})
    if what == "account":
        print(json.dumps(account), flush=True)
        return
    if c.kid is None:
        print(json.dumps(account), flush=True)
        sys.exit(1)
    name, count = sys.argv[5], int(sys.argv[6]) if len(sys.argv) > 6 else 1
    results = [None] * count

    def one(i):
        results[i] = c.post(c.dir["newOrder"],
                            {"identifiers": [{"type": "dns", "value": name}]})
    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        print(json.dumps(r), flush=True)


main()
