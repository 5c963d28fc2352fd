-- Version 10: paused clients (Boulder's "zombie client" pausing). One row per
-- (account, identifier) that has failed validation: the run of consecutive
-- failures since the last success or unpause, and whether the pair is
-- paused. A failure updates its row in place and a success resets it, so no
-- decision ever reads the history of authorizations. The pair is paused
-- while paused_at is set and unpaused_at is NULL; a new pause clears
-- unpaused_at, an unpause sets it (the row stays, as the operator's record).
CREATE TABLE paused (
  account_id        TEXT NOT NULL REFERENCES accounts(id),
  ident_type        TEXT NOT NULL,
  ident_value       TEXT NOT NULL,
  failures          INTEGER NOT NULL DEFAULT 0,  -- consecutive failed validations
  first_failure_at  INTEGER,                     -- unix seconds: start of the run
  paused_at         INTEGER,
  unpaused_at       INTEGER,
  PRIMARY KEY (account_id, ident_type, ident_value)
) WITHOUT ROWID;
-- The pairs paused now: newOrder's check, unpause and the operator's lists
-- touch only these.
CREATE INDEX paused_now ON paused(account_id, ident_type, ident_value)
  WHERE paused_at IS NOT NULL AND unpaused_at IS NULL;
