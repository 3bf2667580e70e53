-- chip_state keeps the folded state, not the whole history: the bytes one append writes no longer grow with the
-- chip's event count (history reads come from the events). Rows written before this migration still carry their
-- history and no state; ChipStateUpgrade folds them once, fills state and chip_parties, and clears history.
alter table {schema}.chip_state add column state jsonb;
alter table {schema}.chip_state alter column history drop not null;
-- Finds the rows still to fold at each start in an index lookup, not a scan of every chip (empty once folded).
create index chip_state_unfolded_idx on {schema}.chip_state (chip_id) where state is null;

-- Who was a party to a chip (owner, custodian, named buyer, named consignee, operator of its facility) and over which
-- stream versions: an organisation sees events from_version .. to_version (both included; to_version null: a party
-- now). Written in the append's transaction by the chip-state projection, so deciding whether a caller may see a
-- chip reads neither the events nor a history.
create table {schema}.chip_parties (
    chip_id         text   not null,
    organisation_id text   not null,
    from_version    bigint not null,
    to_version      bigint,
    primary key (chip_id, organisation_id, from_version)
);

create index chip_parties_current_idx on {schema}.chip_parties (organisation_id, chip_id) where to_version is null;

-- Chips shipped citing each licence or notification number, voided shipments excepted (the quantity a licence check
-- counts against), kept by the chip-state projection in the append's transaction. Filled here from the events.
create table {schema}.licence_usage (
    authorisation_number text primary key,
    shipped              int  not null
);

insert into {schema}.licence_usage (authorisation_number, shipped)
select shipped.data ->> 'authorisation_number', count(*)::int
from {schema}.events shipped
where shipped.type = 'chip_shipped'
  and shipped.data ->> 'authorisation_number' is not null
  and not exists (
      select 1 from {schema}.events voided
      where voided.type = 'chip_event_voided'
        and voided.stream_key = shipped.stream_key
        and voided.data ->> 'voided_event_id' = shipped.event_id::text)
group by 1;
