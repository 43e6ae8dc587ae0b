-- The log of look-ups in the national population database (DESIGN §6, vn-domain §6.1): who asked
-- (an officer, the online portal or the system's retry), for which agency and dossier, why, what
-- came back and how long it took; counted per month and agency in the back office's report.
-- The personal identification number is personal data (Law 91/2025/QH15 on personal data
-- protection; Decree 69/2024/NĐ-CP on electronic identification): it is never stored in clear
-- here, only as a keyed hash (HMAC-SHA256, key from the configuration) to find the look-ups of
-- one person when an inspection asks, and masked (0010******45) for people to read.
-- Kept column-for-column equal to ../sqlite/0008_registry_lookups.sql (a test checks it).

create table registry_lookup (
    id uuid primary key,
    looked_up_at timestamptz not null,
    -- Year and month in Vietnam time (YYYY-MM), the report's unit.
    month text not null,
    -- An officer's account id, or 'portal' / 'system'.
    requested_by text not null,
    requester_kind text not null check (requester_kind in ('officer', 'portal', 'system')),
    agency_code text not null,
    dossier_code text,
    purpose text not null check (purpose in ('online_application', 'counter_intake', 'retry')),
    result text not null check (result in ('verified', 'mismatch', 'not_found', 'unavailable', 'timeout')),
    latency_ms bigint not null,
    personal_id_hash bytea not null,
    personal_id_masked text not null
);
create index registry_lookup_month_idx on registry_lookup (month, agency_code);
create index registry_lookup_person_idx on registry_lookup (personal_id_hash);
