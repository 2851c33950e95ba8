-- Exposure of an exposure layer of points to a hazard layer, by the units of a boundary
-- layer, rolled up by code to every level: each point counts in the unit containing it
-- and in the highest class of the zones it touches (a zone's boundary counts as inside).
-- Output as exposure-polygons.sql.
--   psql "$URL" -v hazard=landslide-susceptibility -v exposure=returnee-households \
--        -v units=rwa-villages -f scripts/sql/exposure-common.sql -f scripts/sql/exposure-points.sql
CREATE TEMP TABLE by_unit AS
SELECT u.code,
       COALESCE((SELECT min(z.r) FROM zones z WHERE ST_Intersects(z.g, p.g)), 0) AS r,
       count(*)::float8 AS k, SUM(COALESCE(p.population, 0)) AS pop,
       SUM(COALESCE(p.households, 0)) AS hh
FROM (SELECT population, households, ST_Transform(geom, 3857) AS g FROM cur
      WHERE layer_id = :'exposure' AND GeometryType(geom) = 'POINT') p
CROSS JOIN LATERAL (SELECT code FROM units u WHERE ST_Intersects(u.g, p.g) LIMIT 1) u
GROUP BY 1, 2;

\pset footer off
\pset format csv
SELECT left(code, digits) AS unit, r AS class, SUM(k) AS count, SUM(pop) AS population,
       SUM(hh) AS households
FROM by_unit CROSS JOIN (VALUES (0), (1), (2), (4), (6), (8)) AS levels (digits)
WHERE length(code) >= digits
GROUP BY 1, 2 ORDER BY 1, 2;
