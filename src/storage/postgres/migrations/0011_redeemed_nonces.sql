-- Version 11: replay nonces shared by several signetd instances, redeemed once.
CREATE TABLE redeemed_nonces (
  id          TEXT PRIMARY KEY,
  expires_at  BIGINT NOT NULL
);
CREATE INDEX redeemed_nonces_by_expiry ON redeemed_nonces(expires_at);
