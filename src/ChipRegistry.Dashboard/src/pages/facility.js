// A facility: its operator, declared against installed power, the chips installed by model, its operator's flags.
import { get, seg } from '../api.js';
import { count, countryName, el, facts, link, section, table } from '../dom.js';
import { organisationHref } from '../route.js';
import { facilityGroups, powerTable } from './power.js';
import { flagList } from './organisation.js';

export const facility = (facilityId) => async () => {
  const site = await get(`/facilities/${seg(facilityId)}`);
  const [groups, operator, operatorFlags] = await Promise.all([
    facilityGroups([site.facilityId]),
    get(`/organisations/${seg(site.operatorId)}`).catch(() => null),
    get(`/organisations/${seg(site.operatorId)}/flags`, { limit: 200 }),
  ]);
  const models = groups.get(site.facilityId)?.models ?? [];
  return [
    el('h1', { tabindex: -1 }, site.name),
    facts([
      ['Facility id', site.facilityId],
      ['Operator', link(organisationHref(site.operatorId), operator?.name ?? site.operatorId)],
      ['Country', `${countryName(site.country)} (${site.country})`],
      ['Coordinates', `${site.latitude}, ${site.longitude}`],
      ['Clusters', site.clusters.map((c) => c.name).join(', ') || 'none'],
    ]),
    section('Power', powerTable([site], groups)),
    section('Chips here by model', table({
      id: 'facility-models',
      caption: 'Chips at the facility by model and status',
      rows: models,
      empty: 'No chip.',
      columns: [
        { label: 'Model', value: (m) => m.modelId, cell: (m) => m.modelId },
        { label: 'Status', value: (m) => m.status, cell: (m) => m.status.replace('_', ' ') },
        { label: 'Chips', numeric: true, value: (m) => m.chips, cell: (m) => count(m.chips) },
      ],
    })),
    section('Flags on the operator', flagList(operatorFlags.flags, 'facility-flags')),
  ];
};
