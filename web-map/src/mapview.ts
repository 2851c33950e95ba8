// Keeps the map in step with the store. The style is built once per catalog (a new
// layer version, a token given), from the server's situation style; everything else — a layer shown or hidden, its
// opacity, the drawing order, a new question's choropleth, the unit drilled into — is
// applied to the layers already on the map, without building the style again.
import type { ExpressionSpecification, GeoJSONSource, Map, StyleSpecification, VectorTileSource } from 'maplibre-gl';
import { levelOfCode } from './state';
import type { Store, Topic } from './store';
import { CHOROPLETH_OPACITY } from './palette';
import { type StyleOptions, alertFeatures, choroplethFill, choroplethUrl, drawingOrder, incidentFeatures, layersOf, selectedFilter, shownAt, situationStyle } from './style';

/** Before the server's style arrives. */
const EMPTY: StyleSpecification = { version: 8, sources: {}, layers: [] };

/** The parts of a MapLibre map this uses. */
export type StyledMap = Pick<Map, 'setStyle' | 'setLayoutProperty' | 'setPaintProperty' | 'moveLayer' | 'setFilter' | 'getSource' | 'getLayer'>;

/** How much larger labels are drawn than on a laptop: with the screen's width beyond
 *  1920 px (twice on a 4K screen), and half as large again in briefing mode, which is
 *  read across a room. */
export function labelScale(briefing: boolean, width: number): number {
  const screen = Math.max(1, width / 1920);
  return Math.round((briefing ? 1.5 : 1) * screen * 10) / 10;
}

export class MapView {
  /** The style as last set (its layer order is the map's). */
  private style: StyleSpecification | null = null;

  constructor(
    private readonly store: Store,
    private readonly origin: string,
    /** The width of the page, for the size of labels. */
    private readonly width: () => number = () => (typeof window === 'undefined' ? 1366 : window.innerWidth),
  ) {}

  /** The style for the store as it is now. */
  build(): StyleSpecification {
    this.style = situationStyle(this.store.style ?? EMPTY, this.store.catalog, this.options());
    return this.style;
  }

  /** Follows the store's changes on `map` (whose style came from `build`). */
  follow(map: StyledMap): () => void {
    return this.store.subscribe((changed) => this.apply(map, changed));
  }

  apply(map: StyledMap, changed: ReadonlySet<Topic>) {
    const has = (...t: Topic[]) => t.some((x) => changed.has(x));
    const hadChoropleth = !!this.style?.sources.exposure;
    // A new catalog, the first choropleth, or labels of another size (briefing mode).
    if (has('catalog', 'briefing') || (has('report') && !hadChoropleth && this.options().choropleth)) {
      map.setStyle(this.build(), { diff: true });
      return;
    }
    if (has('layers', 'opacity')) this.syncDataLayers(map, has('layers'));
    if (has('report', 'opacity', 'shade')) this.syncChoropleth(map);
    if (has('unit', 'report')) this.syncSelection(map);
    if (has('incident')) (map.getSource('incident') as GeoJSONSource | undefined)?.setData(incidentFeatures(this.store.incident));
    if (has('alerts')) (map.getSource('alerts') as GeoJSONSource | undefined)?.setData(alertFeatures(this.store.alerts));
  }

  private options(): StyleOptions {
    const { state, report, breaks } = this.store;
    const opacity = state.opacity.exposure ?? CHOROPLETH_OPACITY;
    return {
      visible: state.layers,
      opacity: state.opacity,
      choropleth: state.hazard && state.exposure && report ? { url: this.choroplethUrl(), breaks, field: state.shade === 'share' ? 'exposed_share' : 'exposed', opacity } : null,
      selected: this.selected(),
      labelScale: labelScale(state.briefing, this.width()),
      incident: this.store.incident,
      alerts: this.store.alerts,
    };
  }

  private choroplethUrl(): string {
    const { state, report } = this.store;
    const stamp = report ? `${report.hazard.version}.${report.exposure.version}.${report.boundary.version}` : '0';
    return choroplethUrl(this.origin, state.hazard ?? '', state.exposure ?? '', this.store.focusLevel(), stamp);
  }

  private selected(): StyleOptions['selected'] {
    const code = this.store.state.unit;
    const level = code ? levelOfCode(code) : null;
    const layer = this.store.catalog.find((l) => l.kind === 'boundary' && l.theme === level);
    return code && layer ? { layer: layer.id, code } : null;
  }

  /** Visibility and opacity of the data layers, and their order when it changed. */
  private syncDataLayers(map: StyledMap, reorder: boolean) {
    const { catalog, state, style: base } = this.store;
    if (!base) return;
    const ordered = drawingOrder(catalog, state.layers);
    for (const l of ordered) {
      for (const spec of layersOf(base, l.id)) {
        if (!map.getLayer(spec.id)) continue;
        const shown = shownAt(spec, l, state.layers.includes(l.id), state.opacity[l.id] ?? l.opacity);
        map.setLayoutProperty(spec.id, 'visibility', shown.layout?.visibility ?? 'visible');
        for (const [k, v] of Object.entries(('paint' in shown && shown.paint) || {})) if (k.endsWith('-opacity')) map.setPaintProperty(spec.id, k as 'fill-opacity', v);
      }
    }
    if (!reorder || !this.style) return;
    // Data layers lie below the first boundary line; point labels stay on top.
    const anchor = this.style.layers.find((x) => x.type === 'line' && catalog.some((b) => b.kind === 'boundary' && x.id === `${b.id}:line`))?.id;
    for (const l of ordered) {
      for (const spec of layersOf(base, l.id)) {
        if (spec.type !== 'symbol' && map.getLayer(spec.id)) map.moveLayer(spec.id, anchor);
      }
    }
  }

  /** The choropleth's tiles (the question and versions are in their address) and
   *  classes. */
  private syncChoropleth(map: StyledMap) {
    const o = this.options();
    if (!o.choropleth || !map.getLayer('exposure:fill') || !this.style) return;
    // Only what changed: new tiles are asked for only when their address changed (a new
    // question, level or version), not for every report of the same.
    const source = this.style.sources.exposure;
    if (source?.type === 'vector' && source.tiles?.[0] !== o.choropleth.url) {
      (map.getSource('exposure') as VectorTileSource | undefined)?.setTiles([o.choropleth.url]);
      source.tiles = [o.choropleth.url];
    }
    const layer = this.style.layers.find((l) => l.id === 'exposure:fill');
    const paint = layer?.type === 'fill' ? (layer.paint ??= {}) : {};
    const fill = choroplethFill(o.choropleth.breaks, o.choropleth.field) as ExpressionSpecification;
    if (JSON.stringify(paint['fill-color']) !== JSON.stringify(fill)) {
      map.setPaintProperty('exposure:fill', 'fill-color', fill);
      paint['fill-color'] = fill;
    }
    const { opacity } = o.choropleth;
    if (paint['fill-opacity'] !== opacity) {
      map.setPaintProperty('exposure:fill', 'fill-opacity', opacity);
      paint['fill-opacity'] = opacity;
    }
  }

  /** The outline of the unit drilled into. */
  private syncSelection(map: StyledMap) {
    const selected = this.selected();
    for (const l of this.store.catalog.filter((b) => b.kind === 'boundary')) {
      const id = `${l.id}:selected`;
      if (map.getLayer(id)) map.setFilter(id, selectedFilter(selected?.layer === l.id ? selected.code : null));
    }
  }
}
