-- A chip write updates its chip_state row in place (a HOT update: no index entry written) when no indexed column
-- changes and the row's page has room; an observation, most writes, changes none but state, observations and version.
-- The legacy-row index named state in its predicate, so every write changed an indexed column and wrote an entry into
-- each of the table's eleven indexes. Legacy rows are exactly those whose history is still kept (every write of state
-- clears it), so the same index on that predicate finds the same rows without involving state.
drop index {schema}.chip_state_unfolded_idx;
create index chip_state_legacy_idx on {schema}.chip_state (chip_id) where history is not null;
-- Room on each page for the row's next versions: a HOT update must land on the row's own page.
alter table {schema}.chip_state set (fillfactor = 70);
