-- Blue/green rebuilds: cluster_view rows are keyed by (version, cluster_id); `projections` names
-- the live version and the one being built. Reads use the live version only.
alter table cluster_view add column version int not null default 1;
alter table cluster_view drop constraint cluster_view_pkey;
alter table cluster_view add primary key (version, cluster_id);

-- ce_ids applied to each version (a version rebuilt from offset 0 applies every event once more)
create table projection_events (
    version  int not null,
    event_id text not null,
    primary key (version, event_id)
);
insert into projection_events (version, event_id) select 1, event_id::text from cluster_history;

create table projections (
    name             text primary key,
    live_version     int not null,
    building_version int,
    state            text not null,            -- live | building
    events_applied   bigint not null default 0, -- by the running (or last) rebuild
    lag              jsonb,                    -- per-partition lag of the rebuild
    started_at       timestamptz,
    finished_at      timestamptz
);
insert into projections (name, live_version, state) values ('cluster-view', 1, 'live');
