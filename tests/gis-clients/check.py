"""The GIS clients a ministry's GIS staff use, against a running sitroom, by its address
alone:

- GDAL's OAPIF driver (ogrinfo/ogr2ogr's library) reads every collection with no error
  logged, in pages of 1,000 or more when asked (GDAL 3.6 asks for 10 unless told: it
  reads the page size from the API description only from 3.8 on), and sends an equality
  filter to the server as a query parameter the API description lists;
- QGIS's own OGC API - Features provider (OAPIF), headless, opens every collection,
  reads every feature in pages of the size the API description advertises, filters (on
  the server from QGIS 3.28 on), and the layers render to a PNG;
- QGIS's vector tile layer loads sitroom's tiles with the server's style (styleUrl),
  converts it without a warning, and draws a high flood zone in the high class's colour
  where the server's features say it is.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/gis-clients/check.py BASE_URL OUT_DIR

BASE_URL is the server's root (http://127.0.0.1:8080). Exits non-zero, naming what
failed, if anything does. Run by tests/gis-clients/run.sh.
"""

import json
import os
import sys
import urllib.request

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDataSourceUri,
    QgsGeometry,
    QgsMapBoxGlStyleConversionContext,
    QgsMapBoxGlStyleConverter,
    QgsPointXY,
    QgsProject,
    QgsVectorTileLayer,
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsRendererCategory,
    QgsApplication,
    QgsFeatureRequest,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsNetworkAccessManager,
    QgsRectangle,
    QgsVectorLayer,
)
from osgeo import gdal, ogr
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QFont, QPainter

base, out = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def get(path):
    with urllib.request.urlopen(base + path) as r:
        return json.load(r)


app = QgsApplication([], False)
app.initQgis()
# Every request QGIS sends, from any of its threads (the provider downloads in its own).
requests = []
QgsNetworkAccessManager.setRequestPreprocessor(lambda r: requests.append(r.url().toString()))

collections = [c["id"] for c in get("/ogc/collections")["collections"]]
check(len(collections) > 0, f"the server lists collections ({len(collections)})")
counts = {
    cid: get(f"/ogc/collections/{cid}/items?limit=0")["numberMatched"] for cid in collections
}

# GDAL: every message it logs, debug ones too (they name each HTTP request).
logged = []
gdal.SetConfigOption("CPL_DEBUG", "ON")
gdal.PushErrorHandler(lambda level, _no, msg: logged.append((level, msg)))


def gdal_read(cid, most=None, **options):
    """Features of collection cid read by GDAL (the first `most` of them), the errors it
    logged, its requests."""
    logged.clear()
    ds = gdal.OpenEx(f"OAPIF:{base}/ogc", gdal.OF_VECTOR, open_options=[f"{k}={v}" for k, v in options.items()])
    if ds is None:
        return None, [m for lvl, m in logged if lvl >= gdal.CE_Warning], []
    layer = ds.GetLayerByName(cid)
    n = None
    if layer is not None:
        n = 0
        for _ in layer:
            n += 1
            if most is not None and n == most:
                break
    ds = None
    errors = [m for lvl, m in logged if lvl >= gdal.CE_Warning]
    fetches = [m for lvl, m in logged if lvl == gdal.CE_Debug and "Fetch(" in m and "/items" in m]
    return n, errors, fetches


# GDAL's own page size (10) for the first 2,000 features of each (all of a small one),
# then everything in pages of 1,000.
for cid in collections:
    first = min(counts[cid], 2000)
    n, errors, _ = gdal_read(cid, most=first)
    check(n == first and not errors, f"GDAL reads {cid}: the first {n} of {counts[cid]}, errors {errors[:2]}")
    n, errors, fetches = gdal_read(cid, PAGE_SIZE=1000)
    check(
        n == counts[cid] and not errors and len(fetches) <= counts[cid] // 1000 + 2,
        f"GDAL reads {cid} in pages of 1,000: {len(fetches)} requests, errors {errors[:2]}",
    )

# GDAL sends an equality on a field the API description lists as a query parameter.
sectors_id = next((c for c in collections if c in ("rwa-sectors", "sectors")), None)
if sectors_id:
    logged.clear()
    ds = gdal.OpenEx(f"OAPIF:{base}/ogc", gdal.OF_VECTOR)
    layer = ds.GetLayerByName(sectors_id)
    layer.SetAttributeFilter("dist_id = 11")
    n = sum(1 for _ in layer)
    ds = None
    sent = [m for _, m in logged if "dist_id=11" in m]
    expected = get(f"/ogc/collections/{sectors_id}/items?dist_id=11&limit=0")["numberMatched"]
    check(n == expected and n > 0 and bool(sent), f"GDAL filters dist_id = 11 on the server: {n} of {expected}")
