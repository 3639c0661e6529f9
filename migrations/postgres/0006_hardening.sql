-- Hardening (issue 11). The same statements on both engines.

-- A refresh token remembers the session epoch of its login: when the account's epoch
-- moves (password change or reset, "log out everywhere", role change, deactivation,
-- deletion) the token is refused. Tokens issued before take their user's epoch now.
alter table refresh_tokens add column epoch bigint;
update refresh_tokens set epoch = (select session_epoch from users where users.id = refresh_tokens.user_id);

-- Tax rates in parts per million, so 8.875 % (88750) can be entered; was basis points.
alter table tax_rates add column rate_ppm bigint not null default 0 check (rate_ppm between 0 and 1000000);
update tax_rates set rate_ppm = rate_bp * 100;
alter table tax_rates drop column rate_bp;

-- An order staff must look at before it ships (paid amount or currency not the order's,
-- sold short after its hold ran out): the reason, null when there is none.
alter table orders add column hold_reason text;

-- Who started a payment (the client address, for the cap on holds per address) and what
-- was priced (a digest of lines, address, rate, code and totals: the open payment is
-- reused while the checkout still prices the same).
alter table payments add column client_ip text not null default '';
alter table payments add column fingerprint text not null default '';
create index payments_client_pending on payments (client_ip, status);

-- Secrets generated for the shop (JWT and session keys, the order-link key) live in the
-- database, so every instance of one shop shares them. Environment variables still win.
create table secrets (
    name       text primary key,
    value      text not null,
    created_at bigint not null
);

-- Jobs that ran no longer keep their payloads (mails carry single-use links).
update jobs set payload = '{}' where status in ('done', 'failed');
