// Installed power comes from the facility grouping of concentration, which has no filter by facility: the pages read
// it whole (500 groups a page, at most 20 pages) and pick the facilities they show.
import { get } from '../api.js';
import { count, el, h100e, link, table } from '../dom.js';
import { asOf, facilityHref } from '../route.js';

export async function facilityGroups(ids) {
  const wanted = new Set(ids);
  const found = new Map();
  let cursor;
  for (let page = 0; page < 20 && found.size < wanted.size; page++) {
    const answer = await get('/concentration/facility', { asOf: asOf(), top: 500, cursor });
    for (const group of answer.groups) if (wanted.has(group.key)) found.set(group.key, group);
    cursor = answer.next;
    if (!cursor) break;
  }
  return found;
}

/** Declared against installed power, one row per facility. */
export function powerTable(facilities, groups) {
  return table({
    id: 'power-table',
    caption: 'Declared against installed power',
    rows: facilities,
    empty: 'No facility.',
    rowProps: (f) => ({ 'data-key': f.facilityId }),
    columns: [
      { label: 'Facility', value: (f) => f.name, cell: (f) => link(facilityHref(f.facilityId), f.name) },
      { label: 'Declared (MW)', numeric: true, value: (f) => f.declaredPowerMw, cell: (f) => String(f.declaredPowerMw) },
      { label: 'Installed (MW)', numeric: true, value: (f) => (groups.get(f.facilityId)?.installedPowerW ?? 0) / 1e6, cell: (f) => ((groups.get(f.facilityId)?.installedPowerW ?? 0) / 1e6).toFixed(3) },
      {
        label: 'Share of declared', numeric: true,
        value: (f) => share(f, groups),
        cell: (f) => el('span', { class: share(f, groups) > 1 ? 'over' : null }, `${(share(f, groups) * 100).toFixed(1)} %`),
      },
      { label: 'Installed chips', numeric: true, value: (f) => installedChips(groups.get(f.facilityId)), cell: (f) => count(installedChips(groups.get(f.facilityId))) },
      { label: 'H100e', numeric: true, value: (f) => groups.get(f.facilityId)?.h100Equivalents ?? 0, cell: (f) => h100e(groups.get(f.facilityId)?.h100Equivalents ?? 0) },
    ],
  });
}

const share = (facility, groups) => (facility.declaredPowerMw > 0 ? (groups.get(facility.facilityId)?.installedPowerW ?? 0) / (facility.declaredPowerMw * 1e6) : 0);
const installedChips = (group) => (group?.models ?? []).filter((m) => m.status === 'installed').reduce((sum, m) => sum + m.chips, 0);
