-- Version 13: work in flight (issue 10). A validation or a background
-- issuance that some signetd must finish is a row here from the moment its
-- object becomes "processing" until its outcome is stored. The instance
-- working on it holds a lease (owner, lease_until) and renews it while it
-- works; a row whose lease ran out (its instance died) is claimed by another.
-- On SQLite one instance holds every lease; a restart claims them all.
CREATE TABLE work_items (
  kind         TEXT NOT NULL,              -- 'validate' or 'issue'
  object_id    TEXT NOT NULL,              -- authz_id/challenge_id, or the order's id
  owner        TEXT NOT NULL DEFAULT '',   -- the instance holding the lease ('' = none)
  lease_until  INTEGER NOT NULL DEFAULT 0, -- unix milliseconds, the store's clock
  attempts     INTEGER NOT NULL DEFAULT 0, -- leases given out so far
  created_at   INTEGER NOT NULL,           -- unix milliseconds
  PRIMARY KEY (kind, object_id)
) WITHOUT ROWID;
CREATE INDEX work_items_by_lease ON work_items(lease_until);
