// MapLibre opens a compact attribution unfolded over the map's bottom corner until the
// first drag; ours open folded, their button showing the credits on demand.
import type * as maplibregl from 'maplibre-gl';

export function foldAttribution(map: maplibregl.Map) {
  const fold = () => {
    const open = map.getContainer().querySelector('.maplibregl-ctrl-attrib.maplibregl-compact-show');
    if (!open) return;
    open.classList.remove('maplibregl-compact-show');
    map.off('data', fold);
  };
  map.on('data', fold);
}
