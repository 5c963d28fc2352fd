-- Version 5: the pending authorizations, for restart recovery.
CREATE INDEX authz_pending ON authorizations(id) WHERE status = 'pending';
