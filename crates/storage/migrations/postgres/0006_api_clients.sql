-- API clients (the province's specialised systems, the national public service portal) and their
-- keys. A key is 32 random bytes shown once; only its SHA-256 is kept, so a copy of the database
-- authenticates nobody (OWASP ASVS 5.0 V11.4.2, V13.3.1). The prefix lets people tell keys apart
-- in lists and revoke one from the command line without ever seeing the secret again.
-- Kept column-for-column equal to ../sqlite/0006_api_clients.sql (a test checks it).

create table api_client (
    id uuid primary key,
    name text not null,
    -- The unit the client acts for; null for a province-wide client such as the national portal.
    agency_code text references agency (code),
    created_by text not null,
    created_at timestamptz not null,
    revoked_at timestamptz
);

create table api_key (
    id uuid primary key,
    client_id uuid not null references api_client (id),
    prefix text not null unique,
    secret_hash bytea not null unique,
    -- Comma-separated scope names (`domain::access::Scope::as_str`).
    scopes text not null,
    created_at timestamptz not null,
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz
);
create index api_key_client_idx on api_key (client_id);
