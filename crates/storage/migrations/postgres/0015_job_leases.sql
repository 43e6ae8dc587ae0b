-- Background jobs claimed with leases (issue 22), so several processes (`motcua serve` beside
-- `motcua worker`) never run the same job or take the same outbox message twice, and a process
-- that dies lets go when its lease ends. Kept equal to ../sqlite/0015_job_leases.sql.

-- A periodic job that runs in one process at a time: the process holding the lease.
create table job_lease (
    name text primary key,
    holder text not null,
    expires_at timestamptz not null
);

-- Who is working on an outbox message, until when.
alter table outbox add column leased_by text;
alter table outbox add column leased_until timestamptz;
