-- registry-service's own schema. The write model (users, keys, clusters, outbox) and the
-- cluster_view projection of byoc.cluster-events live side by side; no other service reads them.

create table users (
    username        text primary key,
    admin           boolean not null default false,
    cluster_context uuid,
    created_at      timestamptz not null default now()
);

create table api_keys (
    id         uuid primary key,
    username   text not null references users (username),
    key_hash   text not null unique,  -- SHA-256 of the key; the key itself is shown once and never stored
    key_hint   text not null,         -- last 4 characters, to tell keys apart when revoking
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);

-- The write model: identity, ownership and the current spec of every cluster.
create table clusters (
    id           uuid primary key,
    name         text not null,
    owner        text not null references users (username),
    spec         jsonb not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    deleting_at  timestamptz,          -- deletion requested (read-your-writes: shown as terminating)
    force_deleted boolean not null default false,
    released_at  timestamptz           -- reached deleted: the name is free again
);
-- the database, not the application, decides who wins a race for a name
create unique index clusters_name_taken on clusters (name) where released_at is null;
create index clusters_owner_created on clusters (owner, created_at desc, id desc);

-- Transactional outbox: written in the same transaction as the change, relayed to Kafka.
create table outbox (
    id         bigserial primary key,
    event_id   uuid not null unique,
    cluster_id uuid not null,
    type       text not null,
    payload    text not null,
    created_at timestamptz not null default now(),
    sent_at    timestamptz
);
create index outbox_unsent on outbox (cluster_id, id) where sent_at is null;

-- Projection of byoc.cluster-events: status, reason and reports. Each row keeps the position of
-- the last event applied to it (shape (a) of DESIGN §7).
create table cluster_view (
    cluster_id     uuid primary key,
    name           text not null,
    owner          text not null,
    status         text not null,
    reason         text,
    checks         jsonb,
    teardown       jsonb,
    last_event_id  uuid,
    last_partition int not null,
    last_offset    bigint not null,
    updated_at     timestamptz not null
);

create table cluster_history (
    event_id    uuid primary key,        -- ce_id: an event seen twice is recorded once
    cluster_id  uuid not null,
    type        text not null,
    data        jsonb not null,          -- secrets redacted
    occurred_at timestamptz not null,
    kafka_partition int not null,
    kafka_offset    bigint not null
);
create index cluster_history_cluster on cluster_history (cluster_id, kafka_partition, kafka_offset);
