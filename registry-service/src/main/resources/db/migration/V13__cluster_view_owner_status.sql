-- The list filtered on a status only the projection gives (pending, running, failed) finds the
-- owner's clusters in that status here, instead of reading every cluster of the owner newest first
-- and dropping those in another status (at 30,000 clusters and a rare status: all 30,000).
create index cluster_view_owner_status on cluster_view (version, owner, status);
