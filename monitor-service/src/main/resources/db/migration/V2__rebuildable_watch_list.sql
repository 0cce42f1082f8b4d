-- The watch list becomes a projection of the projection engine (service-support): rows keyed by
-- (version, cluster_id) so it can be rebuilt beside the live one, the ce_ids and positions applied
-- per version, and the poll schedule (runtime state, not derived from events) moved out.

create table projections (
    name             text primary key,
    live_version     int not null,
    building_version int,
    state            text not null,             -- live | building
    events_applied   bigint not null default 0, -- by the running (or last) rebuild
    lag              jsonb,                     -- per-partition lag of the rebuild
    started_at       timestamptz,
    finished_at      timestamptz,
    heartbeat_at     timestamptz                -- a building row with a stale heartbeat can be taken over
);
insert into projections (name, live_version, state) values ('watch-list', 1, 'live');

create table projection_events (
    name     text not null,
    version  int not null,
    event_id text not null,
    primary key (name, version, event_id)
);
insert into projection_events (name, version, event_id) select 'watch-list', 1, event_id::text from processed_events;
drop table processed_events;

create table projection_positions (
    name            text not null,
    version         int not null,
    kafka_partition int not null,
    kafka_offset    bigint not null,   -- highest offset applied; the consumer resumes after it
    primary key (name, version, kafka_partition)
);
insert into projection_positions (name, version, kafka_partition, kafka_offset)
select 'watch-list', 1, kafka_partition, max(last_offset) from watch_list group by kafka_partition;

create table poll_schedule (
    cluster_id   uuid primary key,
    next_poll_at timestamptz not null
);
insert into poll_schedule (cluster_id, next_poll_at)
select cluster_id, next_poll_at from watch_list where next_poll_at is not null;

drop index watch_list_due;
alter table watch_list drop column next_poll_at, drop column updated_at, add column version int not null default 1;
alter table watch_list drop constraint watch_list_pkey;
alter table watch_list add primary key (version, cluster_id);
alter table watch_list alter column version drop default;
create index watch_list_partition on watch_list (version, kafka_partition, status);
