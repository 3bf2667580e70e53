-- Every agency read of a chip's state or history, and every verification by anyone: who (organisation and key),
-- what (chip and endpoint, the organisation asked about and the answer for a verification), when.
-- Written in the request before the answer goes out, so no answered read is missing from it.
create table {schema}.chip_read_log (
    entry_id                       bigint      generated always as identity primary key,
    read_at                        timestamptz not null default clock_timestamp(),
    organisation_id                text        not null,
    key_id                         text        not null,
    endpoint                       text        not null,
    chip_id                        text        not null,
    query                          text,
    asked_organisation_id          text,
    registered                     boolean,
    organisation_is_current_holder boolean
);

create index chip_read_log_chip_idx on {schema}.chip_read_log (chip_id);
create index chip_read_log_organisation_idx on {schema}.chip_read_log (organisation_id);
