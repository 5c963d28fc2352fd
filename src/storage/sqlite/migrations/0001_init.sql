-- Signet CA schema, version 1.
-- Nested structures (challenges of an authorization, identifiers of an order)
-- are JSON columns: they are always read and written with their parent.
CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,
  thumbprint  TEXT NOT NULL UNIQUE,
  jwk         TEXT NOT NULL,
  contacts    TEXT NOT NULL,          -- JSON array of strings
  status      TEXT NOT NULL,
  tos_agreed  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL        -- unix seconds
);

CREATE TABLE orders (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  status        TEXT NOT NULL,
  expires       INTEGER NOT NULL,
  identifiers   TEXT NOT NULL,        -- JSON array of {type, value}
  authz_ids     TEXT NOT NULL,        -- JSON array of authorization ids
  not_before    INTEGER,
  not_after     INTEGER,
  error         TEXT,                 -- JSON problem, when invalid
  cert_serial   TEXT,
  csr           TEXT,                 -- base64 DER, kept from finalize until issued
  created_at    INTEGER NOT NULL
);
CREATE INDEX orders_by_account ON orders(account_id);
CREATE INDEX orders_by_status ON orders(status);

CREATE TABLE authorizations (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  ident_type  TEXT NOT NULL,
  ident_value TEXT NOT NULL,
  status      TEXT NOT NULL,
  expires     INTEGER NOT NULL,
  wildcard    INTEGER NOT NULL,
  challenges  TEXT NOT NULL           -- JSON array of challenge objects
);
CREATE INDEX authz_by_account_ident ON authorizations(account_id, ident_value);

CREATE TABLE certificates (
  serial      TEXT PRIMARY KEY,       -- unique: no serial is ever issued twice
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  order_id    TEXT NOT NULL REFERENCES orders(id),
  chain_pem   TEXT NOT NULL,
  not_before  INTEGER NOT NULL,
  not_after   INTEGER NOT NULL,
  issued_at   INTEGER NOT NULL
);
