-- Version 9: rate limits (GCRA buckets), overrides, issued name sets.
CREATE TABLE rate_limits (
  bucket_key   TEXT PRIMARY KEY,
  tat          BIGINT NOT NULL,       -- unix nanoseconds
  interval_ns  BIGINT NOT NULL
);
CREATE INDEX rate_limits_by_tat ON rate_limits(tat);

CREATE TABLE rate_limit_overrides (
  limit_name  TEXT NOT NULL,
  key         TEXT NOT NULL,
  count       BIGINT NOT NULL,
  period_s    BIGINT NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (limit_name, key)
);

CREATE TABLE issued_name_sets (
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  names       TEXT NOT NULL,
  not_after   BIGINT NOT NULL,
  PRIMARY KEY (account_id, names)
);

INSERT INTO issued_name_sets (account_id, names, not_after)
  SELECT c.account_id,
         (SELECT string_agg(v, ',' ORDER BY v) FROM
            (SELECT DISTINCT lower(j->>'value') AS v
               FROM jsonb_array_elements(o.identifiers::jsonb) AS j) AS d),
         max(c.not_after)
    FROM certificates AS c JOIN orders AS o ON o.id = c.order_id
   GROUP BY 1, 2;
