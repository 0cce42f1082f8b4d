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

-- Plans that do not depend on statistics (found in the full bench at 114,640 clusters on a server
-- with autovacuum off, where no table had ever been analyzed: a page of 20 took 850 ms, GET of one
-- cluster 47 ms). The live list walks the owner's live clusters newest first in index order and
-- stops at the page's end, whatever the planner believes about the owner's share of the table
-- (it preferred the partial unique index on (owner, name), which also matches released_at is null,
-- and sorted every row); GET by name finds the live one or the deleted ones of that name through
-- one index (the unique index on (owner, name) is partial, so it cannot serve a lookup that also
-- wants deleted clusters).
create index clusters_owner_live_created on clusters (owner, created_at desc, id desc) where released_at is null;
create index clusters_owner_name on clusters (owner, name, created_at desc);
