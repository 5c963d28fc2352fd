-- Version 3: CRL shards and numbers, the revocation feed, blocked keys,
-- renewal information (RFC 9773) and certificate profiles.
ALTER TABLE certificates ADD COLUMN crl_shard BIGINT NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN profile TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN ari_start BIGINT;
ALTER TABLE certificates ADD COLUMN ari_end BIGINT;
ALTER TABLE certificates ADD COLUMN ari_explanation TEXT;
CREATE INDEX certs_revoked_by_shard ON certificates(crl_shard, revoked_at);

ALTER TABLE orders ADD COLUMN profile TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN replaces TEXT;
ALTER TABLE orders ADD COLUMN replaces_serial TEXT;
CREATE INDEX orders_by_replaced ON orders(replaces_serial);

-- Every revocation, in order (seq from a sequence: gaps are possible, order
-- is kept within one writer's commits, which is all the followers need as
-- they read seq > last).
CREATE TABLE revocation_log (
  seq         BIGSERIAL PRIMARY KEY,
  serial      TEXT NOT NULL,
  crl_shard   BIGINT NOT NULL,
  revoked_at  BIGINT NOT NULL
);

CREATE TABLE crl_numbers (
  shard       BIGINT PRIMARY KEY,
  number      BIGINT NOT NULL
);

CREATE TABLE blocked_keys (
  spki_sha256 TEXT PRIMARY KEY,
  added_at    BIGINT NOT NULL,
  serial      TEXT NOT NULL
);
