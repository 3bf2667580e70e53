// An organisation: who it is, its inventory (delivered, installed, idle since), its facilities' declared against
// installed power, and the flags whose subject it is.
import { get, seg } from '../api.js';
import { count, countryName, el, facts, instant, link, section, table } from '../dom.js';
import { chipHref, flagHref, organisationHref } from '../route.js';
import { reviewText } from './flags.js';
import { facilityGroups, powerTable } from './power.js';

export function flagList(rows, id) {
  return table({
    id,
    caption: 'Flags',
    rows,
    empty: 'No flag.',
    columns: [
      { label: 'Flag', value: (f) => f.explanation, cell: (f) => link(flagHref(f.id), f.explanation) },
      { label: 'Severity', value: (f) => f.severity, cell: (f) => f.severity },
      { label: 'Status', value: (f) => f.status, cell: (f) => f.status },
      { label: 'Review', value: (f) => reviewText(f), cell: (f) => reviewText(f) },
    ],
  });
}

async function allFacilities(operatorId) {
  const facilities = [];
  let cursor;
  for (let page = 0; page < 10; page++) {
    const answer = await get('/facilities', { operator: operatorId, limit: 200, cursor });
    facilities.push(...answer.facilities);
    cursor = answer.next;
    if (!cursor) break;
  }
  return facilities;
}

export const organisation = (organisationId) => async () => {
  const [who, inventory, subjectFlags] = await Promise.all([
    get(`/organisations/${seg(organisationId)}`),
    get(`/organisations/${seg(organisationId)}/inventory`, { limit: 20 }),
    get(`/organisations/${seg(organisationId)}/flags`, { limit: 200 }),
  ]);
  const facilities = who.kind === 'operator' ? await allFacilities(who.organisationId) : [];
  const groups = facilities.length ? await facilityGroups(facilities.map((f) => f.facilityId)) : new Map();
  return [
    el('h1', { tabindex: -1, id: 'organisation-name' }, who.name),
    facts([
      ['Organisation id', who.organisationId],
      ['Kind', who.kind.replace('_', ' ')],
      ['Country', `${countryName(who.country)} (${who.country})`],
      ['Parent', who.parentId ? link(organisationHref(who.parentId), who.parentId) : 'none'],
    ]),
    section('Inventory now', table({
      id: 'inventory-table',
      caption: 'Chips in its custody now, by model',
      rows: inventory.models,
      empty: 'No chip in its custody.',
      columns: [
        { label: 'Model', value: (m) => m.modelId ?? '', cell: (m) => m.modelId ?? 'unknown' },
        { label: 'Delivered', numeric: true, value: (m) => m.delivered, cell: (m) => count(m.delivered) },
        { label: 'Installed', numeric: true, value: (m) => m.installed, cell: (m) => count(m.installed) },
        { label: 'Idle', numeric: true, value: (m) => m.idle, cell: (m) => count(m.idle) },
        { label: 'Idle since', value: (m) => m.oldestIdleSince ?? '', cell: (m) => instant(m.oldestIdleSince) },
      ],
    }), inventory.oldestIdle.length ? table({
      id: 'idle-table',
      caption: 'Longest idle chips',
      rows: inventory.oldestIdle,
      columns: [
        { label: 'Chip', value: (c) => c.chipId, cell: (c) => link(chipHref(c.chipId), c.chipId) },
        { label: 'Model', value: (c) => c.modelId ?? '', cell: (c) => c.modelId ?? '' },
        { label: 'Idle since', value: (c) => c.idleSince, cell: (c) => instant(c.idleSince) },
      ],
    }) : null),
    who.kind === 'operator' ? section('Facilities: declared against installed power', powerTable(facilities, groups)) : null,
    section('Flags on this organisation', flagList(subjectFlags.flags, 'organisation-flags')),
  ];
};
