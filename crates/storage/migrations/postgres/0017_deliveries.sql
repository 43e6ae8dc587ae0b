-- Delivery of the outbox (issue 23): each outbox message becomes zero or more deliveries, one per
-- destination (an applicant's e-mail address or phone, later a connected system's endpoint),
-- written in the transaction that closes the message, so a crash between the two neither loses
-- nor doubles a notice. Kept equal to ../sqlite/0017_deliveries.sql but for the id and time
-- columns' types.

create table delivery (
    -- Also the id the receiver sees (Message-ID, the SMS gateway's RequestId), so a message sent
    -- twice after a crash is recognised as one.
    id uuid primary key,
    -- The outbox message it came from (kept after the message is pruned).
    message_id uuid not null,
    -- The dossier it is about; NULL for messages about no dossier (digests).
    dossier_id uuid,
    -- 'email' or 'sms'.
    channel text not null check (channel in ('email', 'sms')),
    -- The address or phone number it goes to.
    recipient text not null,
    -- What it says, as a stable name ('received', 'accepted', 'papers_requested', ...).
    notice text not null,
    -- 'vi' or 'en'.
    lang text not null check (lang in ('vi', 'en')),
    subject text not null,
    body text not null,
    html text,
    -- 'pending' until handed over ('delivered') or given up ('dead').
    status text not null check (status in ('pending', 'delivered', 'dead')),
    -- Failed attempts so far, and what the last one said.
    attempts bigint not null,
    last_error text,
    created_at timestamptz not null,
    -- When the next attempt may start, and when to stop trying.
    next_attempt_at timestamptz not null,
    give_up_at timestamptz not null,
    leased_by text,
    leased_until timestamptz,
    delivered_at timestamptz,
    dead_at timestamptz,
    -- The operator who put a dead delivery back in the queue, and when (an audit of retries).
    retried_by text,
    retried_at timestamptz
);
-- The deliverer's queue: pending deliveries by due time.
create index delivery_pending_idx on delivery (status, next_attempt_at);
-- A dossier's notices on its pages, and the order rule (a pending delivery from an earlier
-- outbox message of the same dossier and channel goes first).
create index delivery_dossier_idx on delivery (dossier_id, channel, status, message_id, id);
-- The operators' lists, newest first, by state.
create index delivery_status_idx on delivery (status, id);
-- Leases held, read when a process starts (jobs::release_dead_holders).
create index delivery_leased_idx on delivery (leased_by) where leased_by is not null;
create index outbox_leased_idx on outbox (leased_by) where leased_by is not null;
-- A consumer's queue: its topic's messages still to consume, oldest first. Without it, each
-- claim of one topic read past the pending messages of every other (the national portal's
-- sync has no consumer yet and only grows).
create index outbox_topic_pending_idx on outbox (topic, available_at, id) where delivered_at is null;
-- What one address was sent lately (an officer's digest goes once a day).
create index delivery_recipient_idx on delivery (recipient, notice, created_at);

-- Pruning finds delivered outbox messages by age without reading the pending ones.
create index outbox_delivered_idx on outbox (delivered_at) where delivered_at is not null;

-- How a citizen with an account wants to be told (Decree 45/2020/NĐ-CP, Art. 16: the portal
-- informs online applicants by e-mail, SMS or on the portal): each channel on or off, and the
-- language of the messages.
alter table citizen add column notify_email boolean not null default true;
alter table citizen add column notify_sms boolean not null default true;
alter table citizen add column notify_lang text not null default 'vi' check (notify_lang in ('vi', 'en'));

-- Where an officer receives the morning digest of dossiers due today, due soon and overdue
-- (NULL: no digest). Set by the officer on the back office's alerts page.
alter table officer add column email text;
