-- Version 7: external account binding keys (RFC 8555 7.3.4).
CREATE TABLE eab_keys (
  kid         TEXT PRIMARY KEY,
  hmac_key    BYTEA NOT NULL,
  created_at  BIGINT NOT NULL,
  account_id  TEXT UNIQUE REFERENCES accounts(id),
  bound_at    BIGINT
);
