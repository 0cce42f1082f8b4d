-- The tables the projection engine (ProjectionStore, ProjectionRebuild) works with, in the schema
-- of the service that owns the projection. Each service creates them in its own Flyway migration
-- (registry V3+V4, monitor V2); this file is the reference and what the engine's tests run.
create table projections (
    name             text primary key,
    live_version     int not null,
    building_version int,
    state            text not null,             -- live | building
    events_applied   bigint not null default 0, -- by the running (or last) rebuild
    lag              jsonb,                     -- per-partition lag of the rebuild behind the live version
    started_at       timestamptz,
    finished_at      timestamptz,
    heartbeat_at     timestamptz                -- a building row with a stale heartbeat can be taken over
);

create table projection_events (
    name     text not null,
    version  int not null,
    event_id text not null,                     -- ce_id applied to this version
    primary key (name, version, event_id)
);

create table projection_positions (
    name            text not null,
    version         int not null,
    kafka_partition int not null,
    kafka_offset    bigint not null,            -- highest offset applied; the consumer resumes after it
    primary key (name, version, kafka_partition)
);
