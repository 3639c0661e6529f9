-- Store-wide settings as key/value pairs (store name, currency, announcement bar …).
create table settings (
    key        text primary key,
    value      text not null,
    created_at bigint not null,
    updated_at bigint not null
);