gdal.PopErrorHandler()
gdal.SetConfigOption("CPL_DEBUG", None)
layers = {}
for cid in collections:
    expected = counts[cid]
    requests.clear()
    layer = QgsVectorLayer(f"url='{base}/ogc' typename='{cid}'", cid, "OAPIF")
    check(layer.isValid(), f"{cid}: QGIS's OAPIF provider opens it")
    if not layer.isValid():
        continue
    n = sum(1 for _ in layer.getFeatures())
    pages = [u for u in requests if f"/collections/{cid}/items" in u]
    check(n == expected, f"{cid}: QGIS reads every feature ({n} of {expected})")
    check(layer.featureCount() == expected, f"{cid}: QGIS knows the feature count ({layer.featureCount()})")
    check(
        expected <= 1000 or len(pages) <= expected // 1000 + 2,
        f"{cid}: QGIS reads in pages of 1,000 or more ({len(pages)} requests for {expected})",
    )
    layers[cid] = layer

# Server-side filtering through the fields the API description lists.
sectors = layers.get("rwa-sectors") or layers.get("sectors")
check(sectors is not None, "the sectors collection is open")
if sectors is not None:
    fields = [f.name() for f in sectors.fields()]
    field = "dist_id" if "dist_id" in fields else fields[0]
    value = next(sectors.getFeatures())[field]
    expected = get(f"/ogc/collections/{sectors.name()}/items?{field}={value}&limit=0")["numberMatched"]
    # A fresh layer, so that nothing read before answers from QGIS's cache.
    requests.clear()
    subset = QgsVectorLayer(f"url='{base}/ogc' typename='{sectors.name()}'", "subset", "OAPIF")
    subset.setSubsetString(f"\"{field}\" = '{value}'" if isinstance(value, str) else f'"{field}" = {value}')
    n = sum(1 for _ in subset.getFeatures(QgsFeatureRequest()))
    sent = [u for u in requests if f"{field}=" in u]
    check(n == expected and n > 0, f"a subset {field} = {value} keeps {n} of {expected} expected")
    # QGIS sends a subset to the server from 3.28 on (Part 3 queryables, CQL2); 3.22
    # (Debian 12) reads only the page size from the API description and filters the
    # downloaded features itself.
    if Qgis.QGIS_VERSION_INT >= 32800:
        check(bool(sent), f"the subset is sent to the server ({sent[:1]})")
    else:
        print(f"note QGIS {Qgis.QGIS_VERSION} filters on the client: {len(requests)} requests, none with {field}=")

def caption(image, credit):
    """The demo's flood zones are made by a seeded generator: say so on the picture,
    with the credit of what else is drawn."""
    painter = QPainter(image)
    painter.setPen(QColor(160, 0, 0))
    painter.setFont(QFont("DejaVu Sans", 13, QFont.Bold))
    painter.drawText(12, 24, "Flood zones: SYNTHETIC (seeded generator, scripts/synth)")
    painter.setPen(QColor(40, 40, 40))
    painter.setFont(QFont("DejaVu Sans", 10))
    painter.drawText(12, 44, credit)
    painter.end()


# Render the boundaries and hazard zones the server holds, as a GIS officer would see them.
shown = [layers[c] for c in ("flood-zones", "rwa-districts") if c in layers]
if "rwa-districts" in layers:
    layers["rwa-districts"].renderer().setSymbol(
        QgsFillSymbol.createSimple({"style": "no", "outline_color": "60,60,60", "outline_width": "0.3"})
    )
if "flood-zones" in layers:
    colours = {"high": "8,48,107", "medium": "33,113,181", "low": "107,174,214"}
    layers["flood-zones"].setRenderer(
        QgsCategorizedSymbolRenderer(
            "hazard_class",
            [
                QgsRendererCategory(k, QgsFillSymbol.createSimple({"color": c, "outline_style": "no"}), k)
                for k, c in colours.items()
            ],
        )
    )
if shown:
    settings = QgsMapSettings()
    settings.setLayers(shown)
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setOutputSize(QSize(900, 800))
    settings.setExtent(QgsRectangle(28.85, -2.85, 30.9, -1.04))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    caption(image, "Districts: © WASAC Ltd. (CC BY 4.0). Read by QGIS over OGC API - Features.")
    path = f"{out}/qgis-oapif.png"
    image.save(path, "png")
    painted = sum(
        1
        for x in range(0, image.width(), 10)
        for y in range(0, image.height(), 10)
        if image.pixelColor(x, y) != QColor(255, 255, 255)
    )
    check(painted > 200, f"the render shows the layers ({painted} painted samples, {path})")

