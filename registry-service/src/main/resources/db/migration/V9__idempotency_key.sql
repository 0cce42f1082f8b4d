-- POST /api/v1/clusters with an Idempotency-Key header: the key is bound, per owner, to the cluster
-- it created and to a digest of the request, so a retried request gets the original 201 (same id)
-- and the key reused for another request gets 422. The database decides a race between two retries.
alter table clusters add column idempotency_key text, add column request_digest text;
create unique index clusters_idempotency on clusters (owner, idempotency_key) where idempotency_key is not null;
