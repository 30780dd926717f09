"""The SQL of a grid import's progress (migration 0033): one row per console import, written outside the
import's transaction (autocommit) so that any API process can answer the page's polls."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from cases.grids.store import GridKind, Record


async def start_progress(
    conn: asyncpg.Connection, job_id: UUID, owner_id: UUID, kind: GridKind, file_name: str
) -> bool:
    """A new row, or the same owner's row started again; False (nothing written) when another user owns the id."""
    row = await conn.fetchrow(
        """INSERT INTO grid_import_progress (id, owner_id, kind, file_name, phase)
           VALUES ($1, $2, $3, $4, 'parse')
           ON CONFLICT (id) DO UPDATE
              SET kind = EXCLUDED.kind, file_name = EXCLUDED.file_name, phase = 'parse', done = 0, total = 0,
                  finished = false, updated_at = now()
            WHERE grid_import_progress.owner_id = EXCLUDED.owner_id
           RETURNING id""",
        job_id,
        owner_id,
        kind,
        file_name,
    )
    return row is not None


async def set_progress(
    conn: asyncpg.Connection,
    job_id: UUID,
    owner_id: UUID,
    phase: str,
    done: int,
    total: int,
    finished: bool,
) -> None:
    await conn.execute(
        """UPDATE grid_import_progress SET phase = $3, done = $4, total = $5, finished = $6, updated_at = now()
            WHERE id = $1 AND owner_id = $2""",
        job_id,
        owner_id,
        phase,
        done,
        total,
        finished,
    )


async def get_progress(conn: asyncpg.Connection, job_id: UUID, owner_id: UUID) -> Record | None:
    """The row, only for its owner."""
    return await conn.fetchrow(
        """SELECT id, owner_id, kind, file_name, phase, done, total, finished, updated_at
             FROM grid_import_progress WHERE id = $1 AND owner_id = $2""",
        job_id,
        owner_id,
    )


async def delete_progress_before(conn: asyncpg.Connection, older_than_s: float) -> int:
    status = await conn.execute(
        "DELETE FROM grid_import_progress WHERE updated_at < now() - make_interval(secs => $1)", older_than_s
    )
    return int(status.split()[-1])
