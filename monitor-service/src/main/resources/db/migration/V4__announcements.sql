-- What a fold decided to announce — status-changed on byoc.cluster-events, the fleet record (or its
-- tombstone) on byoc.cluster-state — written in the fold's own transaction and published only
-- after it commits (issue 14): the monitor never announces a status it has not stored, and a
-- crash between commit and publish leaves the row here for the relay instead of losing it.
create table announcements (
    seq        bigserial primary key,
    cluster_id uuid not null,
    topic      text not null check (topic in ('events', 'state')),
    event_id   text,
    type       text,
    payload    text,          -- null on 'state': the tombstone of a deleted cluster
    event_time timestamptz not null,
    created_at timestamptz not null default now()
);
create index announcements_cluster on announcements (cluster_id, seq);
