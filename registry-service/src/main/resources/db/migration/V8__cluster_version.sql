-- Optimistic versioning of the write model: every write of a cluster (edit, delete) bumps it, and
-- a write made from an older read is refused and retried, so concurrent edits and deletes never
-- overwrite each other silently and no `updated` is ever published after `deleted`.
alter table clusters add column version bigint not null default 0;
