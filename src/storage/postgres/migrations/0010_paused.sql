-- Version 10: paused clients (Boulder's "zombie client" pausing).
CREATE TABLE paused (
  account_id        TEXT NOT NULL REFERENCES accounts(id),
  ident_type        TEXT NOT NULL,
  ident_value       TEXT NOT NULL,
  failures          BIGINT NOT NULL DEFAULT 0,
  first_failure_at  BIGINT,
  paused_at         BIGINT,
  unpaused_at       BIGINT,
  PRIMARY KEY (account_id, ident_type, ident_value)
);
CREATE INDEX paused_now ON paused(account_id, ident_type, ident_value)
  WHERE paused_at IS NOT NULL AND unpaused_at IS NULL;
