-- Webhooks for connected systems (issue 23, item 4): an API client whose key carries the
-- `receive_events` scope registers endpoints, and each change of a dossier of its unit becomes
-- one delivery per endpoint on the outbox's delivery table, signed as the Standard Webhooks
-- specification describes. Kept equal to ../sqlite/0018_webhooks.sql but for the id and time
-- columns' types and the way the channel's check is widened.

create table webhook_endpoint (
    id uuid primary key,
    client_id uuid not null references api_client (id),
    -- Where the events are POSTed; checked against server-side request forgery when registered
    -- and again at every send.
    url text not null,
    -- Comma-separated dossier change kinds (`domain::dossier::Change::kind`); empty for all.
    events text not null,
    -- The signing secret ("whsec_…"), sealed with the personal-data key so a copy of the
    -- database alone cannot forge the province's events.
    secret text not null,
    created_by text not null,
    created_at timestamptz not null,
    -- Removed by the client or an administrator, or after the receiver answered 410 Gone.
    disabled_at timestamptz,
    disabled_by text
);
create index webhook_endpoint_client_idx on webhook_endpoint (client_id);

-- A delivery's channel may now be a connected system's endpoint; its recipient is then the
-- endpoint's id.
alter table delivery drop constraint delivery_channel_check;
alter table delivery add constraint delivery_channel_check
    check (channel in ('email', 'sms', 'webhook'));
-- What the receiver answered to the last attempt (a webhook's HTTP status and the start of its
-- body), shown to the client and the administrators beside each delivery.
alter table delivery add column response_status integer;
alter table delivery add column response_body text;
