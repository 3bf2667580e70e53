-- The inline chip-state projection: one row per chip stream, written in the append's transaction.
-- It is the write side's snapshot (history rebuilds the full ChipState) and the table chip search reads.
create table {schema}.chip_state (
    chip_id                  text        primary key,
    version                  bigint      not null,
    last_seq_id              bigint      not null,
    stage                    text        not null,
    model_id                 text,
    manufacturer_id          text,
    lot_id                   text,
    owner_id                 text,
    custodian_id             text,
    location_country         text,
    facility_id              text,
    cluster_id               text,
    assembly_id              text,
    on_hold                  boolean     not null,
    illegitimate             boolean     not null,
    observations             int         not null,
    conflicting_observations int         not null,
    -- every event of the stream, voids included, as [{"type": stored name, "data": event}]: folding it gives the state
    history                  jsonb       not null
);

create index chip_state_owner_idx    on {schema}.chip_state (owner_id);
create index chip_state_custodian_idx on {schema}.chip_state (custodian_id);
create index chip_state_facility_idx on {schema}.chip_state (facility_id) where facility_id is not null;
create index chip_state_model_idx    on {schema}.chip_state (model_id);
create index chip_state_stage_idx    on {schema}.chip_state (stage);
create index chip_state_country_idx  on {schema}.chip_state (location_country);
create index chip_state_lot_idx      on {schema}.chip_state (lot_id);
create index chip_state_flagged_idx  on {schema}.chip_state (chip_id) where on_hold or illegitimate or conflicting_observations > 0;

-- Organisations as an inline table: the directory (parent chains, cycle checks) is loaded from it in one query.
create table {schema}.organisations (
    organisation_id text        primary key,
    version         bigint      not null,
    name            text        not null,
    kind            text        not null,
    country         text        not null,
    state           jsonb       not null
);

create index organisations_kind_idx on {schema}.organisations (kind);
