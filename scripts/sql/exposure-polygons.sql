-- Exposure of an exposure layer of polygons (people spread evenly over each polygon) to a
-- hazard layer, by the units of a boundary layer, rolled up by code to every level:
-- ST_Intersection areas, shares scaled so that units that overlap one another never
-- count the same people twice. Output: unit code ('' = country), class rank (0 = no
-- hazard), count, population, households.
--   psql "$URL" -v hazard=flood-zones -v exposure=population-2022 -v units=rwa-villages \
--        -f scripts/sql/exposure-common.sql -f scripts/sql/exposure-polygons.sql
CREATE TEMP TABLE people AS
SELECT fid, COALESCE(population, 0) AS pop, COALESCE(households, 0) AS hh,
       ST_Transform(geom, 3857) AS g
FROM cur WHERE layer_id = :'exposure' AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON');
CREATE INDEX ON people USING gist (g);

CREATE TEMP TABLE shares AS
SELECT p.fid, u.code, ST_Intersection(p.g, u.g) AS g
FROM people p JOIN units u ON ST_Intersects(p.g, u.g);
DELETE FROM shares WHERE ST_Area(g) = 0;
CREATE INDEX ON shares USING gist (g);

CREATE TEMP TABLE denominators AS
SELECT s.fid, GREATEST(ST_Area(p.g), SUM(ST_Area(s.g))) AS d
FROM shares s JOIN people p USING (fid) GROUP BY s.fid, p.g;

CREATE TEMP TABLE classed AS
SELECT s.fid, s.code, z.r, SUM(ST_Area(ST_Intersection(s.g, z.g))) AS a
FROM shares s JOIN zones z ON ST_Intersects(s.g, z.g)
GROUP BY 1, 2, 3;

CREATE TEMP TABLE by_unit AS
SELECT s.code, c.r, c.a / d.d AS share, s.fid FROM shares s
JOIN classed c USING (fid, code) JOIN denominators d USING (fid)
UNION ALL
SELECT s.code, 0, GREATEST(ST_Area(s.g) - COALESCE(SUM(c.a), 0), 0) / d.d, s.fid
FROM shares s JOIN denominators d USING (fid)
LEFT JOIN classed c USING (fid, code)
GROUP BY s.code, s.fid, s.g, d.d;

\pset footer off
\pset format csv
SELECT left(b.code, digits) AS unit, b.r AS class, SUM(b.share) AS count,
       SUM(b.share * p.pop) AS population, SUM(b.share * p.hh) AS households
FROM by_unit b JOIN people p USING (fid)
CROSS JOIN (VALUES (0), (1), (2), (4), (6), (8)) AS levels (digits)
WHERE length(b.code) >= digits AND b.share > 0
GROUP BY 1, 2 ORDER BY 1, 2;
