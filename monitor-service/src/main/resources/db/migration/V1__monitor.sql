-- monitor-service's own schema: the watch list, a projection of byoc.cluster-events.

create table watch_list (
    cluster_id       uuid primary key,
    name             text not null,
    owner            text not null,
    kafka_partition  int not null,        -- where this cluster's events live: decides which replica polls it
    state            jsonb not null,      -- the state machine's ClusterState
    spec             jsonb not null,      -- needed to assume the role and describe the EKS cluster
    status           text not null,
    status_since     timestamptz not null,
    last_observation text,
    next_poll_at     timestamptz,
    last_event_id    uuid,
    last_offset      bigint not null,
    updated_at       timestamptz not null
);
create index watch_list_due on watch_list (next_poll_at) where status in ('pending', 'running', 'failed');

-- ce_ids already applied, written in the same transaction as the change
create table processed_events (
    event_id     uuid primary key,
    processed_at timestamptz not null default now()
);
