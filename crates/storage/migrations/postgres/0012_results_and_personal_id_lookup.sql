-- Electronic results and finding a person's dossiers by personal ID. Kept equal in effect to
-- ../sqlite/0012_results_and_personal_id_lookup.sql (which rebuilds the paper table, as SQLite
-- cannot change a check constraint in place).

-- A dossier's papers may now be its electronic result (kết quả điện tử), attached when the
-- result is marked ready, kept in the applicant's "my papers" (their data warehouse, Decree
-- 45/2020/NĐ-CP) and counted by Decision 766's digitisation indicator.
alter table dossier_paper drop constraint dossier_paper_purpose_check;
alter table dossier_paper add constraint dossier_paper_purpose_check
    check (purpose in ('application', 'supplement', 'result'));

-- The keyed hash (HMAC-SHA256) of the applicant's personal ID, in its own indexed column so an
-- officer finds a person's dossiers without any number being decrypted (Decree 13/2023/NĐ-CP,
-- Art. 26). Dossiers sealed before this column existed carry the hash in their contact JSON.
alter table dossier add column applicant_personal_id_hash text;
-- Read with a pattern rather than a cast to jsonb, so a contact that is not JSON (a counter's
-- plain line) can never fail the migration; SQLite checks json_valid for the same reason.
update dossier set applicant_personal_id_hash =
        substring(applicant_contact from '"personal_id_hash":"([0-9a-f]{64})"')
    where applicant_contact like '{%"personal_id_hash"%';
create index dossier_personal_id_hash_idx on dossier (applicant_personal_id_hash, submitted_at)
    where applicant_personal_id_hash is not null;
