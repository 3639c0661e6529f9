-- Analytics and the live feed (issue 15). The same statements on both engines.
--
-- Daily rollups, keyed by the store-local day an order was placed (`store.time_zone`):
-- every change of an order (placed, refunded, cancelled, returned) updates its day's rows
-- in the same transaction (analytics::rollup), and `oxcart analytics rebuild` (or a time
-- zone change) recomputes them from the orders. Money is integer minor units.

-- Whether the order's email had ordered before (set when the order is made).
alter table orders add column returning_customer bigint not null default 0;
-- Covers the customer report's range scans (top spenders, distinct returning customers).
create index orders_analytics on orders (created_at, email, total, refunded, returning_customer);

create table sales_daily (
    day             text primary key,
    orders          bigint not null default 0,
    cancelled       bigint not null default 0,
    refunded_orders bigint not null default 0,
    new_customers   bigint not null default 0,
    units           bigint not null default 0,
    gross           bigint not null default 0,
    discounts       bigint not null default 0,
    refunds         bigint not null default 0,
    shipping        bigint not null default 0,
    tax             bigint not null default 0,
    total           bigint not null default 0
);

create table variant_daily (
    day            text not null,
    variant_id     text not null,
    units          bigint not null default 0,
    revenue        bigint not null default 0,
    refunded_units bigint not null default 0,
    primary key (day, variant_id)
);
-- Reports sum a range per variant: this index covers that without the table.
create index variant_daily_variant on variant_daily (variant_id, day, units, revenue, refunded_units);

create table code_daily (
    day      text not null,
    code     text not null,
    orders   bigint not null default 0,
    discount bigint not null default 0,
    revenue  bigint not null default 0,
    primary key (day, code)
);

-- The funnel: one row per visitor, step and store-local day. A visitor is a keyed hash
-- of the address and user agent with a key that changes every day (no cookie; nothing
-- is written for Sec-GPC, DNT or bots). Raw rows are purged after
-- `analytics.funnel_retention_days`; the daily counts stay.
create table funnel_events (
    day        text not null,
    step       text not null check (step in ('viewed', 'carted', 'checkout', 'paid')),
    visitor    text not null,
    created_at bigint not null,
    primary key (day, step, visitor)
);
create index funnel_events_age on funnel_events (created_at);

create table funnel_daily (
    day      text not null,
    step     text not null,
    visitors bigint not null default 0,
    primary key (day, step)
);

-- The checkout remembers its funnel visitor, so the order it becomes counts as "paid".
alter table checkouts add column visitor text;

-- The live feed (/ws/notifications): every notification, numbered by a counter row that
-- its transaction holds until commit, so numbers become visible in order and a client
-- that reconnects asks for everything after the last number it saw. Kept one day.
create table notifications (
    seq        bigint primary key,
    channel    text not null,
    data       text not null,
    created_at bigint not null
);
create index notifications_age on notifications (created_at);
insert into counters (name, value) values ('notification', 0);
