-- The catalog (issue 4). Times are unix milliseconds; flags are 0/1 bigints; money is an
-- integer number of minor units. The tables are identical on both engines except for
-- full-text search: here a tsvector column with a GIN index, on SQLite an FTS5 table (see
-- app/src/db/search.rs, the one place that writes and queries either).

create table categories (
    id          text primary key,
    parent_id   text references categories (id) on delete restrict,
    slug        text not null unique,
    name        text not null,
    description text not null default '',
    image       text,
    position    bigint not null default 0,
    featured    bigint not null default 0,
    created_at  bigint not null,
    updated_at  bigint not null
);
create index categories_parent on categories (parent_id, position);

create table products (
    id               text primary key,
    slug             text not null unique,
    name             text not null,
    description      text not null default '',
    description_html text not null default '',
    status           text not null default 'draft'
                     check (status in ('draft', 'active', 'archived')),
    category_id      text references categories (id) on delete set null,
    featured         bigint not null default 0,
    seo_title        text not null default '',
    seo_description  text not null default '',
    currency         text not null default 'USD',
    -- Kept by the service in the same transaction as the variants, for sorting and cards.
    price_min        bigint not null default 0,
    price_max        bigint not null default 0,
    search           tsvector,
    created_at       bigint not null,
    updated_at       bigint not null
);
create index products_status_created on products (status, created_at);
create index products_status_price on products (status, price_min);
create index products_status_name on products (status, name);
create index products_category on products (category_id, status);

-- Up to three options per product (Size, Colour, …), in order.
create table product_options (
    product_id text not null references products (id) on delete cascade,
    position   bigint not null check (position between 1 and 3),
    name       text not null,
    primary key (product_id, position)
);

create table variants (
    id               text primary key,
    product_id       text not null references products (id) on delete cascade,
    position         bigint not null default 0,
    sku              text not null unique,
    option1          text,
    option2          text,
    option3          text,
    price            bigint not null check (price >= 0),
    compare_at_price bigint check (compare_at_price is null or compare_at_price >= 0),
    stock            bigint not null default 0,
    weight_grams     bigint not null default 0,
    barcode          text not null default '',
    image_id         text,
    created_at       bigint not null,
    updated_at       bigint not null
);
create index variants_product on variants (product_id, position);

-- `key` names the stored files: `catalog/<key>-<width>.jpg` for each width in `widths`.
create table product_images (
    id         text primary key,
    product_id text not null references products (id) on delete cascade,
    position   bigint not null default 0,
    key        text not null,
    alt        text not null default '',
    width      bigint not null,
    height     bigint not null,
    widths     text not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index product_images_product on product_images (product_id, position);

create index products_search on products using gin (search);

-- CSV imports: progress and the per-row report, read by the page that polls it.
create table catalog_imports (
    id         text primary key,
    user_id    text not null,
    status     text not null default 'pending'
               check (status in ('pending', 'running', 'done', 'failed')),
    total_rows bigint not null default 0,
    done_rows  bigint not null default 0,
    imported   bigint not null default 0,
    errors     text not null default '[]',
    created_at bigint not null,
    updated_at bigint not null
);
