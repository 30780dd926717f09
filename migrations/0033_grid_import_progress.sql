-- A grid import's progress while the console's POST runs it (cases/grids/progress_store.py). The import runs in the
-- request that uploaded the file; its progress is written here by a separate autocommit connection so that the
-- page's polls, answered by any API process, can read it. The id is made by the browser (a UUID); only its
-- owner reads it. The worker's housekeeping deletes rows not updated for a day.
CREATE TABLE grid_import_progress (
    id         uuid PRIMARY KEY,
    owner_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('unit', 'responsibility')),
    file_name  text NOT NULL CHECK (length(file_name) <= 200),
    phase      text NOT NULL CHECK (phase IN ('parse', 'load', 'check', 'write', 'done', 'failed')),
    done       integer NOT NULL DEFAULT 0 CHECK (done >= 0),
    total      integer NOT NULL DEFAULT 0 CHECK (total >= 0),
    finished   boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX grid_import_progress_updated ON grid_import_progress (updated_at);
