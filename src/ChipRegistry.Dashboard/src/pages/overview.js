// Overview: installed compute by country on a map and in the table that stands in for it, the top facilities and
// ultimate parents, all as of the business date.
import { get, seg } from '../api.js';
import { count, countryName, el, h100e, link, section, table } from '../dom.js';
import { drawValues } from '../map.js';
import { asOf, facilityHref, href, organisationHref } from '../route.js';

const placed = (group) => !group.key.startsWith('*');

/** Names for ids, read one by one (a top list is short); an id that cannot be read shows as itself. */
async function names(ids, read) {
  const answers = await Promise.all(ids.map((id) => read(id).then((record) => record.name, () => null)));
  return new Map(ids.map((id, index) => [id, answers[index]]));
}

export async function overview() {
  const date = asOf();
  const [byCountry, byFacility, byParent] = await Promise.all([
    get('/concentration/country', { asOf: date, top: 500 }),
    get('/concentration/facility', { asOf: date, top: 10, status: 'installed' }),
    get('/concentration/owner-parent', { asOf: date, top: 10 }),
  ]);
  const countries = byCountry.groups.filter(placed);
  const facilities = byFacility.groups.filter(placed);
  const parents = byParent.groups.filter(placed);
  const [facilityNames, parentNames] = await Promise.all([
    names(facilities.map((group) => group.key), (id) => get(`/facilities/${seg(id)}`)),
    names(parents.map((group) => group.key), (id) => get(`/organisations/${seg(id)}`)),
  ]);
  const total = countries.reduce((sum, group) => sum + group.h100Equivalents, 0);
  const map = await drawValues(new Map(countries.map((group) => [group.key, group.h100Equivalents])),
    `World map of compute by country as of ${byCountry.asOf}, in H100 equivalents; the table below lists every figure.`);

  return [
    el('h1', { tabindex: -1 }, 'Where the compute is'),
    el('p', { class: 'lead', id: 'as-of-shown' }, `As of the end of ${byCountry.asOf} (UTC): `, h100e(total), ' H100 equivalents in ', count(countries.length), ' countries.'),
    el('div', { class: 'overview' },
      el('figure', { class: 'map-figure' }, map,
        el('figcaption', {}, 'Darker is more compute. Singapore, Hong Kong and Macau, too small for the atlas, are circles. ',
          el('span', { class: 'legend', 'aria-hidden': 'true' }, [1, 2, 3, 4, 5].map((n) => el('span', { class: `swatch l${n}` }))))),
      el('div', { class: 'tops' },
        section('Top facilities (installed)', table({
          id: 'top-facilities',
          caption: 'Top facilities by installed H100 equivalents',
          sortable: false,
          rows: facilities,
          columns: [
            { label: 'Facility', cell: (g) => link(facilityHref(g.key), facilityNames.get(g.key) || g.key) },
            { label: 'H100e', numeric: true, value: (g) => g.h100Equivalents, cell: (g) => h100e(g.h100Equivalents) },
          ],
          rowProps: (g) => ({ 'data-key': g.key }),
        })),
        section('Top ultimate parents (owners)', table({
          id: 'top-parents',
          caption: 'Top ultimate parents of the owners by H100 equivalents',
          sortable: false,
          rows: parents,
          columns: [
            { label: 'Parent', cell: (g) => link(organisationHref(g.key), parentNames.get(g.key) || g.key) },
            { label: 'Country', cell: (g) => g.parentCountry ?? '' },
            { label: 'H100e', numeric: true, value: (g) => g.h100Equivalents, cell: (g) => h100e(g.h100Equivalents) },
          ],
          rowProps: (g) => ({ 'data-key': g.key }),
        })))),
    section('Compute by country', table({
      id: 'country-table',
      caption: `Chips and H100 equivalents by country as of ${byCountry.asOf} (the map's figures)`,
      rows: countries,
      columns: [
        { label: 'Country', value: (g) => countryName(g.key), cell: (g) => link(href('/concentration', { grouping: 'facility', country: g.key }), `${countryName(g.key)} (${g.key})`) },
        { label: 'Chips', numeric: true, value: (g) => g.chips, cell: (g) => count(g.chips) },
        { label: 'H100e', numeric: true, value: (g) => g.h100Equivalents, cell: (g) => h100e(g.h100Equivalents) },
      ],
      rowProps: (g) => ({ 'data-key': g.key }),
    })),
  ];
}
