// The situation room: the map with its controls (layer panel, legend, question,
// dashboard, camps, briefing, print view, search, place info, token), all fed by this
// server's tiles, features and exposure APIs and refreshed by its version events.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// The worker ships as its own file; served by us like everything else.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import './styles.css';

import * as api from './api';
import { foldAttribution } from './attribution';
import { AlertPanel } from './controls/alerts';
import { Briefing } from './controls/briefing';
import { Breadcrumb } from './controls/breadcrumb';
import { Camps } from './controls/camps';
import { ClassChart } from './controls/class-chart';
import { dock } from './controls/control';
import { AsOf, Headline } from './controls/headline';
import { IncidentArea } from './controls/incident';
import { LayerPanel } from './controls/layer-panel';
import { Legend } from './controls/legend';
import { PlaceInfo } from './controls/place-info';
import { PrintView } from './controls/print-view';
import { mapPrinter } from './print-map';

import { Question } from './controls/question';
import { Search } from './controls/search';
import { TokenForm } from './controls/token-form';
import { UnitTable } from './controls/unit-table';
import { el, replace } from './dom';
import { languageMenu as fillLanguageMenu, preferredLanguage, t, translatePage } from './i18n';
import { MapView } from './mapview';
import { installPalette } from './palette';
import { Situation } from './situation';
import { Store } from './store';

declare global {
  interface Window {
    sitroom: { map: maplibregl.Map; store: Store };
  }
}

const $ = (id: string) => document.getElementById(id) as HTMLElement;

/** The token goes to our own server only. */
const ownServerOnly = (url: string) => (url.startsWith(api.origin()) ? { url, headers: api.authHeaders() } : { url });

async function start() {
  installPalette();
  maplibregl.setWorkerUrl(workerUrl);
  // A link that names no language opens in the one this browser prefers.
  const store = new Store(undefined, preferredLanguage());
  languageMenu(store);
  const [catalog, style] = await Promise.all([api.catalog(), api.situationStyle()]);
  store.setCatalog(catalog, style, !!api.token());
  const view = new MapView(store, api.origin());
  const { lon, lat, zoom } = store.state.view;
  const map = new maplibregl.Map({
    container: 'map',
    style: view.build(),
    center: [lon, lat],
    zoom,
    attributionControl: { compact: true },
    canvasContextAttributes: { preserveDrawingBuffer: true },
    locale: mapLocale(),
    transformRequest: ownServerOnly,
  });
  // For scripts and tests driving the page.
  window.sitroom = { map, store };
  store.subscribe((changed) => changed.has('lang') && relabelMapControls());
  view.follow(map);

  const country = () => store.catalog.find((l) => l.kind === 'boundary' && l.theme !== 'country' && l.bounds)?.bounds ?? null;
  const situation = new Situation(store, api, (bbox) => {
    const frame = bbox ?? country();
    if (frame) map.fitBounds(frame, { padding: 40, duration: 800 });
  });
  const drill = (code: string | null) => situation.drill(code);

  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
  // One popup at a time: a new click replaces the last one.
  let popup: maplibregl.Popup | null = null;
  const show = (at: { lng: number; lat: number }, content: HTMLElement) => {
    popup?.remove();
    popup = new maplibregl.Popup({ maxWidth: '320px' }).setLngLat(at).setDOMContent(content).addTo(map);
  };
  map.addControl(new PlaceInfo(store, api, show, drill));

  // Alerts: read at start, after every layer version (a rule may have drafted), after a
  // token is given, and every half minute (issued elsewhere, expired).
  const alerts = new AlertPanel(store, api);
  dock(map, new Search(store, api, drill), $('search-host'));
  dock(map, new AsOf(store), $('asof-host'));
  dock(map, new LayerPanel(store), $('panel'));
  dock(map, new Legend(store), $('panel'));
  dock(
    map,
    new TokenForm(store, api, () => {
      void situation.refresh();
      void alerts.refresh();
    }),
    $('panel'),
  );
  for (const control of [new Question(store), new Breadcrumb(store, drill), new Headline(store), new IncidentArea(store, api), new ClassChart(store), new UnitTable(store, drill), new Camps(store, api)]) {
    dock(map, control, $('dashboard'));
  }
  dock(map, alerts, $('dashboard'));
  void alerts.refresh();
  setInterval(() => void alerts.refresh(), 30_000);
  dock(map, new Briefing(store), $('main'));
  const brief = new PrintView(store, api, mapPrinter(map, ownServerOnly));
  dock(map, brief, document.body);

  map.on('moveend', () => {
    const c = map.getCenter();
    store.set({ view: { lon: c.lng, lat: c.lat, zoom: map.getZoom() } });
  });
  // No view in the link: frame the country, whatever the screen size.
  if (!window.location.hash.includes('map=')) {
    const extent = country();
    if (extent) map.fitBounds(extent, { padding: 20, animate: false });
  }
  foldAttribution(map);
  map.on('idle', () => document.body.setAttribute('data-map-idle', 'true'));
  map.on('dataloading', () => document.body.removeAttribute('data-map-idle'));

  $('briefing-button').addEventListener('click', () => store.set({ briefing: !store.state.briefing }));
  store.subscribe((changed) => changed.has('briefing') && $('briefing-button').setAttribute('aria-pressed', String(store.state.briefing)));
  // The brief's map is drawn at print resolution first; then the browser prints.
  $('print-button').addEventListener('click', async () => {
    const button = $('print-button') as HTMLButtonElement;
    button.disabled = true;
    try {
      await brief.prepare();
      document.body.setAttribute('data-brief-ready', 'true');
      window.print();
    } finally {
      button.disabled = false;
    }
  });
  api.onLayerEvents(() => {
    void situation.refresh();
    void alerts.refresh();
  });
  // Tiles refused (a layer closed, a token expired): read again what this caller may see,
  // once for a burst of refusals, so the layer leaves the map and the panel.
  let rereading = false;
  map.on('error', (e) => {
    const status = (e.error as { status?: number } | undefined)?.status;
    if (rereading || (status !== 401 && status !== 403)) return;
    rereading = true;
    void situation.refresh().finally(() => (rereading = false));
  });

  await situation.loadReport();
  store.save();
  document.body.setAttribute('data-ready', 'true');
}

