-- Shared set-up of the independent PostGIS exposure computation (see
-- exposure-polygons.sql and exposure-points.sql). Reads sitroom's own PostGIS store: the
-- current version of each layer. Variables: hazard, exposure, units (layer ids).
-- Areas are taken in EPSG:3857, as sitroom does; overlapping hazard zones count once, in
-- their highest class (1 high ... 4 very low).
\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE TEMP TABLE cur AS
SELECT f.layer_id, f.fid, f.code, f.population, f.households, f.hazard_class, f.geom
FROM features f JOIN layers l ON l.id = f.layer_id AND l.current_version = f.version
WHERE f.layer_id IN (:'hazard', :'exposure', :'units');

CREATE TEMP TABLE units AS
SELECT code, ST_Transform(geom, 3857) AS g FROM cur
WHERE layer_id = :'units' AND code IS NOT NULL;
CREATE INDEX ON units USING gist (g);

-- Each class's zones merged, less every more severe class, cut small for the index.
CREATE TEMP TABLE class_union AS
SELECT CASE hazard_class WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END AS r,
       ST_UnaryUnion(ST_Collect(ST_Transform(geom, 3857))) AS g
FROM cur WHERE layer_id = :'hazard' AND hazard_class IS NOT NULL
GROUP BY 1;
CREATE TEMP TABLE zones AS
SELECT a.r, ST_Subdivide(
         COALESCE(ST_Difference(a.g, (SELECT ST_UnaryUnion(ST_Collect(b.g)) FROM class_union b WHERE b.r < a.r)), a.g),
         256) AS g
FROM class_union a;
CREATE INDEX ON zones USING gist (g);
