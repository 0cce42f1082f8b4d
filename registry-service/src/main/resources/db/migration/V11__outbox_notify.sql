-- Every statement that fills the outbox tells the relays at once (issue 15): PostgreSQL delivers the
-- notification when the transaction commits, to every replica LISTENing on byoc_outbox, and folds the
-- notifications of one transaction into one. A trigger, so no path that writes the outbox (REST, the
-- commands topic, an admin retry) can forget it; the relay's timer is only the fallback.
create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('byoc_outbox', '');
    return null;
end $$;

create trigger outbox_filled after insert or update of parked_at on outbox
    for each statement execute function outbox_notify();
