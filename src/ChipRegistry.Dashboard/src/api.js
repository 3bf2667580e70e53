// The public HTTP API, called with the agency key the analyst signed in with.
// The key lives in sessionStorage: the tab's own session (not shared with other tabs, gone when the tab closes),
// never in a cookie (sent by the browser on its own) nor in localStorage (kept across sessions).
const keyName = 'chipregistry.agencyKey';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The API answered ${status}.`);
    this.status = status;
    this.code = problem?.code ?? null;
  }
}

export const session = {
  get key() { return sessionStorage.getItem(keyName); },
  signIn(key) { sessionStorage.setItem(keyName, key); },
  signOut() { sessionStorage.removeItem(keyName); },
};

let onUnauthorised = () => {};
export function whenUnauthorised(handler) { onUnauthorised = handler; }

async function send(method, path, { key = session.key, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, json);
    if (response.status === 401 && key === session.key) onUnauthorised(error);
    throw error;
  }
  return json;
}

/** GET with query parameters; empty ones are left out. */
export function get(path, query = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return send('GET', `/api/v1${path}${search ? `?${search}` : ''}`);
}

export function post(path, body) { return send('POST', `/api/v1${path}`, { body }); }

/** The id made safe for a path segment. */
export const seg = (id) => encodeURIComponent(id);

export const SignIn = {
  wrongKey: 'wrong_key',
  notAgency: 'not_agency',
};

/**
 * Checks a key before keeping it. Flags are read by agencies and the registry's administrators only, so a 403 there
 * is any other organisation's key; the administrators' keys list then tells an administrator from an agency.
 * Returns null when the key is an agency's, else why not.
 */
export async function checkKey(key) {
  try {
    await send('GET', '/api/v1/flags?limit=1', { key });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return SignIn.wrongKey;
    if (error instanceof ApiError && error.status === 403) return SignIn.notAgency;
    throw error;
  }
  try {
    await send('GET', '/api/v1/admin/keys?limit=1', { key });
    return SignIn.notAgency;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return null;
    throw error;
  }
}
