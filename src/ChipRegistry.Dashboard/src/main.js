// The dashboard's shell: sign-in, the navigation with the business-date control, and the page for the fragment.
import { ApiError, SignIn, checkKey, session, whenUnauthorised } from './api.js';
import { el } from './dom.js';
import { asOf, current, href } from './route.js';
import { overview } from './pages/overview.js';
import { concentration } from './pages/concentration.js';
import { flags } from './pages/flags.js';
import { flag } from './pages/flag.js';
import { chip } from './pages/chip.js';
import { facility } from './pages/facility.js';
import { organisation } from './pages/organisation.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const status = document.getElementById('status');
let signInMessage = '';
let rendering = 0;

const messages = {
  [SignIn.wrongKey]: 'This key was not accepted: it is wrong or has been revoked. Check it, or ask the registry for a new one.',
  [SignIn.notAgency]: 'The dashboard is for agencies: this key belongs to an organisation that is not an agency.',
};

whenUnauthorised(() => {
  session.signOut();
  signInMessage = 'Your key is no longer accepted (revoked or expired): sign in again.';
  render();
});

function pageFor({ parts }) {
  const [first, id] = parts;
  switch (first) {
    case 'overview': return overview;
    case 'concentration': return concentration;
    case 'flags': return id ? flag(id) : flags;
    case 'chips': return id ? chip(id) : chipLookup;
    case 'facilities': return id ? facility(id) : null;
    case 'organisations': return id ? organisation(id) : null;
    default: return null;
  }
}

function today() { return new Date().toISOString().slice(0, 10); }

function navigation() {
  const route = current();
  const here = route.parts[0] ?? 'overview';
  const item = (name, text) => el('li', {}, el('a', { href: href(`/${name}`), 'aria-current': here === name ? 'page' : null }, text));
  const dateInput = el('input', { type: 'date', id: 'as-of', name: 'asOf', value: asOf() || today(), max: today(), min: '2015-01-01' });
  const dateForm = el('form', {
    class: 'as-of',
    onsubmit: (event) => {
      event.preventDefault();
      const query = new URLSearchParams(route.query);
      if (dateInput.value && dateInput.value !== today()) query.set('asOf', dateInput.value); else query.delete('asOf');
      const search = query.toString();
      location.hash = `#/${route.parts.map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
    },
  }, el('label', { for: 'as-of' }, 'Business date'), dateInput, el('button', { type: 'submit' }, 'Show'));
  const signOut = el('button', {
    type: 'button',
    class: 'sign-out',
    onclick: () => { session.signOut(); signInMessage = ''; render(); },
  }, 'Sign out');
  nav.replaceChildren(
    el('ul', {}, item('overview', 'Overview'), item('concentration', 'Concentration'), item('flags', 'Flags'), item('chips', 'Find a chip')),
    dateForm,
    signOut);
  nav.hidden = false;
}

function signInPage() {
  nav.hidden = true;
  nav.replaceChildren();
  const input = el('input', { type: 'password', id: 'key', name: 'key', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'key-help' });
  const error = el('p', { id: 'sign-in-error', class: 'error', role: 'alert' }, signInMessage);
  const button = el('button', { type: 'submit' }, 'Sign in');
  const form = el('form', {
    class: 'sign-in',
    onsubmit: async (event) => {
      event.preventDefault();
      const key = input.value.trim();
      if (!key) { error.textContent = 'Enter your agency key.'; return; }
      button.disabled = true;
      error.textContent = '';
      try {
        const refusal = await checkKey(key);
        if (refusal) {
          error.textContent = messages[refusal];
          return;
        }
        session.signIn(key);
        signInMessage = '';
        render();
      } catch (failure) {
        error.textContent = failure instanceof ApiError ? `The registry refused: ${failure.message}` : 'The registry could not be reached.';
      } finally {
        button.disabled = false;
      }
    },
  },
  el('label', { for: 'key' }, 'Agency API key'),
  input,
  el('p', { id: 'key-help', class: 'help' }, 'Kept in this tab only, until you sign out or close the tab.'),
  button,
  error);
  main.replaceChildren(el('h1', { tabindex: -1 }, 'Sign in'), form);
  main.dataset.rendered = 'sign-in';
  input.focus();
}

const chipLookup = async () => {
  const input = el('input', { id: 'chip-id', name: 'chipId', required: true, placeholder: 'nvidia:1652223004561', autocomplete: 'off' });
  return [
    el('h1', { tabindex: -1 }, 'Find a chip'),
    el('form', {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        if (input.value.trim()) location.hash = href(`/chips/${encodeURIComponent(input.value.trim())}`);
      },
    }, el('label', { for: 'chip-id' }, 'Chip id (manufacturer:serial)'), input, el('button', { type: 'submit' }, 'Open')),
  ];
};

async function render() {
  const token = ++rendering;
  if (!session.key) { signInPage(); return; }
  navigation();
  const page = pageFor(current());
  status.textContent = 'Loading…';
  main.setAttribute('aria-busy', 'true');
  try {
    const content = page ? await page() : [el('h1', { tabindex: -1 }, 'Not found'), el('p', {}, 'The dashboard has no such page.')];
    if (token !== rendering) return;
    main.replaceChildren(...[content].flat().filter((child) => child !== null && child !== undefined && child !== false));
    status.textContent = '';
  } catch (failure) {
    if (token !== rendering || !session.key) return;
    main.replaceChildren(el('h1', { tabindex: -1 }, 'Could not load this page'),
      el('p', { class: 'error', role: 'alert' }, failure instanceof ApiError ? failure.message : 'The registry could not be reached.'));
    status.textContent = '';
  } finally {
    if (token === rendering) {
      main.removeAttribute('aria-busy');
      // Which fragment the page on show was drawn for: what a test (or a script) waits on after navigating.
      main.dataset.rendered = location.hash;
    }
  }
  document.title = `${main.querySelector('h1')?.textContent ?? 'Dashboard'}: ChipRegistry`;
}

// The skip link moves focus without changing the fragment, which addresses pages.
document.querySelector('.skip').addEventListener('click', (event) => { event.preventDefault(); main.focus(); });
window.addEventListener('hashchange', () => render().then(() => main.querySelector('h1')?.focus()));
render();
