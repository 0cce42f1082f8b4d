-- The relay claims the oldest unsent, unparked rows (order by id). Without this index the claim
-- walked the primary key from the first row ever written, past every row already sent, so each
-- batch cost more than the one before (issue 15: 2,000 rows relayed at 376 events/s).
create index outbox_pending on outbox (id) where sent_at is null and parked_at is null;
