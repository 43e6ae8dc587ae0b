-- Webhooks for connected systems (issue 23, item 4): an API client whose key carries the
-- `receive_events` scope registers endpoints, and each change of a dossier of its unit becomes
-- one delivery per endpoint on the outbox's delivery table, signed as the Standard Webhooks
-- specification describes. Kept equal to ../postgres/0018_webhooks.sql but for the time
-- columns' type and the way the channel's check is widened.

create table webhook_endpoint (
    id blob primary key,
    client_id blob not null references api_client (id),
    -- Where the events are POSTed; checked against server-side request forgery when registered
    -- and again at every send.
    url text not null,
    -- Comma-separated dossier change kinds (`domain::dossier::Change::kind`); empty for all.
    events text not null,
    -- The signing secret ("whsec_…"), sealed with the personal-data key so a copy of the
    -- database alone cannot forge the province's events.
    secret text not null,
    created_by text not null,
    created_at text not null,
    -- Removed by the client or an administrator, or after the receiver answered 410 Gone.
    disabled_at text,
    disabled_by text
);
create index webhook_endpoint_client_idx on webhook_endpoint (client_id);

-- A delivery's channel may now be a connected system's endpoint; its recipient is then the
-- endpoint's id. SQLite cannot change a check constraint in place, so the table is rebuilt with
-- the same rows, and with the two columns of the receiver's answer to the last attempt (a
-- webhook's HTTP status and the start of its body).
create table delivery_new (
    id blob primary key,
    message_id blob not null,
    dossier_id blob,
    channel text not null check (channel in ('email', 'sms', 'webhook')),
    recipient text not null,
    notice text not null,
    lang text not null check (lang in ('vi', 'en')),
    subject text not null,
    body text not null,
    html text,
    status text not null check (status in ('pending', 'delivered', 'dead')),
    attempts bigint not null,
    last_error text,
    created_at text not null,
    next_attempt_at text not null,
    give_up_at text not null,
    leased_by text,
    leased_until text,
    delivered_at text,
    dead_at text,
    retried_by text,
    retried_at text,
    response_status integer,
    response_body text
);
insert into delivery_new
    select id, message_id, dossier_id, channel, recipient, notice, lang, subject, body, html,
        status, attempts, last_error, created_at, next_attempt_at, give_up_at, leased_by,
        leased_until, delivered_at, dead_at, retried_by, retried_at, null, null
    from delivery;
drop table delivery;
alter table delivery_new rename to delivery;
create index delivery_pending_idx on delivery (status, next_attempt_at);
create index delivery_dossier_idx on delivery (dossier_id, channel, status, message_id, id);
create index delivery_status_idx on delivery (status, id);
create index delivery_leased_idx on delivery (leased_by) where leased_by is not null;
create index delivery_recipient_idx on delivery (recipient, notice, created_at);
