-- Version 8: an account's list of orders, a page at a time.
CREATE INDEX orders_listed_by_account ON orders(account_id, created_at, id)
  WHERE status != 'invalid';
