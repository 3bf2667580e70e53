// Pages are addressed by the URL's fragment (#/flags?status=open), so the server serves one page and needs no
// fallback route. The business date (asOf) travels in every fragment: a reload or a link keeps the date.

export function current() {
  const raw = location.hash.replace(/^#/, '') || '/overview';
  const [path, search = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map((part) => { try { return decodeURIComponent(part); } catch { return part; } });
  return { parts, query: new URLSearchParams(search) };
}

export const asOf = () => current().query.get('asOf') ?? '';

/** A fragment link to a page, keeping the business date unless the parameters say otherwise. */
export function href(path, params = {}) {
  const query = new URLSearchParams();
  const date = 'asOf' in params ? params.asOf : asOf();
  for (const [name, value] of Object.entries({ ...params, asOf: date })) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const search = query.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}

export const chipHref = (chipId) => href(`/chips/${encodeURIComponent(chipId)}`);
export const facilityHref = (facilityId) => href(`/facilities/${encodeURIComponent(facilityId)}`);
export const organisationHref = (organisationId) => href(`/organisations/${encodeURIComponent(organisationId)}`);
export const flagHref = (flagId) => href(`/flags/${encodeURIComponent(flagId)}`);

export function go(path, params) { location.hash = href(path, params); }
