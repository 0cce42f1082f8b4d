-- The platform issues each user's external ID (derived from a secret, never stored): no table
-- keeps a plaintext external ID, and cluster names are unique per owner, not globally.

-- names: another user's cluster neither blocks a name nor reveals that it exists
drop index clusters_name_taken;
create unique index clusters_name_taken on clusters (owner, name) where released_at is null;

-- the write model's specs
update clusters set spec = spec - 'externalId' where spec ? 'externalId';

-- the outbox: sent and unsent events alike; an unsent v1 event is relayed as its v2 (no external ID)
update outbox
   set payload = (payload::jsonb #- '{spec,externalId}')::text
 where payload::jsonb -> 'spec' ? 'externalId';
update outbox set type = replace(type, '.v1', '.v2')
 where type in ('byoc.cluster.requested.v1', 'byoc.cluster.updated.v1', 'byoc.cluster.deleted.v1');

-- the user-visible history kept a masked hint; drop it too
update cluster_history set data = data #- '{spec,externalId}' where data -> 'spec' ? 'externalId';
