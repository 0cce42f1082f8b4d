-- status-changed's machine-readable reasonCode (contracts' ReasonCode, lower-kebab-case), shown by
-- the API beside the reason text. Rows projected before it existed have none until a rebuild.
alter table cluster_view add column reason_code text;
