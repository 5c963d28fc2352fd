-- Version 6: every serial, recorded before it is signed.
CREATE TABLE serials (
  serial      TEXT PRIMARY KEY,
  order_id    TEXT NOT NULL REFERENCES orders(id),
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  tbs_der     BYTEA NOT NULL,
  created_at  BIGINT NOT NULL
);
