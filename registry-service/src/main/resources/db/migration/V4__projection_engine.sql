-- The projection engine (service-support) keeps, per projection and version: the ce_ids applied
-- and the highest offset applied per partition, written in the same transaction as the rows.
alter table projection_events add column name text not null default 'cluster-view';
alter table projection_events drop constraint projection_events_pkey;
alter table projection_events add primary key (name, version, event_id);
alter table projection_events alter column name drop default;

create table projection_positions (
    name            text not null,
    version         int not null,
    kafka_partition int not null,
    kafka_offset    bigint not null,   -- highest offset applied; the consumer resumes after it
    primary key (name, version, kafka_partition)
);
-- the live version's rows already know how far each partition was applied
insert into projection_positions (name, version, kafka_partition, kafka_offset)
select 'cluster-view', version, last_partition, max(last_offset) from cluster_view group by version, last_partition;

-- a rebuild refreshes this while it runs; a building row with a stale heartbeat can be taken over
alter table projections add column heartbeat_at timestamptz;
