-- Version 13: work in flight, as SQLite's 0013. Claimed with
-- SELECT ... FOR UPDATE SKIP LOCKED, so instances claiming at once never
-- wait for each other nor take the same row; lease times are the server's
-- clock (clock_timestamp()), so instances' clocks need not agree.
CREATE TABLE work_items (
  kind         TEXT NOT NULL,
  object_id    TEXT NOT NULL,
  owner        TEXT NOT NULL DEFAULT '',
  lease_until  BIGINT NOT NULL DEFAULT 0,  -- unix milliseconds
  attempts     INTEGER NOT NULL DEFAULT 0,
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (kind, object_id)
);
CREATE INDEX work_items_by_lease ON work_items(lease_until);
