-- Online applications: drafts a citizen fills in one question per page, the content-addressed
-- papers they upload (one row per distinct content; the bytes live in the attachment store under
-- their SHA-256), and which papers belong to which dossier, written in the same transaction as
-- the dossier or the supplement they came with.
-- Kept column-for-column equal to ../sqlite/0003_applications.sql (a test checks it).

create table paper_blob (
    sha256 text primary key,
    media_type text not null,
    size_bytes bigint not null,
    created_at timestamptz not null
);

create table application_draft (
    id uuid primary key,
    procedure_code text not null,
    answers text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    submitted_code text
);

create table dossier_paper (
    dossier_id uuid not null references dossier (id),
    position bigint not null,
    component text not null,
    sha256 text not null references paper_blob (sha256),
    file_name text not null,
    media_type text not null,
    size_bytes bigint not null,
    purpose text not null check (purpose in ('application', 'supplement')),
    added_at timestamptz not null,
    primary key (dossier_id, position)
);
create index dossier_paper_sha_idx on dossier_paper (sha256);
