// A chip: its state, its custody chain as a timeline, its path on the map, its licence checks and its flags.
import { get, seg } from '../api.js';
import { countryName, el, facts, instant, link, section, table } from '../dom.js';
import { drawPath } from '../map.js';
import { asOf, facilityHref, flagHref, organisationHref } from '../route.js';
import { reviewText } from './flags.js';

const label = (type) => type.replaceAll('_', ' ').replace(/^chip /, '');
// The stored event keeps the signature result as the enum's number (Domain/Attestations/AttestationSignature.cs).
const signatures = ['valid', 'invalid', 'unsigned', 'unknown key', 'replayed'];
const signature = (value) => (typeof value === 'number' ? signatures[value] ?? String(value) : String(value).replace('_', ' '));
const endOfDay = (date) => (date ? `${date}T23:59:59Z` : '');

/** What one step adds to its headline: the facts an analyst checks, each as plain text. */
function details(entry) {
  const data = entry.data ?? {};
  const lines = [];
  const shipment = entry.shipment;
  if (shipment) {
    lines.push(`To ${countryName(shipment.destinationCountry)} (${shipment.destinationCountry}), consignee ${shipment.consignee?.name ?? shipment.consignee?.id ?? ''}`);
    lines.push(`Licence check: ${shipment.licenceCheck}${shipment.authorisationNumber ? `, citing ${shipment.authorisationNumber}` : ', no licence cited'}`);
  }
  if (entry.type === 'chip_installed') lines.push(`Installed at facility ${data.facilityId}, cluster ${data.clusterId}, rack ${data.rack}`);
  if (entry.type === 'chip_location_attested') lines.push(`Attested at ${data.facilityId} by ${data.method}; signature: ${signature(data.signature)}`);
  if (entry.type === 'chip_observed') lines.push(`Reported ${data.kind}: ${data.details}`);
  if (data.reason) lines.push(`Reason: ${data.reason}`);
  if (data.circumstances) lines.push(`Circumstances: ${data.circumstances}`);
  return lines;
}

function timeline(entries) {
  return el('ol', { class: 'timeline', id: 'timeline' }, entries.map((entry) => el('li', {
    class: [entry.observation ? 'observation' : '', entry.voided ? 'voided' : ''].join(' ').trim() || null,
    'data-type': entry.type,
    'data-occurred-at': entry.occurredAt,
  },
  el('p', { class: 'when' }, el('time', { datetime: entry.occurredAt }, instant(entry.occurredAt))),
  el('p', { class: 'what' },
    el('strong', {}, label(entry.type)),
    entry.observation ? el('span', { class: 'tag' }, `observation, not a custodian's act${entry.conflictCode ? ` (${entry.conflictCode})` : ''}`) : null,
    entry.voided ? el('span', { class: 'tag' }, 'voided') : null),
  el('p', { class: 'who' }, 'By ', link(organisationHref(entry.actingOrganisation.id), entry.actingOrganisation.name),
    ` (${entry.actingOrganisation.country}); then in ${countryName(entry.locationCountry)}, ${entry.stage.replace('_', ' ')}`),
  details(entry).map((line) => el('p', { class: 'detail' }, line)))));
}

/** The countries the chip was in, in order, each once per stay. */
function stops(entries) {
  const result = [];
  for (const entry of entries) {
    if (entry.observation || entry.voided || !entry.locationCountry) continue;
    if (result.at(-1)?.code !== entry.locationCountry) {
      result.push({ code: entry.locationCountry, label: `${countryName(entry.locationCountry)} from ${instant(entry.occurredAt)} (${label(entry.type)})` });
    }
  }
  return result;
}

export const chip = (chipId) => async () => {
  const bound = endOfDay(asOf());
  const [state, history, chipFlags] = await Promise.all([
    get(`/chips/${seg(chipId)}`),
    get(`/chips/${seg(chipId)}/history`, { asOf: bound }),
    get(`/chips/${seg(chipId)}/flags`, { limit: 200 }),
  ]);
  const entries = history.entries;
  const path = stops(entries);
  const checks = entries.filter((entry) => entry.shipment);
  return [
    el('h1', { tabindex: -1 }, `Chip ${state.chipId}`),
    facts([
      ['Model', state.modelId],
      ['Stage now', state.stage.replace('_', ' ')],
      ['Owner', link(organisationHref(state.ownerId), state.ownerId)],
      ['Custodian', link(organisationHref(state.custodianId), state.custodianId)],
      ['Country', `${countryName(state.locationCountry)} (${state.locationCountry})`],
      ['Facility', state.installation ? link(facilityHref(state.installation.facilityId), state.installation.facilityId) : null],
      ['Hold', state.hold ? 'on hold' : null],
    ]),
    section(asOf() ? `Custody chain up to ${asOf()}` : 'Custody chain', timeline(entries)),
    section('Path', el('figure', { class: 'map-figure' },
      await drawPath(path, `Map of the chip's path through ${path.length} countries: ${path.map((stop) => stop.code).join(', ')}`),
      el('figcaption', {}, 'Numbered in order, at each country\'s centre: ', path.map((stop) => stop.code).join(' → ')))),
    section('Licence checks', table({
      id: 'licence-checks',
      caption: 'Licence checks of the chip\'s shipments',
      rows: checks,
      empty: 'No shipment.',
      columns: [
        { label: 'Shipped', value: (e) => e.occurredAt, cell: (e) => instant(e.occurredAt) },
        { label: 'To', value: (e) => e.shipment.destinationCountry, cell: (e) => e.shipment.destinationCountry },
        { label: 'Result', value: (e) => e.shipment.licenceCheck, cell: (e) => e.shipment.licenceCheck },
        { label: 'Licence cited', value: (e) => e.shipment.authorisationNumber ?? '', cell: (e) => e.shipment.authorisationNumber ?? 'none' },
        { label: 'Why', cell: (e) => e.shipment.licenceCheckDetail ?? '' },
      ],
    })),
    section('Flags', table({
      id: 'chip-flags',
      caption: 'Flags whose evidence concerns the chip',
      rows: chipFlags.flags,
      empty: 'No flag.',
      columns: [
        { label: 'Flag', value: (f) => f.explanation, cell: (f) => link(flagHref(f.id), f.explanation) },
        { label: 'Status', value: (f) => f.status, cell: (f) => f.status },
        { label: 'Review', value: (f) => reviewText(f), cell: (f) => reviewText(f) },
      ],
    })),
  ];
};
