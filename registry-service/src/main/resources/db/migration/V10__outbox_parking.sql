-- A row the broker will never take (too large, rejected) is parked with its reason instead of being
-- retried for ever in front of every other cluster's events (issue 14). A parked row still counts
-- as unsent, so its own cluster's later rows wait behind it (per-cluster order holds); an admin
-- sees it at GET /api/v1/admin/outbox/parked and releases it with POST …/{id}/retry.
alter table outbox add column parked_at timestamptz, add column parked_reason text;
create index outbox_parked on outbox (id) where parked_at is not null;
