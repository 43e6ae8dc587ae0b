-- Electronic results and finding a person's dossiers by personal ID. Kept equal in effect to
-- ../postgres/0012_results_and_personal_id_lookup.sql.

-- A dossier's papers may now be its electronic result (kết quả điện tử), attached when the
-- result is marked ready, kept in the applicant's "my papers" (their data warehouse, Decree
-- 45/2020/NĐ-CP) and counted by Decision 766's digitisation indicator. SQLite cannot change a
-- check constraint in place, so the table is rebuilt with the same rows.
create table dossier_paper_new (
    dossier_id blob not null references dossier (id),
    position bigint not null,
    component text not null,
    sha256 text not null references paper_blob (sha256),
    file_name text not null,
    media_type text not null,
    size_bytes bigint not null,
    purpose text not null check (purpose in ('application', 'supplement', 'result')),
    added_at text not null,
    primary key (dossier_id, position)
);
insert into dossier_paper_new
    select dossier_id, position, component, sha256, file_name, media_type, size_bytes, purpose, added_at
    from dossier_paper;
drop table dossier_paper;
alter table dossier_paper_new rename to dossier_paper;
create index dossier_paper_sha_idx on dossier_paper (sha256);

-- The keyed hash (HMAC-SHA256) of the applicant's personal ID, in its own indexed column so an
-- officer finds a person's dossiers without any number being decrypted (Decree 13/2023/NĐ-CP,
-- Art. 26). Dossiers sealed before this column existed carry the hash in their contact JSON.
alter table dossier add column applicant_personal_id_hash text;
update dossier set applicant_personal_id_hash = json_extract(applicant_contact, '$.personal_id_hash')
    where applicant_contact like '{%"personal_id_hash"%' and json_valid(applicant_contact);
create index dossier_personal_id_hash_idx on dossier (applicant_personal_id_hash, submitted_at)
    where applicant_personal_id_hash is not null;
