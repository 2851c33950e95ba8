// The preview's small map: the sample of a file's features drawn over the offline
// basemap (the situation style's boundary, lake and river layers), framed on the file's
// extent, so that a file in the wrong CRS or the wrong place shows at once.
import * as maplibregl from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import * as api from './api';
import { foldAttribution } from './attribution';
import { INCIDENT, INCIDENT_HALO } from './palette';
import { type CatalogLayer, isBasemap } from './types';

const SAMPLE = 'preview-sample';

/** The situation style with only the basemap's layers, and the sample on top. */
export function previewStyle(style: StyleSpecification, catalog: CatalogLayer[], sample: FeatureCollection): StyleSpecification {
  const basemap = new Set(catalog.filter(isBasemap).map((l) => l.id));
  const keep = (l: LayerSpecification) => l.type === 'background' || basemap.has(l.id.split(':')[0]);
  const sampleLayers: LayerSpecification[] = [
    { id: `${SAMPLE}:fill`, type: 'fill', source: SAMPLE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': INCIDENT, 'fill-opacity': 0.35 } },
    { id: `${SAMPLE}:line`, type: 'line', source: SAMPLE, filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': INCIDENT, 'line-width': 1.5 } },
    { id: `${SAMPLE}:point`, type: 'circle', source: SAMPLE, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': INCIDENT, 'circle-radius': 3.5, 'circle-stroke-color': INCIDENT_HALO, 'circle-stroke-width': 1 } },
  ];
  return {
    ...style,
    sources: { ...style.sources, [SAMPLE]: { type: 'geojson', data: sample } },
    layers: [...style.layers.filter(keep), ...sampleLayers],
  };
}

/** Draws `sample` in `box`, framed on `bbox`; the map it made (for tests and removal). */
export async function drawPreview(box: HTMLElement, sample: FeatureCollection, bbox: [number, number, number, number] | null): Promise<maplibregl.Map> {
  const [catalog, style] = await Promise.all([api.catalog(), api.situationStyle()]);
  const map = new maplibregl.Map({
    container: box,
    style: previewStyle(style, catalog, sample),
    bounds: bbox ?? undefined,
    fitBoundsOptions: { padding: 20, maxZoom: 14 },
    attributionControl: { compact: true },
    canvasContextAttributes: { preserveDrawingBuffer: true },
    transformRequest: (url) => (url.startsWith(api.origin()) ? { url, headers: api.authHeaders() } : { url }),
  });
  foldAttribution(map);
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 100 }), 'bottom-left');
  return map;
}
