// Concentration: one grouping at a time as a sortable table, filtered by model, country and status.
import { get } from '../api.js';
import { count, countryName, el, h100e, link, table } from '../dom.js';
import { asOf, current, facilityHref, href, organisationHref } from '../route.js';

export const groupings = [
  ['facility', 'Facility'],
  ['cluster', 'Cluster'],
  ['operator', 'Operator'],
  ['owner', 'Owner'],
  ['country', 'Country'],
  ['owner-parent', 'Ultimate parent of the owner'],
  ['operator-parent', 'Ultimate parent of the operator'],
  ['tenant-parent', 'Ultimate parent of the tenant'],
];
const statuses = ['', 'in_stock', 'in_transit', 'installed', 'decommissioned', 'missing'];

function keyCell(grouping, key) {
  if (key.startsWith('*')) return el('span', { class: 'bucket' }, key.slice(1).replace('_', ' '));
  switch (grouping) {
    case 'facility': return link(facilityHref(key), key);
    case 'cluster': return link(facilityHref(key.split('/')[0]), key);
    case 'country': return `${countryName(key)} (${key})`;
    default: return link(organisationHref(key), key);
  }
}

function choice(id, label, options, value) {
  return [el('label', { for: id }, label), el('select', { id, name: id },
    options.map(([optionValue, text]) => el('option', { value: optionValue, selected: optionValue === value }, text)))];
}

export async function concentration() {
  const { query } = current();
  const grouping = groupings.some(([name]) => name === query.get('grouping')) ? query.get('grouping') : 'facility';
  const filters = { model: query.get('model') ?? '', country: query.get('country') ?? '', status: query.get('status') ?? '' };
  const pages = Math.min(20, Number(query.get('pages') ?? 1) || 1);
  const groups = [];
  let answer;
  let cursor;
  for (let page = 0; page < pages; page++) {
    answer = await get(`/concentration/${grouping}`, { asOf: asOf(), top: 100, cursor, ...filters });
    groups.push(...answer.groups);
    cursor = answer.next;
    if (!cursor) break;
  }
  const form = el('form', {
    class: 'filters',
    onsubmit: (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      location.hash = href('/concentration', {
        grouping: data.get('grouping'),
        model: String(data.get('model')).trim(),
        country: String(data.get('country')).trim().toUpperCase(),
        status: data.get('status'),
      });
    },
  },
  choice('grouping', 'Grouping', groupings, grouping),
  el('label', { for: 'model' }, 'Model'), el('input', { id: 'model', name: 'model', value: filters.model, placeholder: 'nvidia-h100-sxm' }),
  el('label', { for: 'country' }, 'Country'), el('input', { id: 'country', name: 'country', value: filters.country, maxlength: 2, size: 3, placeholder: 'SG' }),
  choice('status', 'Status', statuses.map((s) => [s, s ? s.replace('_', ' ') : 'any']), filters.status),
  el('button', { type: 'submit' }, 'Apply'));

  const columns = [
    { label: 'Group', value: (g) => g.key, cell: (g) => keyCell(grouping, g.key) },
    grouping.endsWith('-parent') ? { label: 'Parent country', value: (g) => g.parentCountry ?? '', cell: (g) => g.parentCountry ?? '' } : null,
    { label: 'Chips', numeric: true, value: (g) => g.chips, cell: (g) => count(g.chips) },
    { label: 'H100e', numeric: true, value: (g) => g.h100Equivalents, cell: (g) => h100e(g.h100Equivalents) },
    { label: 'Installed power (kW)', numeric: true, value: (g) => g.installedPowerW, cell: (g) => count(g.installedPowerW / 1000) },
    grouping === 'facility' ? { label: 'Declared power (MW)', numeric: true, value: (g) => g.declaredPowerMw, cell: (g) => g.declaredPowerMw ?? '' } : null,
    { label: 'Models', cell: (g) => g.models.map((m) => `${m.modelId} ${m.status.replace('_', ' ')}: ${m.chips}`).join('; ') },
  ].filter(Boolean);
  const label = groupings.find(([name]) => name === grouping)[1];
  return [
    el('h1', { tabindex: -1 }, 'Concentration'),
    form,
    el('p', { class: 'lead' }, `By ${label.toLowerCase()}, as of the end of ${answer.asOf} (UTC). Select a column heading to sort.`),
    table({ id: 'concentration-table', caption: `Concentration by ${label.toLowerCase()}`, columns, rows: groups, rowProps: (g) => ({ 'data-key': g.key }) }),
    cursor ? el('p', {}, link(href('/concentration', { grouping, ...filters, pages: pages + 1 }), 'Show more groups')) : null,
  ];
}
