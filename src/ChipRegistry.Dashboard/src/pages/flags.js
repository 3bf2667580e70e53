// The flags queue, filtered by rule, severity, status and country; open on the business date when one is chosen.
import { get } from '../api.js';
import { el, instant, link, table } from '../dom.js';
import { asOf, current, flagHref, href, organisationHref, chipHref } from '../route.js';

const severities = ['', 'low', 'medium', 'high', 'critical'];
const statuses = ['', 'open', 'closed', 'withdrawn'];

export function subjectLink(subject) {
  if (!subject) return '';
  if (subject.kind === 'organisation') return link(organisationHref(subject.id), subject.id);
  if (subject.kind === 'chip') return link(chipHref(subject.id), subject.id);
  return `${subject.kind} ${subject.id}`;
}

export const reviewText = (flag) => (flag.review ? flag.review : 'not reviewed');

export async function flags() {
  const { query } = current();
  const filters = {
    rule: query.get('rule') ?? '',
    severity: query.get('severity') ?? '',
    status: query.get('status') ?? 'open',
    country: query.get('country') ?? '',
  };
  const answer = await get('/flags', { ...filters, asOf: filters.status === 'open' ? asOf() : '', limit: 200 });
  const select = (id, label, options, value) => [el('label', { for: id }, label),
    el('select', { id, name: id }, options.map((option) => el('option', { value: option, selected: option === value }, option || 'any')))];
  const form = el('form', {
    class: 'filters',
    onsubmit: (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      location.hash = href('/flags', {
        rule: String(data.get('rule')).trim(),
        severity: data.get('severity'),
        status: data.get('status'),
        country: String(data.get('country')).trim().toUpperCase(),
      });
    },
  },
  el('label', { for: 'rule' }, 'Rule'), el('input', { id: 'rule', name: 'rule', type: 'number', min: 1, max: 17, value: filters.rule }),
  select('severity', 'Severity', severities, filters.severity),
  select('status', 'Status', statuses, filters.status),
  el('label', { for: 'flag-country' }, 'Country'), el('input', { id: 'flag-country', name: 'country', value: filters.country, maxlength: 2, size: 3 }),
  el('button', { type: 'submit' }, 'Apply'));
  return [
    el('h1', { tabindex: -1 }, 'Flags'),
    form,
    el('p', { class: 'lead' }, filters.status === 'open' && asOf() ? `Open at the end of ${asOf()} (UTC).` : 'The registry\'s flags as they stand now.'),
    table({
      id: 'flags-table',
      caption: 'Flags',
      rows: answer.flags,
      empty: 'No flag matches.',
      rowProps: (f) => ({ 'data-key': f.id }),
      columns: [
        { label: 'Flag', value: (f) => f.explanation, cell: (f) => link(flagHref(f.id), f.explanation) },
        { label: 'Rule', numeric: true, value: (f) => f.rule, cell: (f) => String(f.rule) },
        { label: 'Severity', value: (f) => severities.indexOf(f.severity), cell: (f) => el('span', { class: `severity ${f.severity}` }, f.severity) },
        { label: 'Status', value: (f) => f.status, cell: (f) => f.status },
        { label: 'Review', value: (f) => reviewText(f), cell: (f) => reviewText(f) },
        { label: 'Country', value: (f) => f.country ?? '', cell: (f) => f.country ?? '' },
        { label: 'Subject', value: (f) => f.subject?.id ?? '', cell: (f) => subjectLink(f.subject) },
        { label: 'Opened', value: (f) => f.openedAt, cell: (f) => instant(f.openedAt) },
      ],
    }),
    answer.next ? el('p', {}, 'More than 200 flags match: narrow the filters.') : null,
  ];
}
