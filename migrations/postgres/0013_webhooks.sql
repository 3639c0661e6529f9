-- Outgoing webhooks (issue 16), Standard Webhooks signatures. The same statements on
-- both engines.
--
-- An endpoint keeps its signing secret (`whsec_…`) in the clear: signing needs it, as
-- Stripe's and Svix's endpoints do. The outbox holds one row per message to one endpoint
-- (incoming Stripe events are `webhook_events`/`webhook_deliveries`); its id is
-- the `webhook-id` header, kept across retries so receivers can drop duplicates. The job
-- queue is its timer: one job per attempt, the schedule in `next_attempt_at`.
create table webhook_endpoints (
    id              text primary key,
    url             text not null,
    description     text not null default '',
    events          text not null,
    secret          text not null,
    enabled         bigint not null default 1,
    disabled_reason text,
    created_by      text,
    created_at      bigint not null,
    updated_at      bigint not null
);

create table webhook_outbox (
    id               text primary key,
    endpoint_id      text not null,
    event            text not null,
    body             text not null,
    status           text not null,
    attempts         bigint not null default 0,
    next_attempt_at  bigint,
    response_status  bigint,
    response_excerpt text not null default '',
    last_error       text,
    created_at       bigint not null,
    updated_at       bigint not null,
    delivered_at     bigint
);
create index webhook_outbox_endpoint on webhook_outbox (endpoint_id, created_at);
create index webhook_outbox_created on webhook_outbox (created_at);
