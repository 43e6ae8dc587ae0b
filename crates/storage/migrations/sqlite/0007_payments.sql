-- Fees as the law words them (structured exemptions, date-effective online reductions) and the
-- payment ledger: one row per payment intent, the gateway's reports kept as they came (forged
-- ones included, so an attack leaves a trace), and refunds. States only move forward; the code
-- changes a payment with a guarded update on its current status, so two callbacks racing each
-- other apply once (DESIGN §6).
-- Kept column-for-column equal to ../postgres/0007_payments.sql (a test checks it).

-- Comma-separated `domain::catalogue::ApplicantCategory` names; empty when none.
alter table procedure_fee add column exempt_categories text not null default '';

create table procedure_fee_discount (
    procedure_id blob not null references procedure (id) on delete cascade,
    fee_position bigint not null,
    position bigint not null,
    percent bigint not null check (percent between 1 and 100),
    from_day text not null,
    until_day text,
    source text not null,
    primary key (procedure_id, fee_position, position)
);

create table payment (
    -- Ours, sent to the gateway as its order reference (MaThamChieu, vnp_TxnRef).
    reference text primary key,
    dossier_code text not null references dossier (code),
    channel text not null check (channel in ('paygov', 'vnpay', 'cash', 'card_terminal')),
    amount_vnd bigint not null check (amount_vnd > 0),
    status text not null check (status in ('created', 'pending', 'failed', 'cancelled', 'paid', 'refunded')),
    -- The pay form's one-time token: a double click on "Pay" finds the first row.
    intent_token text unique,
    -- The gateway's transaction number, or the number of the paper receipt at the counter.
    gateway_transaction text,
    -- Where the payer was sent: a second click on "Pay" goes to the same gateway page.
    gateway_url text,
    bank_code text,
    refunded_vnd bigint not null default 0 check (refunded_vnd >= 0),
    -- Random key printed in the receipt's QR code: the receipt can be checked without signing in.
    receipt_key text not null,
    recorded_by text,
    created_at text not null,
    updated_at text not null,
    paid_at text
);
create index payment_dossier_idx on payment (dossier_code);
create index payment_status_idx on payment (status, created_at);
create index payment_paid_idx on payment (paid_at);

create table payment_event (
    id blob primary key,
    -- Null when the report names no payment motcua knows.
    reference text,
    channel text not null,
    -- start, callback, return, query, counter, refund.
    source text not null,
    -- applied, unchanged, bad_signature, malformed, wrong_amount, backwards, unknown_payment, error.
    verdict text not null,
    detail text not null,
    at text not null
);
create index payment_event_reference_idx on payment_event (reference, at);
create index payment_event_verdict_idx on payment_event (verdict, at);

create table payment_refund (
    refund_reference text primary key,
    payment_reference text not null references payment (reference),
    amount_vnd bigint not null check (amount_vnd > 0),
    reason text not null,
    requested_by text not null,
    accepted boolean not null,
    message text not null,
    at text not null
);
create index payment_refund_payment_idx on payment_refund (payment_reference);
