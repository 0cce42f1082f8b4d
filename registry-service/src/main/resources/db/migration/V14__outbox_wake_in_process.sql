-- V11's NOTIFY in every transaction that filled the outbox made PostgreSQL take its cluster-wide
-- notification lock at each of those commits, through the commit's WAL flush: registrations'
-- commits ran one at a time (wait_event Lock/object on the registration statement, under load).
-- The registry now wakes its own relay once the transaction committed (Outbox.relayAfter).
drop trigger outbox_filled on outbox;
drop function outbox_notify();
