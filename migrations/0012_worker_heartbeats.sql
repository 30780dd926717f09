-- The worker's heartbeat. Every running `cityloop worker` keeps one row, written (at most every few seconds)
-- after a pass in which its jobs reached the database and its notifications loop was working. /readyz reads
-- the newest beat: when WORKER_HEARTBEAT_REQUIRED is on and no worker has beaten within
-- WORKER_HEARTBEAT_MAX_AGE_S, the service is not ready. Times are the database's own clock on both sides.
-- The worker's housekeeping forgets rows of workers gone for a day.

CREATE TABLE worker_heartbeats (
    worker_id  text PRIMARY KEY,          -- host:pid:random, new for every start of the process
    host       text NOT NULL,
    pid        integer NOT NULL,
    started_at timestamptz NOT NULL,
    beat_at    timestamptz NOT NULL DEFAULT now()
);
