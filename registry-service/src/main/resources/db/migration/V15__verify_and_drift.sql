-- Re-validation on a schedule (drift): when each cluster is next verified. Existing clusters are
-- spread over the default interval (6 h) instead of all coming due at the first tick after the upgrade.
alter table clusters add column next_verify_at timestamptz;
update clusters set next_verify_at = now() + random() * interval '6 hours' where released_at is null;
-- the drift schedule claims the earliest due live clusters, a batch at a time (DriftSchedule)
create index clusters_verify_due on clusters (next_verify_at) where released_at is null and deleting_at is null;

-- When the last validation report (passed or failed) completed, from the event: rebuilt like every column.
alter table cluster_view add column last_validated_at timestamptz;

-- The fleet stream reads each partition's events after a position (FleetStreamResource).
create index cluster_history_position on cluster_history (kafka_partition, kafka_offset);
