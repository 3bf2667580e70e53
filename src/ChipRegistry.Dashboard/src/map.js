// The world map, drawn offline: the Natural Earth 1:110m atlas that world-atlas publishes, served beside the page,
// projected with d3-geo into SVG paths. Countries too small for that atlas are drawn as circles.
import { geoCentroid, geoEqualEarth, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import { alpha2ByNumeric } from './iso-numeric.js';
import { countryName, h100e, svg } from './dom.js';

/** Transshipment hubs the 1:110m atlas has no shape for: drawn as circles at these points (longitude, latitude). */
const smallCountries = new Map([
  ['SG', [103.82, 1.35]],
  ['HK', [114.17, 22.32]],
  ['MO', [113.55, 22.17]],
]);

const width = 960;
const height = 470;
let atlas;

async function countries() {
  if (!atlas) {
    atlas = fetch('countries-110m.json').then((response) => {
      if (!response.ok) throw new Error('The world atlas could not be loaded.');
      return response.json();
    }).then((topology) => feature(topology, topology.objects.countries).features.map((shape) => ({
      code: alpha2ByNumeric.get(String(shape.id)) ?? null,
      shape,
    })));
  }
  return atlas;
}

/** The point a country's figures and paths are drawn at. */
export async function countryPoints() {
  const points = new Map(smallCountries);
  for (const { code, shape } of await countries()) {
    if (code && !points.has(code)) points.set(code, geoCentroid(shape));
  }
  return points;
}

function level(value, max) {
  if (!value || value <= 0 || !max) return 0;
  // Five shades on a logarithmic scale: compute spans orders of magnitude between countries.
  return Math.max(1, Math.min(5, Math.ceil((Math.log10(value + 1) / Math.log10(max + 1)) * 5)));
}

function frame(label, projection) {
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'map' });
  root.append(svg('path', { class: 'sphere', d: geoPath(projection)({ type: 'Sphere' }) }));
  return root;
}

/**
 * A choropleth of H100e by alpha-2 country. values: Map code -> H100e. The figures are in the table beside the map,
 * which stands in for it: the drawing is labelled as a whole and each shape carries a title for pointer users.
 */
export async function drawValues(values, label) {
  const shapes = await countries();
  const projection = geoEqualEarth().fitSize([width, height], { type: 'Sphere' });
  const path = geoPath(projection);
  const max = Math.max(0, ...values.values());
  const root = frame(label, projection);
  for (const { code, shape } of shapes) {
    const value = code ? values.get(code) ?? 0 : 0;
    root.append(svg('path', { d: path(shape), class: `country l${level(value, max)}`, 'data-country': code },
      svg('title', {}, `${countryName(code) || 'Unassigned'}: ${h100e(value)} H100e`)));
  }
  for (const [code, point] of smallCountries) {
    const value = values.get(code) ?? 0;
    const [x, y] = projection(point);
    root.append(svg('circle', { cx: x, cy: y, r: 6, class: `hub l${level(value, max)}`, 'data-country': code },
      svg('title', {}, `${countryName(code)}: ${h100e(value)} H100e`)));
  }
  return root;
}

/** A chip's path: its countries in order (stops: [{code, label}]) joined by great-circle arcs, numbered in order. */
export async function drawPath(stops, label) {
  const shapes = await countries();
  const points = await countryPoints();
  const projection = geoEqualEarth().fitSize([width, height], { type: 'Sphere' });
  const path = geoPath(projection);
  const root = frame(label, projection);
  for (const { shape } of shapes) root.append(svg('path', { d: path(shape), class: 'country l0' }));
  const located = stops.map((stop) => ({ ...stop, point: points.get(stop.code) })).filter((stop) => stop.point);
  if (located.length > 1) {
    root.append(svg('path', { class: 'route', d: path({ type: 'LineString', coordinates: located.map((stop) => stop.point) }) }));
  }
  located.forEach((stop, index) => {
    const [x, y] = projection(stop.point);
    root.append(svg('g', { class: 'stop' },
      svg('circle', { cx: x, cy: y, r: 9 }),
      svg('text', { x, y: y + 4, 'text-anchor': 'middle' }, String(index + 1)),
      svg('title', {}, `${index + 1}. ${stop.label}`)));
  });
  return root;
}