/** The language menu in the header: choosing one redraws every control and the page's
 *  own strings, and is remembered for the next visit. */
function languageMenu(store: Store) {
  const menu = $('language') as HTMLSelectElement;
  fillLanguageMenu(menu, (lang) => store.set({ lang }));
  const layersLink = document.querySelector<HTMLAnchorElement>('a[href^="/layers.html"]');
  const publicLink = document.querySelector<HTMLAnchorElement>('a[href^="/public.html"]');
  const relabel = () => {
    translatePage();
    // The layers page and the public page open in the language chosen here.
    layersLink?.setAttribute('href', `/layers.html?lang=${store.state.lang}`);
    publicLink?.setAttribute('href', `/public.html?lang=${store.state.lang}`);
  };
  relabel();
  store.subscribe((changed) => {
    if (!changed.has('lang')) return;
    menu.value = store.state.lang;
    relabel();
  });
}

/** MapLibre's own buttons, labelled again in the language chosen after the map was made. */
function relabelMapControls() {
  const label = (selector: string, text: string) => {
    for (const b of document.querySelectorAll(selector)) {
      b.setAttribute('title', text);
      b.setAttribute('aria-label', text);
    }
  };
  label('.maplibregl-ctrl-zoom-in', t('map.zoom_in'));
  label('.maplibregl-ctrl-zoom-out', t('map.zoom_out'));
  label('.maplibregl-ctrl-attrib-button', t('map.attribution'));
}

/** MapLibre's own control labels in the interface's language. */
function mapLocale(): Record<string, string> {
  return {
    'NavigationControl.ZoomIn': t('map.zoom_in'),
    'NavigationControl.ZoomOut': t('map.zoom_out'),
    'AttributionControl.ToggleAttribution': t('map.attribution'),
    'ScaleControl.Meters': 'm',
    'ScaleControl.Kilometers': 'km',
  };
}

void start().catch((e: Error) => {
  replace($('dashboard'), el('p', { class: 'error', role: 'alert' }, t('start.failed', { error: e.message })));
});
