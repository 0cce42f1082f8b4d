-- Issue 11: the platform issues each owner's external ID and the monitor derives it from the
-- owner when it assumes the role, so the stored spec keeps no plaintext external ID. Rows written
-- from v1 events (every version: live and any half-built one) lose the field; the code no longer
-- writes it (ClusterSpec has none) and ignores it when it reads a legacy v1 event.
update watch_list set spec = spec - 'externalId' where spec -> 'externalId' is not null;
