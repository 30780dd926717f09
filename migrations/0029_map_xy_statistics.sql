-- The map's boxes (migration 0028) are estimated from statistics on ST_X and ST_Y of a case's place: PostgreSQL does
-- not use the statistics of a partial index's expressions (cases_map_xy), so without these it guessed a box of a
-- district at 25 cases instead of 150,000 and sorted them to cluster instead of hashing (bench/README.md).
CREATE STATISTICS IF NOT EXISTS cases_map_xy_stats ON (ST_X(location)), (ST_Y(location)) FROM cases;
