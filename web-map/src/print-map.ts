// The map at print resolution: a second MapLibre map, off the screen, drawing the live
// map's style over the same ground into a box of the printed size at three device
// pixels per CSS pixel, so that the brief's labels print at the size the screen shows.
import * as maplibregl from 'maplibre-gl';
import { metresPerPixel } from './brief';
import type { MapPrinter } from './controls/print-view';

const PIXEL_RATIO = 3;
/** Longest wait for every tile; after it the brief prints what is drawn. */
const WAIT_MS = 20_000;

export function mapPrinter(live: maplibregl.Map, transformRequest: maplibregl.RequestTransformFunction): MapPrinter {
  return (width, height) =>
    new Promise((resolve) => {
      const box = document.createElement('div');
      box.style.cssText = `position:absolute;left:-10000px;top:0;width:${width}px;height:${height}px`;
      document.body.append(box);
      const map = new maplibregl.Map({
        container: box,
        style: live.getStyle(),
        bounds: live.getBounds(),
        pixelRatio: PIXEL_RATIO,
        interactive: false,
        attributionControl: false,
        fadeDuration: 0,
        canvasContextAttributes: { preserveDrawingBuffer: true },
        transformRequest,
      });
      // A tile that fails leaves a gap, as on the screen; the rest is still printed.
      const done = () => {
        clearTimeout(timer);
        resolve({ image: map.getCanvas().toDataURL('image/png'), width, height, metresPerPx: metresPerPixel(map.getCenter().lat, map.getZoom()) });
        map.remove();
        box.remove();
      };
      const timer = setTimeout(done, WAIT_MS);
      map.once('idle', done);
    });
}
