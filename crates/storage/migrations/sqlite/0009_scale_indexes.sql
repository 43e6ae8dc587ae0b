-- Indexes for the back office over a province's two years (1.2 million dossiers, issue 8).
-- Kept equal to the other tree's 0009_scale_indexes.sql.

-- The inbox pages through a unit's open dossiers in deadline order and counts them. With the
-- submission time and the id in the index, both the page's ids and the count are read from the
-- index alone; the wide rows (the state JSON) are read only for the fifty dossiers shown. It
-- replaces the narrower index of 0002, whose columns are its prefix.
drop index dossier_holder_idx;
create index dossier_holder_idx on dossier (holder_agency_code, status, due_at, submitted_at, id);

-- The look-up report counts per month, agency and result: from the index alone.
drop index registry_lookup_month_idx;
create index registry_lookup_month_idx on registry_lookup (month, agency_code, result);

-- The monthly report counts the dossiers received in a month per agency and channel, and those
-- whose processing ended in it per agency, on time or late: each from one index alone.
create index dossier_submitted_idx on dossier (submitted_at, agency_code, channel);
create index dossier_finished_idx on dossier (finished_at, agency_code, due_at);
