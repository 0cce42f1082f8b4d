-- The list filtered on a status finds the owner's clusters in it through an index, instead of
-- reading every cluster of the owner newest first and dropping those in another status (at 30,000
-- clusters and a rare status: all 30,000; ListQueryPlanTests).
-- a status the projection gives
create index cluster_view_owner_status on cluster_view (version, owner, status);
-- a deletion requested (terminating until the projection has seen it)
create index clusters_owner_deleting on clusters (owner, created_at desc, id desc) where deleting_at is not null;
-- deleted (every deleted cluster is released: its name is free again)
create index clusters_owner_released on clusters (owner, created_at desc, id desc) where released_at is not null;
