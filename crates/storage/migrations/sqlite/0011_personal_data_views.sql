-- Every time an officer unmasks an applicant's personal ID: who, which dossier, why, when
-- (Law 91/2025/QH15; Decree 13/2023/NĐ-CP, Art. 27: the processing of personal data is logged).
-- Nothing here holds the number itself. Kept equal to ../postgres/0011_personal_data_views.sql.

create table personal_data_view (
    id text primary key,
    officer_id text not null references officer (id),
    dossier_code text not null,
    reason text not null,
    viewed_at text not null
);
create index personal_data_view_dossier_idx on personal_data_view (dossier_code, viewed_at);
