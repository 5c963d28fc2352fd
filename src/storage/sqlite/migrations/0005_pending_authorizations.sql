-- Version 5: restart recovery looks for pending authorizations with a
-- challenge being validated. Without an index that read every authorization
-- (a million rows, most of them valid, in a store of a million
-- certificates); a partial index holds only the pending ones, so it costs
-- nothing for the rest.
CREATE INDEX authz_pending ON authorizations(id) WHERE status = 'pending';
