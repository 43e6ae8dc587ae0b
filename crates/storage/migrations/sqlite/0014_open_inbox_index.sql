-- The officers' inbox over a province's years (issue 8). Kept equal to
-- ../postgres/0014_open_inbox_index.sql.

-- A unit's open dossiers in the inbox's order (due first, soonest first; those not yet accepted,
-- without a due time, last and oldest first). dossier_holder_idx of 0009 finds them but holds
-- them by status, so every page sorted all of the unit's open dossiers to show fifty: at 1.2
-- million dossiers and 15,000 open in one commune, most of a page's time. Here a page reads its
-- fifty entries in order and the count reads only open entries. The statuses must stay literal
-- and in this order: storage::inbox writes the same condition, so that both planners see the
-- query's condition is the index's (a test compares them).
create index dossier_open_queue_idx
    on dossier (holder_agency_code, (due_at is null), due_at, submitted_at, id)
    where status in ('submitted', 'accepted', 'processing', 'supplement_requested', 'awaiting_fees', 'result_ready', 'transferred');
