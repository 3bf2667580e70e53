-- Serials are case-insensitive within a manufacturer (nvidia:bd-2 and nvidia:BD-2 are one chip): chips are found by
-- lower(chip_id) when an id differs from the registered one only in case, and a lot is checked against it set-wise.
-- Not unique: chips registered before the rule keep their ids, twins included, and stay readable.
create index chip_state_chip_id_folded_idx on {schema}.chip_state (lower(chip_id));
