-- Service accounts: the internal producers that may send signed commands on byoc.cluster-commands.
-- The secret is NOT stored: it is derived on demand from byoc.external-id.secret and the key id
-- (contracts' CommandSignatures.accountSecret: base64url(HMAC-SHA256(secret,
-- "service-account-key/v1/" + key_id))). Revoking sets revoked_at; the key id is never reused.
create table service_accounts (
    key_id       text primary key,
    name         text not null,
    acting_users text[] not null,          -- the users it may act for; {'*'} = any user
    created_at   timestamptz not null default now(),
    revoked_at   timestamptz
);
-- one live account per name; a revoked name may be created again (with a new key id and secret)
create unique index service_accounts_live_name on service_accounts (name) where revoked_at is null;
