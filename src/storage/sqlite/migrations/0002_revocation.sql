-- Version 2: revocation (RFC 8555 7.6).
ALTER TABLE certificates ADD COLUMN revoked_at INTEGER;
ALTER TABLE certificates ADD COLUMN revoked_reason INTEGER;
CREATE INDEX authz_valid_by_account ON authorizations(account_id, ident_value, status);
