-- Back office (issue 14): staff roles as sets of permissions, and the audit log.
-- The same statements on both engines but for the audit log's append-only triggers.

-- Named roles. `owner` is the `admin` account kind and always holds every permission
-- (the row is here to be listed); the others may be edited, and admins may add roles.
-- `permissions` is a space-separated list of `accounts::permissions::Permission` words.
create table staff_roles (
    key          text primary key,
    name         text not null,
    description  text not null default '',
    permissions  text not null default '',
    built_in     bigint not null default 0,
    version      bigint not null default 1,
    created_at   bigint not null,
    updated_at   bigint not null
);
insert into staff_roles (key, name, description, permissions, built_in, created_at, updated_at) values
    ('owner', 'Owner', 'Everything, including the team and its roles',
     'catalog.write orders.read orders.fulfil orders.refund inventory.adjust customers.read customers.write customers.erase discounts.manage settings.manage staff.manage analytics.read audit.read',
     1, 0, 0),
    ('manager', 'Manager', 'Runs the shop day to day: everything but the team and the settings',
     'catalog.write orders.read orders.fulfil orders.refund inventory.adjust customers.read customers.write discounts.manage analytics.read audit.read',
     1, 0, 0),
    ('fulfilment', 'Fulfilment', 'Packs and ships orders and keeps stock right',
     'orders.read orders.fulfil inventory.adjust', 1, 0, 0),
    ('support', 'Support', 'Answers customers: their orders and accounts',
     'orders.read customers.read customers.write', 1, 0, 0),
    ('catalog', 'Catalog editor', 'Products, categories, pictures and stock',
     'catalog.write inventory.adjust', 1, 0, 0);

-- A staff account's role; owners (`role = 'admin'`) are 'owner'. Existing staff could do
-- everything but the team, so they become managers (who must now turn on two-factor).
alter table users add column staff_role text;
update users set staff_role = 'owner' where role = 'admin';
update users set staff_role = 'manager' where role = 'staff';

-- Every staff action: who, when, from where, what, and the fields before and after (JSON).
-- Written in the transaction of the change. Never updated; a row may only be deleted once
-- it is older than 30 days (the retention job's floor), which the triggers enforce.
create table audit_log (
    id           text primary key,
    at           bigint not null,
    actor_id     text,
    actor_email  text not null default '',
    ip           text not null default '',
    request_id   text not null default '',
    action       text not null,
    entity       text not null,
    entity_id    text not null default '',
    summary      text not null default '',
    before_json  text,
    after_json   text
);
create index audit_log_at on audit_log (at);
create index audit_log_entity on audit_log (entity, entity_id, at);
create index audit_log_actor on audit_log (actor_id, at);
create index audit_log_action on audit_log (action, at);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        raise exception 'the audit log is append-only';
    end if;
    if old.at > (extract(epoch from now())::bigint - 30 * 86400) * 1000 then
        raise exception 'audit rows are kept at least 30 days';
    end if;
    return old;
end;
$$;
create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only();
