-- The applicant's rating of a finished dossier (issue 25, item 1): one row per dossier, changed
-- in place while the rating may still be changed (domain::rating::CHANGE_DAYS). Kept equal to
-- ../postgres/0019_ratings.sql but for the column types.
--
-- Each criterion of Decree 61/2018/NĐ-CP Art. 32.1 has its own column of points (0, 1 or 2;
-- NULL where it does not apply), so reports sum and count them in SQL. The row names the
-- dossier (one rating each) but reports only ever read it grouped, with at least five ratings
-- per figure (domain::rating::MIN_RATINGS_SHOWN), never with the dossier or its applicant.
create table dossier_rating (
    dossier_id blob primary key references dossier (id),
    -- Copied from the dossier when first rated, so the figures need no join.
    agency_code text not null,
    procedure_code text not null,
    -- The handling officer, for per-officer figures; NULL when none was assigned.
    officer_id text,
    -- Through which door it was given.
    source text not null check (source in ('tracking', 'account', 'notice', 'kiosk')),
    level text not null check (level in ('satisfied', 'acceptable', 'not_satisfied')),
    total_time integer check (total_time between 0 and 2),
    each_part_time integer check (each_part_time between 0 and 2),
    contacts integer check (contacts between 0 and 2),
    agencies_contacted integer check (agencies_contacted between 0 and 2),
    one_stop integer check (one_stop between 0 and 2),
    disclosure integer check (disclosure between 0 and 2),
    conduct integer check (conduct between 0 and 2),
    feedback_handling integer check (feedback_handling between 0 and 2),
    online_service integer check (online_service between 0 and 2),
    -- The applicant's own answers (domain::rating::Answers as JSON), shown again when they
    -- change the rating.
    answers text not null,
    -- When processing of the dossier ended (its finished_at): the figures of a period count the
    -- ratings of the dossiers that ended in it, as the monthly report counts the dossiers.
    ended_at text not null,
    first_given_at text not null,
    changed_at text not null,
    changes integer not null
);
create index dossier_rating_period_idx on dossier_rating (ended_at, agency_code);
