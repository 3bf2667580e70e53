-- An EPCIS event as sent belongs to the organisation that sent it: two organisations may send the same eventID (by
-- mistake, or to have their fields exported on another's chips), and each one's export must give back its own event.
-- Rows from before are given the organisation of the chip events they produced.
alter table {schema}.epcis_chip_events add column organisation_id text;
update {schema}.epcis_chip_events c set organisation_id = e.acting_organisation
from {schema}.events e where e.event_id = c.event_id;
update {schema}.epcis_chip_events set organisation_id = '' where organisation_id is null;
alter table {schema}.epcis_chip_events alter column organisation_id set not null;

alter table {schema}.epcis_events add column organisation_id text;
update {schema}.epcis_events e set organisation_id = c.organisation_id
from (select distinct on (epcis_key) epcis_key, organisation_id from {schema}.epcis_chip_events order by epcis_key, organisation_id) c
where c.epcis_key = e.epcis_key;
update {schema}.epcis_events set organisation_id = '' where organisation_id is null;
alter table {schema}.epcis_events alter column organisation_id set not null;
alter table {schema}.epcis_events drop constraint epcis_events_pkey, add primary key (organisation_id, epcis_key);