# Vector tiles with the server's style: the basemap, the flood zones and the camps.
def get_text(path):
    with urllib.request.urlopen(base + path) as r:
        return r.read().decode()


drawn = ["countries", "lakes", "rivers", "rwa-provinces", "rwa-districts", "flood-zones", "camps"]
style_path = "/styles/situation.json?layers=flood-zones,camps"
style = json.loads(get_text(style_path))
converter = QgsMapBoxGlStyleConverter()
converter.convert(json.dumps(style), QgsMapBoxGlStyleConversionContext())
warnings = [w for w in converter.warnings() if "font" not in w.lower()]
check(not warnings, f"QGIS converts the situation style without a warning ({warnings[:3]})")
uri = QgsDataSourceUri()
uri.setParam("type", "xyz")
uri.setParam("url", f"{base}/tiles/{','.join(drawn)}/{{z}}/{{x}}/{{y}}.mvt")
uri.setParam("zmin", "0")
uri.setParam("zmax", "14")
uri.setParam("styleUrl", base + style_path)
tiles = QgsVectorTileLayer(bytes(uri.encodedUri()).decode(), "situation")
check(tiles.isValid(), "QGIS opens the vector tiles")
tiles.loadDefaultStyle()
styled = {st.styleName() for st in tiles.renderer().styles()} if tiles.renderer() else set()
check(
    {"flood-zones:high", "flood-zones:medium", "camps:circle", "rwa-districts:line", "lakes:fill"} <= styled,
    f"QGIS draws with the server's style ({len(styled)} style layers)",
)
mercator = QgsCoordinateReferenceSystem("EPSG:3857")
to_mercator = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), mercator, QgsProject.instance())


def render_tiles(extent_lonlat, size):
    settings = QgsMapSettings()
    settings.setLayers([tiles])
    settings.setDestinationCrs(mercator)
    settings.setExtent(to_mercator.transformBoundingBox(extent_lonlat))
    settings.setOutputSize(QSize(*size))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage(), settings


image, country = render_tiles(QgsRectangle(28.85, -2.85, 30.9, -1.04), (900, 800))
# Lake Kivu, between Idjwi and the Rwandan shore, in the water colour.
kivu = country.mapToPixel().transform(to_mercator.transform(QgsPointXY(29.2, -2.1)))
water = QColor(next(l for l in style["layers"] if l["id"] == "lakes:fill")["paint"]["fill-color"]).getRgb()[:3]
got = list(image.pixelColor(int(kivu.x()), int(kivu.y())).getRgb()[:3])
check(all(abs(w - g) <= 8 for w, g in zip(water, got)), f"QGIS draws Lake Kivu as water ({got}, water is {list(water)})")
caption(image, "Vector tiles and style from sitroom, drawn by QGIS. Boundaries © WASAC Ltd. (CC BY 4.0); lakes and rivers GSHHG.")
image.save(f"{out}/qgis-tiles.png", "png")

# A high flood zone as the server counts it: its colour where QGIS draws it.
high = get("/ogc/collections/flood-zones/items?hazard_class=high&limit=200")["features"]
if high:
    geoms = [QgsGeometry.fromWkt(ogr.CreateGeometryFromJson(json.dumps(f["geometry"])).ExportToWkt()) for f in high]
    zone = max(geoms, key=lambda g: g.area())
    inside = zone.pointOnSurface().asPoint()
    box = zone.boundingBox()
    box.grow(max(box.width(), box.height()) * 0.2)
    zoomed, settings = render_tiles(box, (600, 600))
    pixel = settings.mapToPixel().transform(to_mercator.transform(QgsPointXY(inside)))
    seen = zoomed.pixelColor(int(pixel.x()), int(pixel.y()))
    paint = {l["id"]: l.get("paint", {}) for l in style["layers"]}
    colour, a = paint["flood-zones:high"]["fill-color"], paint["flood-zones:high"]["fill-opacity"]
    land = QColor(paint["countries:land"]["fill-color"]).getRgb()[:3]
    expected = [round(a * h + (1 - a) * g) for h, g in zip(QColor(colour).getRgb()[:3], land)]
    got = list(seen.getRgb()[:3])
    zoomed.save(f"{out}/qgis-tiles-high-zone.png", "png")
    check(
        all(abs(e - g) <= 12 for e, g in zip(expected, got)),
        f"inside a high flood zone QGIS draws {got}, the high class ({colour}) over land is {expected}",
    )

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
sys.stdout.flush()
sys.stderr.flush()
# QGIS 3.22 may crash tearing down providers still holding network replies
# (exitQgis, or Python's own exit): leave without tearing down.
os._exit(1 if failures else 0)
