-- The reports filed on a day (the indicator rollups of migration 0030 recompute days: cases/stats/rollup_store.py)
-- are found by their time; reports_reporter leads with the reporter and was read whole for each day.
CREATE INDEX reports_created ON reports (created_at);
