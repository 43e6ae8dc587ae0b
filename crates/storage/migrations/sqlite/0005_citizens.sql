-- Citizens' accounts (tài khoản công dân): signed in with a phone number or e-mail and a password,
-- or through an OpenID Connect provider (the national portal, VNeID), with server-side sessions
-- kept only as SHA-256 hashes like officers'. A signed-in citizen owns their drafts and dossiers:
-- "my dossiers" reads dossier.applicant_account, never a guessable id.
-- Kept column-for-column equal to ../postgres/0005_citizens.sql (a test checks it).

create table citizen (
    id text primary key,
    full_name text not null,
    email text unique,
    phone text unique,
    password_hash text,
    oidc_issuer text,
    oidc_subject text,
    created_at text not null,
    disabled_at text
);
create unique index citizen_oidc_idx on citizen (oidc_issuer, oidc_subject);

create table citizen_session (
    token_hash blob primary key,
    citizen_id text not null references citizen (id),
    csrf_token text not null,
    created_at text not null,
    last_seen_at text not null,
    expires_at text not null
);
create index citizen_session_citizen_idx on citizen_session (citizen_id);

alter table application_draft add column citizen_id text references citizen (id);
create index application_draft_citizen_idx on application_draft (citizen_id, updated_at);

alter table dossier add column applicant_account text;
create index dossier_applicant_account_idx on dossier (applicant_account, submitted_at);
