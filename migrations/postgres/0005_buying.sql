-- Buying (issue 5): inventory, carts, checkout settings, checkouts, payments, orders.
-- Times are unix milliseconds; money is integer minor units; flags are 0/1 bigints.
-- The file is the same on both engines but for the ledger's append-only triggers.

-- Inventory. `stock` (issue 4) is the count on hand; `reserved` is held by checkouts
-- that are paying. The CHECK is the last line against overselling: every decrement is a
-- conditional update, and a write that would break it fails instead of going negative.
alter table variants add column reserved bigint not null default 0
    check (reserved >= 0 and reserved <= stock);
alter table variants add column low_stock_threshold bigint not null default 0
    check (low_stock_threshold >= 0);

-- Every change of on-hand stock, with its reason. Never updated or deleted (triggers).
create table inventory_ledger (
    id            text primary key,
    variant_id    text not null,
    sku           text not null,
    delta         bigint not null,
    on_hand_after bigint not null,
    reason        text not null
                  check (reason in ('received', 'damaged', 'correction', 'initial', 'edit', 'sale', 'restock')),
    note          text not null default '',
    actor         text,
    order_id      text,
    created_at    bigint not null
);
create index inventory_ledger_variant on inventory_ledger (variant_id, created_at);

-- A cart per signed-in customer (user_id) or per guest session (user_id null; the
-- session keeps the cart's id).
create table carts (
    id         text primary key,
    user_id    text unique references users (id) on delete cascade,
    created_at bigint not null,
    updated_at bigint not null
);
create table cart_lines (
    cart_id    text not null references carts (id) on delete cascade,
    variant_id text not null references variants (id) on delete cascade,
    quantity   bigint not null check (quantity between 1 and 99),
    added_at   bigint not null,
    primary key (cart_id, variant_id)
);

-- Shipping rates per country ('*' = everywhere else): base + per started kilogram
-- (per_kg = 0 is a flat rate).
create table shipping_rates (
    id          text primary key,
    name        text not null,
    country     text not null,
    base_amount bigint not null check (base_amount >= 0),
    per_kg      bigint not null default 0 check (per_kg >= 0),
    position    bigint not null default 0,
    created_at  bigint not null,
    updated_at  bigint not null
);
create index shipping_rates_country on shipping_rates (country, position);

-- Tax per country, optionally per region ('' = the whole country); basis points.
create table tax_rates (
    id         text primary key,
    name       text not null,
    country    text not null,
    region     text not null default '',
    rate_bp    bigint not null check (rate_bp between 0 and 10000),
    inclusive  bigint not null default 0,
    created_at bigint not null,
    updated_at bigint not null,
    unique (country, region)
);

create table discounts (
    id                 text primary key,
    code               text not null unique,
    kind               text not null check (kind in ('percent', 'fixed')),
    value              bigint not null check (value > 0),
    min_subtotal       bigint not null default 0,
    usage_limit        bigint,
    per_customer_limit bigint,
    used_count         bigint not null default 0
                       check (used_count >= 0 and (usage_limit is null or used_count <= usage_limit)),
    starts_at          bigint,
    ends_at            bigint,
    active             bigint not null default 1,
    created_at         bigint not null,
    updated_at         bigint not null
);
-- Uses per customer (email, lower-cased), counted by conditional updates like used_count.
create table discount_customer_uses (
    discount_id text not null references discounts (id) on delete cascade,
    customer    text not null,
    uses        bigint not null default 0 check (uses >= 0),
    primary key (discount_id, customer)
);

-- A checkout: the draft the shopper fills in (contact, address, shipping, code). The
-- totals are recomputed from the cart on every read; nothing here is trusted at payment.
create table checkouts (
    id               text primary key,
    cart_id          text not null,
    user_id          text,
    email            text not null default '',
    address          text not null default '',
    shipping_rate_id text,
    discount_code    text,
    status           text not null default 'open' check (status in ('open', 'completed')),
    created_at       bigint not null,
    updated_at       bigint not null
);
create index checkouts_cart on checkouts (cart_id, status);

-- One payment per attempt at paying a checkout: the frozen snapshot of what is being
-- bought (lines, address, totals) and, while 'pending' and `held` = 1, the stock and the
-- discount use it holds until `expires_at`. `reference` is the provider's id
-- (PaymentIntent id), known once the provider answered.
create table payments (
    id               text primary key,
    checkout_id      text not null references checkouts (id),
    provider         text not null,
    reference        text,
    status           text not null default 'pending'
                     check (status in ('pending', 'succeeded', 'failed', 'expired')),
    held             bigint not null default 1,
    user_id          text,
    email            text not null,
    address          text not null,
    shipping_name    text not null,
    discount_id      text,
    discount_code    text,
    discount_customer text,
    currency         text not null,
    subtotal         bigint not null,
    discount         bigint not null,
    shipping         bigint not null,
    tax              bigint not null,
    total            bigint not null check (total >= 0),
    tax_inclusive    bigint not null,
    client_secret    text,
    last_error       text,
    expires_at       bigint not null,
    created_at       bigint not null,
    updated_at       bigint not null,
    unique (provider, reference)
);
create index payments_checkout on payments (checkout_id);
create index payments_held on payments (held, expires_at);

create table payment_lines (
    payment_id    text not null references payments (id) on delete cascade,
    position      bigint not null,
    variant_id    text not null,
    product_name  text not null,
    variant_title text not null,
    sku           text not null,
    unit_price    bigint not null,
    quantity      bigint not null check (quantity > 0),
    primary key (payment_id, position)
);

-- Friendly, gap-free-enough order numbers.
create table counters (
    name  text primary key,
    value bigint not null
);
insert into counters (name, value) values ('order_number', 1000);

-- Exactly one order per payment: payment_id is unique, and the one transition that
-- writes an order (orders::transition) runs on the payment's conditional status update.
create table orders (
    id               text primary key,
    number           bigint not null unique,
    payment_id       text not null unique references payments (id),
    checkout_id      text not null references checkouts (id),
    user_id          text,
    email            text not null,
    status           text not null default 'paid'
                     check (status in ('paid', 'fulfilled', 'delivered', 'cancelled')),
    payment_status   text not null default 'paid'
                     check (payment_status in ('paid', 'partially_refunded', 'refunded')),
    currency         text not null,
    subtotal         bigint not null,
    discount         bigint not null,
    shipping         bigint not null,
    tax              bigint not null,
    total            bigint not null,
    tax_inclusive    bigint not null,
    captured         bigint not null check (captured >= 0),
    refunded         bigint not null default 0 check (refunded >= 0 and refunded <= captured),
    address          text not null,
    shipping_name    text not null,
    discount_code    text,
    carrier          text,
    tracking_number  text,
    stock_short      bigint not null default 0,
    created_at       bigint not null,
    updated_at       bigint not null
);
create index orders_user on orders (user_id, created_at);
create index orders_created on orders (created_at);
create index orders_status on orders (status, created_at);
create index orders_email on orders (email);

create table order_lines (
    order_id      text not null references orders (id) on delete cascade,
    position      bigint not null,
    variant_id    text not null,
    product_name  text not null,
    variant_title text not null,
    sku           text not null,
    unit_price    bigint not null,
    quantity      bigint not null,
    primary key (order_id, position)
);

-- The timeline staff read: every change of an order, in order.
create table order_events (
    id         text primary key,
    order_id   text not null references orders (id) on delete cascade,
    kind       text not null,
    message    text not null,
    actor      text,
    created_at bigint not null
);
create index order_events_order on order_events (order_id, created_at);

create table refunds (
    id              text primary key,
    order_id        text not null references orders (id),
    amount          bigint not null check (amount > 0),
    reason          text not null default '',
    status          text not null check (status in ('pending', 'succeeded', 'failed')),
    reference       text,
    actor           text,
    created_at      bigint not null,
    updated_at      bigint not null
);
create index refunds_order on refunds (order_id);

-- Provider events already handled (Stripe redelivers them, newly signed each time).
create table webhook_events (
    id          text primary key,
    kind        text not null,
    received_at bigint not null
);

-- Signatures seen in the last minutes: the same signed request sent again is a replay
-- (Stripe's own redeliveries carry a new timestamp and so a new signature).
create table webhook_deliveries (
    signature   text primary key,
    received_at bigint not null
);
create index webhook_deliveries_age on webhook_deliveries (received_at);

create function inventory_ledger_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the inventory ledger is append-only';
end;
$$;
create trigger inventory_ledger_no_change before update or delete on inventory_ledger
    for each row execute function inventory_ledger_append_only();
