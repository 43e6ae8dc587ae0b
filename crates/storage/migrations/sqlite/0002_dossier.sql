-- The dossier: an append-only, hash-chained event log per dossier, the projection of its current
-- state, the per-agency daily counter behind dossier codes, idempotency records, the outbox for
-- integrations and notifications, and checkpoints over the whole log.
-- Kept column-for-column equal to ../postgres/0002_dossier.sql (a test checks it).

create table dossier (
    id blob primary key,
    code text not null unique,
    procedure_code text not null,
    agency_code text not null references agency (code),
    holder_agency_code text not null references agency (code),
    assigned_officer text,
    channel text not null check (channel in ('counter', 'online', 'post')),
    status text not null,
    applicant_name text not null,
    applicant_contact text,
    -- Last four digits of the applicant's phone and personal ID: public tracking asks for one.
    applicant_phone_last4 text,
    applicant_id_last4 text,
    submitted_at text not null,
    received_at text,
    due_at text,
    finished_at text,
    supplement_count bigint not null,
    state text not null,
    event_count bigint not null,
    head_hash blob not null,
    created_at text not null,
    updated_at text not null
);
create index dossier_holder_idx on dossier (holder_agency_code, status, due_at);
create index dossier_officer_idx on dossier (assigned_officer, status, due_at);
create index dossier_agency_received_idx on dossier (agency_code, received_at);

create table dossier_event (
    dossier_id blob not null references dossier (id),
    seq bigint not null,
    kind text not null,
    actor text not null,
    payload text not null,
    recorded_at text not null,
    prev_hash blob not null,
    hash blob not null,
    primary key (dossier_id, seq)
);

create table dossier_code_counter (
    agency_code text not null,
    day text not null,
    last_value bigint not null,
    primary key (agency_code, day)
);

create table idempotency_record (
    scope text not null,
    key text not null,
    request_hash blob not null,
    response_status bigint not null,
    response_body text not null,
    created_at text not null,
    primary key (scope, key)
);

create table outbox (
    id blob primary key,
    topic text not null,
    dossier_id blob,
    payload text not null,
    created_at text not null,
    available_at text not null,
    attempts bigint not null,
    delivered_at text
);
create index outbox_pending_idx on outbox (delivered_at, available_at);

create table audit_checkpoint (
    seq bigint primary key,
    created_at text not null,
    watermark text not null,
    dossier_count bigint not null,
    event_count bigint not null,
    digest blob not null,
    prev_hash blob not null,
    hash blob not null
);
