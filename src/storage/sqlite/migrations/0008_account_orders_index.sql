-- Version 8: an account's list of orders (RFC 8555 7.1.2.1) is read a page
-- at a time in (created_at, id) order from a cursor, without invalid orders.
-- This partial index answers a page with one range search and no sort, so a
-- page costs the same for an account with a million orders as for one with
-- three (orders_by_account alone would read and sort them all).
CREATE INDEX orders_listed_by_account ON orders(account_id, created_at, id)
  WHERE status != 'invalid';
