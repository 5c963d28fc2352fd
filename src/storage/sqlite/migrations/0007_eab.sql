-- Version 7: external account binding keys (RFC 8555 7.3.4), made by the
-- operator (signetd admin eab add). A key binds at most one account: its
-- account_id is set, in the transaction that creates the account, only while
-- it is still NULL, and UNIQUE keeps one account per key.
CREATE TABLE eab_keys (
  kid         TEXT PRIMARY KEY,
  hmac_key    BLOB NOT NULL,          -- the MAC key's raw bytes
  created_at  INTEGER NOT NULL,       -- unix seconds
  account_id  TEXT UNIQUE REFERENCES accounts(id),  -- NULL until it binds an account
  bound_at    INTEGER                 -- unix seconds; NULL while unbound
);
