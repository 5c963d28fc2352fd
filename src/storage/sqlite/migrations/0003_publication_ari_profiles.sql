-- Version 3: CRL shards and numbers, the revocation feed, blocked keys,
-- renewal information (RFC 9773) and certificate profiles.

-- The CRL shard of a certificate is chosen at issuance and never changes:
-- it is named in the certificate's CRL Distribution Points.
ALTER TABLE certificates ADD COLUMN crl_shard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN profile TEXT NOT NULL DEFAULT '';
-- An operator-set renewal window (unix seconds) and its explanation URL.
ALTER TABLE certificates ADD COLUMN ari_start INTEGER;
ALTER TABLE certificates ADD COLUMN ari_end INTEGER;
ALTER TABLE certificates ADD COLUMN ari_explanation TEXT;
CREATE INDEX certs_revoked_by_shard ON certificates(crl_shard, revoked_at);

ALTER TABLE orders ADD COLUMN profile TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN replaces TEXT;         -- ARI CertID as the client sent it
ALTER TABLE orders ADD COLUMN replaces_serial TEXT;  -- the replaced certificate's serial
CREATE INDEX orders_by_replaced ON orders(replaces_serial);

-- Every revocation, in order: the CRL and OCSP publishers follow it, also
-- for revocations made by another process (signetd admin revoke).
CREATE TABLE revocation_log (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  serial      TEXT NOT NULL,
  crl_shard   INTEGER NOT NULL,
  revoked_at  INTEGER NOT NULL
);

-- The last cRLNumber (RFC 5280 5.2.3) issued for each shard.
CREATE TABLE crl_numbers (
  shard       INTEGER PRIMARY KEY,
  number      INTEGER NOT NULL
);

-- Keys revoked for keyCompromise: never certified again.
CREATE TABLE blocked_keys (
  spki_sha256 TEXT PRIMARY KEY,       -- hex SHA-256 of the SubjectPublicKeyInfo DER
  added_at    INTEGER NOT NULL,
  serial      TEXT NOT NULL           -- the certificate whose revocation blocked it
);
