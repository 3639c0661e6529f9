-- Returns (issue 14): a customer (or a guest through the order link) asks to send lines
-- of a delivered order back; staff approve or refuse, mark the parcel received, choose
-- per line whether it goes back on the shelf, and refund through the provider. The same
-- statements on both engines.
create table returns (
    id              text primary key,
    order_id        text not null references orders (id),
    status          text not null default 'requested'
                    check (status in ('requested', 'approved', 'refused', 'received', 'refunded')),
    customer_note   text not null default '',
    staff_message   text not null default '',
    -- What was refunded for it (minor units), and the refund row it went out as.
    refund_amount   bigint not null default 0,
    refund_id       text,
    requested_by    text,
    version         bigint not null default 1,
    created_at      bigint not null,
    updated_at      bigint not null
);
create index returns_order on returns (order_id);
create index returns_status on returns (status, created_at);

-- The lines asked for: which order line (`position`), how many, why, and whether staff
-- put them back in stock when the parcel came.
create table return_lines (
    return_id   text not null references returns (id) on delete cascade,
    position    bigint not null,
    quantity    bigint not null check (quantity > 0),
    reason      text not null,
    restocked   bigint not null default 0,
    primary key (return_id, position)
);
