-- Commands from byoc.cluster-commands already handled (by ce_id), recorded in the same
-- transaction as their effect so a redelivered command is applied at most once.
create table processed_commands (
    command_id   text primary key,
    outcome      text not null,          -- applied | rejected
    processed_at timestamptz not null default now()
);
