// Every text from the API reaches the page through text nodes and attributes set one by one: never as markup.

const svgNs = 'http://www.w3.org/2000/svg';

function assign(node, props) {
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name === 'className' ? 'class' : name, value === true ? '' : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

/** An HTML element: props are attributes (and `text`, `on...` listeners); children are nodes or text. */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  assign(node, props);
  append(node, children);
  return node;
}

export function svg(tag, props, ...children) {
  const node = document.createElementNS(svgNs, tag);
  assign(node, props);
  append(node, children);
  return node;
}

export const link = (href, text, props = {}) => el('a', { href, ...props }, text);

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const h100e = (value) => (value === null || value === undefined ? '' : numberFormat.format(value));
export const count = (value) => (value === null || value === undefined ? '' : integerFormat.format(value));

/** An instant as the API wrote it, shortened to minutes, in UTC (the registry's business dates are UTC days). */
export const instant = (value) => (value ? `${value.slice(0, 10)} ${value.slice(11, 16)} UTC` : '');

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
export function countryName(code) {
  if (!code || code.startsWith('*')) return code ?? '';
  try { return regionNames.of(code) ?? code; } catch { return code; }
}

/**
 * A table in a region of its own that scrolls sideways when it must (the page never does), focusable so a keyboard
 * can scroll it. columns: {label, value(row) for sorting, cell(row) -> node or text, numeric}. Sortable by any column.
 */
export function table({ id, caption, columns, rows, empty = 'Nothing to show.', sortable = true, rowProps }) {
  let sorted = rows.slice();
  let sortColumn = -1;
  let direction = 1;
  const body = el('tbody');
  const headers = columns.map((column, index) => {
    const th = el('th', { scope: 'col', class: column.numeric ? 'num' : null });
    if (sortable && column.value) {
      th.append(el('button', {
        type: 'button',
        class: 'sort',
        onclick: () => {
          direction = sortColumn === index ? -direction : (column.numeric ? -1 : 1);
          sortColumn = index;
          sorted = rows.slice().sort((a, b) => compare(column.value(a), column.value(b)) * direction);
          headers.forEach((other) => other.removeAttribute('aria-sort'));
          th.setAttribute('aria-sort', direction === 1 ? 'ascending' : 'descending');
          fill();
        },
      }, column.label));
    } else {
      th.textContent = column.label;
    }
    return th;
  });
  const fill = () => {
    body.replaceChildren(...(sorted.length === 0
      ? [el('tr', {}, el('td', { colspan: columns.length, class: 'empty' }, empty))]
      : sorted.map((row) => el('tr', rowProps ? rowProps(row) : {}, columns.map((column) => el('td', {
        class: column.numeric ? 'num' : null,
        'data-value': column.value ? column.value(row) : null,
      }, column.cell(row)))))));
  };
  fill();
  return el('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 },
    el('table', { id }, el('caption', {}, caption), el('thead', {}, el('tr', {}, headers)), body));
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** A definition list of label and value pairs; values are nodes or text. */
export function facts(pairs) {
  return el('dl', { class: 'facts' }, pairs.filter(([, value]) => value !== undefined).map(([label, value]) => [
    el('dt', {}, label), el('dd', {}, value ?? '—'),
  ]));
}

export function section(title, ...children) {
  return el('section', { 'aria-labelledby': null }, el('h2', {}, title), children);
}
