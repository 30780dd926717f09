-- The public map at city scale (issue 13): the map's statements (cases/reports/store.py: the GeoJSON map's
-- count, points and clusters, and the vector tiles) filter on ST_X / ST_Y of a case's place and cluster on
-- integer cells of those, so that the public cases of a box are read from this index alone (an index-only scan:
-- the place, category and state are in it), never from the table's pages. Only public cases are in it.
CREATE INDEX cases_map_xy ON cases (ST_X(location), ST_Y(location))
    INCLUDE (location, category_code, state) WHERE hidden_at IS NULL;
