"""Errors of the case workflow and its working-time calendar."""

from __future__ import annotations

from cases.common import CasesError, CasesFieldError


class InvalidCalendarDate(CasesFieldError):
    """A day that is not an ISO date (YYYY-MM-DD)."""

    code = "invalid_calendar_date"


class InvalidCalendarRange(CasesFieldError):
    """A range of days that ends before it starts or spans more days than allowed."""

    code = "invalid_calendar_range"


class CalendarOverrideNotFound(CasesError):
    code = "calendar_override_not_found"


class DeadlineBeyondCalendar(CasesError):
    """The working time cannot elapse within the calendar's search horizon (every day is a day off)."""

    code = "deadline_beyond_calendar"


class CaseNotFound(CasesError):
    code = "case_not_found"


class TransitionNotAllowed(CasesFieldError):
    """No such action from the case's current state (the problem names the actions that are possible)."""

    code = "transition_not_allowed"


class ActionForbidden(CasesFieldError):
    """The caller's roles or scope do not allow this action on this case."""

    code = "action_forbidden"


class VersionConflict(CasesFieldError):
    """The case changed since the caller read it: the problem carries its current state and version."""

    code = "version_conflict"


class MissingFields(CasesFieldError):
    code = "missing_fields"


class RatingNotAllowed(CasesFieldError):
    code = "rating_not_allowed"
