-- EPCIS capture (docs/epcis-mapping.md). epcis_events: each imported EPCIS event once, by its key (eventID, or its
-- CBV 2.0 hash id), as sent: what the registry does not model (readPoint of a shipment, a purchase order, the
-- eventTime's offset) is exported from it again. epcis_chip_events: the chip events each one produced.
create table {schema}.epcis_events (
    epcis_key          text        primary key,
    time_zone_offset   text,
    event              jsonb       not null,
    imported_at        timestamptz not null default clock_timestamp()
);

create table {schema}.epcis_chip_events (
    event_id   uuid primary key,
    chip_id    text not null,
    epcis_key  text not null
);

create index epcis_chip_events_chip_idx on {schema}.epcis_chip_events (chip_id);

-- A capture job per POST /api/v1/epcis/capture: who sent it, how errors are handled, and its outcome.
create table {schema}.epcis_capture_jobs (
    capture_id         uuid        primary key,
    organisation_id    text        not null,
    error_behaviour    text        not null,
    created_at         timestamptz not null default clock_timestamp(),
    finished_at        timestamptz,
    running            boolean     not null default true,
    success            boolean,
    event_count        int         not null default 0,
    applied            int         not null default 0,
    already_imported   int         not null default 0,
    errors             jsonb       not null default '[]'
);

create index epcis_capture_jobs_organisation_idx on {schema}.epcis_capture_jobs (organisation_id, created_at);
