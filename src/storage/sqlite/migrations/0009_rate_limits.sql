-- Version 9: rate limits (ca/ratelimit). One row per bucket, holding its
-- theoretical arrival time (GCRA): a request reads and writes only the rows
-- of its own buckets, in one transaction, so several CA instances sharing
-- the store count exactly, and no history is ever scanned. A row whose TAT
-- has passed means the same as no row (a full bucket).
CREATE TABLE rate_limits (
  bucket_key   TEXT PRIMARY KEY,      -- "<limit name>:<key>"
  tat          INTEGER NOT NULL,      -- unix nanoseconds
  interval_ns  INTEGER NOT NULL       -- the emission interval it was spent under
) WITHOUT ROWID;
-- Full buckets are pruned by TAT (PruneRateLimitBuckets), a range delete.
CREATE INDEX rate_limits_by_tat ON rate_limits(tat);

-- The operator's overrides (signetd admin ratelimit override), beside those
-- of the --rate-limits file; a running signetd reads them within seconds.
CREATE TABLE rate_limit_overrides (
  limit_name  TEXT NOT NULL,          -- e.g. "certificates_per_domain"
  key         TEXT NOT NULL,          -- as the limit's override key
  count       INTEGER NOT NULL,
  period_s    INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,       -- unix seconds
  PRIMARY KEY (limit_name, key)
) WITHOUT ROWID;

-- The name sets each account holds certificates for (the renewal exemption:
-- an order for exactly these names is a renewal), written by FinishIssuance
-- and looked up by primary key.
CREATE TABLE issued_name_sets (
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  names       TEXT NOT NULL,          -- storage::IdentifierSetKey
  not_after   INTEGER NOT NULL,       -- unix seconds, the latest certificate's
  PRIMARY KEY (account_id, names)
) WITHOUT ROWID;

-- The certificates issued before this version (orders keep their
-- identifiers in JSON, sorted and lower-cased by newOrder).
INSERT INTO issued_name_sets (account_id, names, not_after)
  SELECT c.account_id,
         (SELECT group_concat(v, ',') FROM
            (SELECT DISTINCT lower(json_extract(j.value, '$.value')) AS v
               FROM json_each(o.identifiers) AS j ORDER BY v)),
         max(c.not_after)
    FROM certificates AS c JOIN orders AS o ON o.id = c.order_id
   GROUP BY 1, 2;
