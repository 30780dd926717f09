"""Parameters many operations share: paging (an opaque `cursor`, a bounded `limit`) and integer ids.

Integer ids are PostgreSQL `bigint`s: a larger number in a path or query string is refused as
`validation_failed` (422) before it reaches the database, which would otherwise answer with an overflow.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from api.errors import FieldError, ProblemError

INT64_MAX = 2**63 - 1

#: A server-made integer id (deliveries, outbox entries) in a path: 1 to 2^63-1.
Int64Id = Annotated[int, PathParameter(ge=1, le=INT64_MAX, description="An integer id (1 to 2^63-1)")]

#: The deprecated v1 integer cursor: rows with a smaller id than this one. `ge=1`, not `gt=0`: litestar drops a
#: falsy bound from the document, which then promised any int64 (schemathesis sent a negative one).
BeforeId = Annotated[
    int | None,
    QueryParameter(
        ge=1,
        le=INT64_MAX,
        description="Deprecated (use the v2 operation's `cursor`): only rows with a smaller id than this one, "
        "i.e. the `next_cursor` of the previous page",
    ),
]

#: The opaque cursor of every paged list: the `next_cursor` of the previous page.
Cursor = Annotated[
    str | None,
    QueryParameter(
        max_length=300,
        description="The `next_cursor` of the previous page; leave out for the first page. Opaque: a cursor "
        "this API did not give out is refused as `invalid_cursor`.",
    ),
]

#: How many items a page holds at most. A full page comes with a `next_cursor` (the page after it may be empty);
#: a shorter one is the last.
Limit = Annotated[int, QueryParameter(ge=1, le=200, description="At most this many items (1 to 200)")]
DEFAULT_LIMIT = 50


#: A time in a query string: RFC 3339 with its offset (2026-11-22T08:00:00+08:00 or ...Z). Not a bare number,
#: which litestar's lax conversion would otherwise take as seconds since 1970.
RFC3339 = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
DateTimeText = Annotated[str | None, QueryParameter(pattern=RFC3339, max_length=40, format="date-time")]


def date_time(value: str | None, field: str) -> datetime | None:
    """The time a DateTimeText parameter names (the pattern has already refused what is not RFC 3339)."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:  # the pattern lets through a 30th of February
        raise ProblemError(
            422,
            "validation_failed",
            f"{field} is not a valid time",
            errors=[
                FieldError(field=field, code="invalid", message="RFC 3339, e.g. 2026-11-22T08:00:00+08:00")
            ],
        ) from exc
