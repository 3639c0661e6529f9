-- Editable checkout rules (issue 14): rates can be switched off without being deleted, and
-- a discount code can be limited to products or categories (space-separated ids; empty:
-- the whole cart). Orders keep their own amounts, so no change here alters one placed.
-- The same statements on both engines.
alter table shipping_rates add column active bigint not null default 1;
alter table tax_rates add column active bigint not null default 1;
alter table discounts add column product_ids text not null default '';
alter table discounts add column category_ids text not null default '';
