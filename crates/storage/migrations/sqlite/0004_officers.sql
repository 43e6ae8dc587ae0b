-- Officers of the agency tree and their signed-in sessions. One role per account for now; the
-- accounts issue widens this to roles per unit. Session tokens are kept only as SHA-256 hashes,
-- so a copy of the database signs nobody in.
-- Kept column-for-column equal to ../postgres/0004_officers.sql (a test checks it).

create table officer (
    id text primary key,
    username text not null unique,
    full_name text not null,
    agency_code text not null references agency (code),
    role text not null check (role in ('reception', 'handling', 'leader', 'unit_admin', 'auditor')),
    password_hash text not null,
    disabled_at text,
    created_at text not null
);
create index officer_agency_idx on officer (agency_code, role);

create table officer_session (
    token_hash blob primary key,
    officer_id text not null references officer (id),
    csrf_token text not null,
    created_at text not null,
    last_seen_at text not null,
    expires_at text not null
);
create index officer_session_officer_idx on officer_session (officer_id);
