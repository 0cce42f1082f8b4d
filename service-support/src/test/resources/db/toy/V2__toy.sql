-- the engine tests' toy projection: events counted per cluster, the last status kept
create table toy (version int, cluster_id uuid, events int, status text, last_event_id text,
                  primary key (version, cluster_id));
