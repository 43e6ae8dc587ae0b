-- Reference data: agency tree, fields, workflows, procedure catalogue, legal calendar.
-- Kept column-for-column equal to ../sqlite/0001_reference_data.sql (a test checks it).

create table app_meta (
    key text primary key,
    value text not null,
    updated_at timestamptz not null
);

create table agency (
    id uuid primary key,
    code text not null unique,
    name text not null,
    name_en text not null,
    kind text not null check (kind in ('provincial_committee', 'department', 'department_unit', 'commune')),
    parent_id uuid references agency (id),
    address text,
    phone text,
    position bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index agency_parent_idx on agency (parent_id);

create table field (
    code text primary key,
    name text not null,
    name_en text not null,
    position bigint not null
);

create table workflow (
    id uuid primary key,
    code text not null,
    version bigint not null,
    name text not null,
    name_en text not null,
    created_at timestamptz not null,
    unique (code, version)
);

create table workflow_step (
    workflow_id uuid not null references workflow (id) on delete cascade,
    position bigint not null,
    code text not null,
    name text not null,
    name_en text not null,
    role text not null check (role in ('reception', 'handling', 'leader')),
    share_percent bigint not null check (share_percent between 0 and 100),
    primary key (workflow_id, position)
);

create table procedure (
    id uuid primary key,
    code text not null unique,
    name text not null,
    name_en text not null,
    field_code text not null references field (code),
    level text not null check (level in ('province', 'commune')),
    service_mode text not null check (service_mode in ('full_online', 'partial_online', 'information_only')),
    priority boolean not null,
    duration_kind text not null check (duration_kind in ('same_day', 'working_days', 'working_hours')),
    duration_amount bigint not null check (duration_amount >= 0),
    description text not null,
    applicants text not null,
    conditions text,
    channels text not null,
    result text not null,
    workflow_code text not null,
    position bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index procedure_field_idx on procedure (field_code);

create table procedure_agency (
    procedure_id uuid not null references procedure (id) on delete cascade,
    agency_id uuid not null references agency (id),
    position bigint not null,
    primary key (procedure_id, agency_id)
);
create index procedure_agency_agency_idx on procedure_agency (agency_id);

create table procedure_step (
    procedure_id uuid not null references procedure (id) on delete cascade,
    position bigint not null,
    text text not null,
    primary key (procedure_id, position)
);

create table procedure_legal_basis (
    procedure_id uuid not null references procedure (id) on delete cascade,
    position bigint not null,
    text text not null,
    primary key (procedure_id, position)
);

create table procedure_component (
    procedure_id uuid not null references procedure (id) on delete cascade,
    position bigint not null,
    name text not null,
    form text not null check (form in ('original', 'copy', 'certified_copy_or_copy_with_original', 'original_or_certified_copy', 'show_only')),
    count bigint not null check (count >= 0),
    template text,
    required boolean not null,
    note text,
    waived_if_population_verified boolean not null,
    primary key (procedure_id, position)
);

create table procedure_fee (
    procedure_id uuid not null references procedure (id) on delete cascade,
    position bigint not null,
    name text not null,
    kind text not null check (kind in ('fixed', 'per_page', 'per_copy')),
    amount_vnd bigint not null check (amount_vnd >= 0),
    cap_vnd bigint check (cap_vnd >= 0),
    note text,
    primary key (procedure_id, position)
);

create table procedure_fee_tier (
    procedure_id uuid not null references procedure (id) on delete cascade,
    fee_position bigint not null,
    position bigint not null,
    from_unit bigint not null,
    to_unit bigint,
    amount_vnd bigint not null check (amount_vnd >= 0),
    primary key (procedure_id, fee_position, position)
);

create table procedure_fee_exemption (
    procedure_id uuid not null references procedure (id) on delete cascade,
    fee_position bigint not null,
    position bigint not null,
    text text not null,
    primary key (procedure_id, fee_position, position)
);

-- Days that differ from "Monday to Friday is a working day": holidays, compensatory days off and
-- weekend days swapped into working days. `source` tells computed defaults from the yearly
-- government decision shipped in catalog/holidays.toml and from an administrator's edit.
create table calendar_day (
    date date primary key,
    kind text not null check (kind in ('holiday', 'compensatory', 'working_day')),
    name text not null,
    name_en text not null,
    source text not null check (source in ('computed', 'official', 'admin')),
    updated_at timestamptz not null
);
