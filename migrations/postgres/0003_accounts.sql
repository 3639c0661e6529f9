-- Accounts and access (issue 3). Times are unix milliseconds; flags are 0/1 bigints.

-- Shoppers and staff. A deleted account keeps its row (orders point at it) with the
-- personal data scrubbed; `email_normalized` is then a placeholder that frees the address.
-- `session_epoch` is stamped into every login session: bumping it ends them all.
create table users (
    id                text primary key,
    email             text not null,
    email_normalized  text not null unique,
    password_hash     text not null,
    full_name         text not null default '',
    avatar            text,
    role              text not null default 'customer'
                      check (role in ('customer', 'staff', 'admin')),
    status            text not null default 'active'
                      check (status in ('active', 'deactivated', 'deleted')),
    email_verified_at bigint,
    session_epoch     bigint not null default 0,
    totp_secret       text,
    totp_enabled_at   bigint,
    totp_last_step    bigint,
    created_at        bigint not null,
    updated_at        bigint not null,
    deleted_at        bigint
);
create index users_role on users (role);

-- One-time tokens mailed to users (verify email, reset password, staff invite, change
-- email). Only the SHA-256 of the token is stored; `used_at` makes it single-use.
create table user_tokens (
    token_hash text primary key,
    user_id    text not null references users (id) on delete cascade,
    purpose    text not null,
    data       text,
    expires_at bigint not null,
    used_at    bigint,
    created_at bigint not null
);
create index user_tokens_user on user_tokens (user_id, purpose);

-- Two-factor recovery codes (hashed, single-use).
create table recovery_codes (
    user_id   text not null references users (id) on delete cascade,
    code_hash text not null,
    used_at   bigint,
    primary key (user_id, code_hash)
);

create table addresses (
    id                  text primary key,
    user_id             text not null references users (id) on delete cascade,
    full_name           text not null,
    company             text not null default '',
    line1               text not null,
    line2               text not null default '',
    city                text not null,
    region              text not null default '',
    postal_code         text not null default '',
    country             text not null,
    phone               text not null default '',
    is_default_shipping bigint not null default 0,
    is_default_billing  bigint not null default 0,
    created_at          bigint not null,
    updated_at          bigint not null
);
create index addresses_user on addresses (user_id);

-- REST refresh tokens (hashed). A family is one login; rotating marks the old token
-- used, and presenting a used token revokes the whole family.
create table refresh_tokens (
    token_hash text primary key,
    family_id  text not null,
    user_id    text not null references users (id) on delete cascade,
    expires_at bigint not null,
    used_at    bigint,
    revoked_at bigint,
    created_at bigint not null
);
create index refresh_tokens_family on refresh_tokens (family_id);

-- The durable job queue (mail and, later, other background work).
-- status: queued | running | done | failed. A running job whose lease (`locked_until`)
-- ran out was interrupted (crash, restart) and is claimed again.
create table jobs (
    id           text primary key,
    kind         text not null,
    payload      text not null,
    status       text not null default 'queued',
    attempts     bigint not null default 0,
    max_attempts bigint not null default 3,
    run_at       bigint not null,
    locked_until bigint,
    last_error   text,
    created_at   bigint not null,
    updated_at   bigint not null
);
create index jobs_due on jobs (status, run_at);
