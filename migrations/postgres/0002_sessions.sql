-- Sessions of the SQL session store (used when REDIS_URL is not set).
-- data: the session record as JSON; expires_at: unix milliseconds.
create table sessions (
    id         text primary key,
    data       text not null,
    expires_at bigint not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index sessions_expires_at on sessions (expires_at);
