-- API keys for integrations (issue 16). The same statements on both engines.
--
-- A key is shown once (`oxk_` + 43 random characters); only its SHA-256 is kept. Its
-- scopes are back-office permission names (`orders.read catalog.write`), never more than
-- the admin who made it held. Revoking keeps the row, so the audit log and the order
-- timelines can still name the key that acted.
create table api_keys (
    id           text primary key,
    name         text not null,
    prefix       text not null,
    secret_hash  text not null unique,
    scopes       text not null,
    created_by   text,
    created_at   bigint not null,
    updated_at   bigint not null,
    last_used_at bigint,
    last_used_ip text,
    revoked_at   bigint
);
create index api_keys_created on api_keys (created_at);
