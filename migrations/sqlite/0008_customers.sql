-- Customers in the back office (issue 14): staff notes and tags, erasure, a log of the
-- mails sent (for a customer's timeline). The same statements on both engines.

-- Tags staff give a customer (space-separated words), and when the person was erased
-- (personal data scrubbed; orders kept for the books).
alter table users add column tags text not null default '';
alter table users add column erased_at bigint;

-- Notes staff keep on a customer; the author's email as it was.
create table customer_notes (
    id            text primary key,
    user_id       text not null,
    author_id     text,
    author_email  text not null,
    body          text not null,
    created_at    bigint not null
);
create index customer_notes_user on customer_notes (user_id, created_at);

-- Every mail handed to the transport: to whom, what, when (the job's id). The body is not
-- kept: it can hold single-use links.
create table mail_log (
    id          text primary key,
    to_address  text not null,
    subject     text not null,
    sent_at     bigint not null
);
create index mail_log_to on mail_log (to_address, sent_at);
