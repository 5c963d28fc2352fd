-- Signet CA schema, version 1 (PostgreSQL; the same schema as
-- sqlite/migrations, version for version). Times are unix seconds in BIGINT,
-- as in SQLite, so both backends share the code that reads them. Nested
-- structures (challenges, identifiers) are JSON text, read and written with
-- their parent.
CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,
  thumbprint  TEXT NOT NULL UNIQUE,
  jwk         TEXT NOT NULL,
  contacts    TEXT NOT NULL,
  status      TEXT NOT NULL,
  tos_agreed  BIGINT NOT NULL,
  created_at  BIGINT NOT NULL
);

CREATE TABLE orders (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  status        TEXT NOT NULL,
  expires       BIGINT NOT NULL,
  identifiers   TEXT NOT NULL,
  authz_ids     TEXT NOT NULL,
  not_before    BIGINT,
  not_after     BIGINT,
  error         TEXT,
  cert_serial   TEXT,
  csr           TEXT,
  created_at    BIGINT NOT NULL
);
CREATE INDEX orders_by_account ON orders(account_id);
CREATE INDEX orders_by_status ON orders(status);

CREATE TABLE authorizations (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  ident_type  TEXT NOT NULL,
  ident_value TEXT NOT NULL,
  status      TEXT NOT NULL,
  expires     BIGINT NOT NULL,
  wildcard    BIGINT NOT NULL,
  challenges  TEXT NOT NULL
);
CREATE INDEX authz_by_account_ident ON authorizations(account_id, ident_value);

CREATE TABLE certificates (
  serial      TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  order_id    TEXT NOT NULL REFERENCES orders(id),
  chain_pem   TEXT NOT NULL,
  not_before  BIGINT NOT NULL,
  not_after   BIGINT NOT NULL,
  issued_at   BIGINT NOT NULL
);
