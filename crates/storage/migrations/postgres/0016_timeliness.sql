-- One definition of on time (issue 22). Kept equal to ../sqlite/0016_timeliness.sql but for
-- the time column's type.

-- What the domain decides of each dossier against Decision 766/QĐ-TTg indicator 2.1
-- (domain::dossier::RecordedTimeliness), so that the monthly report and the inbox's overdue
-- filter count columns instead of comparing times in SQL:
--   timeliness    'unjudged' (never accepted), 'open', or a finished verdict: 'early', 'on_time',
--                 'late'. NULL only for rows written before this migration, until the
--                 application fills them in at start-up (app::dossiers::record_missing_timeliness).
--   overdue_after for an open dossier, the last moment it is in time (NULL while its clock is
--                 stopped within the deadline, and for finished or unjudged dossiers).
alter table dossier add column timeliness text;
alter table dossier add column overdue_after timestamptz;

-- The inbox's "overdue" view: a unit's open dossiers past this moment, soonest due first.
create index dossier_overdue_idx
    on dossier (holder_agency_code, overdue_after)
    where overdue_after is not null;
-- Rows still to be filled in after an upgrade, found without reading the table.
create index dossier_timeliness_missing_idx on dossier (id) where timeliness is null;

-- The monthly report counts the recorded verdicts of the dossiers finished in a month: its
-- index holds the verdict instead of the due time it no longer reads.
drop index dossier_finished_idx;
create index dossier_finished_idx on dossier (finished_at, agency_code, timeliness);
