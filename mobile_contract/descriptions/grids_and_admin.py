"""Indicators, the working calendar, grid imports, duties and department links.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
    # indicators
    "getIndicators": (
        "The indicators of the closed loop (综合评价) per department, inspector, responsibility grid or "
        "district over a window of local days (at most 366): each a ratio with its numerator and denominator, "
        "then the weighted score (0 to 100) and its grade (A from 90, B from 75, C from 60, D from 40, E below). "
        "Figures are read as they stood at the end of the window, or now for a window not over yet; deferred "
        "(缓办), parked (挂账) and voided (作废) cases leave the denominators. Leaders, shift leads, dispatchers "
        "and admins; callers scoped to districts see their districts only."
    ),
    "getIndicatorWeights": (
        "The weights of the indicators in the score of one kind of group (department, inspector, grid or "
        "district), in points adding up to 100; 0 means the indicator is listed but not scored. Leaders, shift "
        "leads, dispatchers and admins."
    ),
    "setIndicatorWeights": (
        "Replaces the weights of one kind of group: points per indicator of that kind, adding up to 100 (an "
        "indicator left out weighs 0). Every score computed from now on uses them, for past windows too. "
        "Admins only; audited with the weights before and after. Safe to repeat (PUT)."
    ),
    # admins: working calendar
    "listCalendarDays": (
        "Every day from `from` to `to` (inclusive, at most 366 days) as the deadline clock sees it: a working "
        "day or a day off, and why (an admin's override, the official State Council calendar with its public "
        "holidays and make-up working days (调休), or the Monday-to-Friday rule for years the official "
        "calendar does not cover yet). The page also gives the city's time zone and the working hours per day "
        "that limits count. Admins only; each listing is written to the audit log."
    ),
    "setCalendarOverride": (
        "Makes one day a working day or a day off whatever the official calendar says: a typhoon day off, a "
        "local holiday, an extra working day. Deadlines computed from now on count the day accordingly. Setting "
        "the same day again replaces the override, so the call is safe to repeat; it answers the day as it now "
        "stands. Admins only; audited with the day before and after."
    ),
    "deleteCalendarOverride": (
        "Removes an admin's override, so that the day follows the official calendar (or the weekday rule) "
        "again, and answers the day as it now stands. A day without an override is refused. Admins only; "
        "audited."
    ),
    # admins: routing data
    "importGrids": (
        "Imports unit grids (单元网格, about 10,000 m² each, 15- or 14-digit codes) or responsibility grids "
        "(责任网格, 9-digit codes) from a GeoJSON FeatureCollection in WGS-84 or CGCS2000, up to 50 MB. The "
        "file is checked as a whole (codes, closed and valid rings, overlaps above 1 m²) and refused as a whole "
        "with every bad feature named by index and code; gaps are reported, not refused. Grids are upserted by "
        "code and grids missing from the file are kept; `dry_run` checks without writing, and `make_valid` "
        "repairs invalid polygons instead of refusing them. Every run, refused or not, is written to the import "
        "log and the audit log. Admins only."
    ),
    "listGridImports": (
        "The grid import log, newest first: one entry per run, imported, dry run or refused, with its counts "
        "and who ran it. Paging: pass the `created_at` of the last entry as `before` for older ones; the answer "
        "is a plain list of at most `limit` entries. Admins only. Deprecated: use listGridImportsV2, which pages with an opaque cursor."
    ),
    "getGridImport": (
        "One run of the grid import log with its findings: for a refused file, the problems that refused it; "
        "for an accepted one, what was repaired, the warnings and the gaps. Admins only."
    ),
    "putDuty": (
        "Puts an inspector (监督员) on duty for a responsibility grid (责任网格) from `starts_at`, until `ends_at` "
        "or with no end. Sending the same inspector, grid and start again changes that duty's end, so the call "
        "is safe to repeat; a duty that overlaps another of the same inspector on the same grid is refused. The "
        "user must be an enabled inspector, unscoped or scoped to the grid's district. New verify (核实) and "
        "check (核查) tasks of the grid go to the inspector on duty. Admins only; audited."
    ),
    "listDuties": (
        "Inspectors' duties: who is on duty for which responsibility grid (责任网格) and when, ordered by grid "
        "and start. Filter by grid code, and by `at` for the duties running at that instant. Not paginated: at "
        "most `limit` rows (500 by default). Admins only. Deprecated: use listDutiesV2, which pages with an opaque cursor."
    ),
    "putCategoryDepartment": (
        "Sets which department (专业部门) handles a category in one district (`district_code`), or in every "
        "district without a link of its own (`district_code` null). Putting the same category and district "
        "again changes the department, so the call is safe to repeat. Cases routed from now on follow it; "
        "cases already routed keep theirs. Admins only; audited."
    ),
}


PARAMETERS: dict[str, str] = {
    "listGridImports.before": (
        "Paging by time: only runs created before this instant (RFC 3339 with an offset); pass the "
        "`created_at` of the last entry of the previous page. Leave it out for the newest runs."
    ),
    "listDuties.limit": "The most duties returned, 1 to 1,000 (500 by default); the list is not paginated.",
    "listGridImports.limit": "The most runs returned, 1 to 200 (50 by default).",
    # the calendar and the indicators
    "from": "The first day, YYYY-MM-DD, a local day of the city (Asia/Shanghai).",
    "to": "The last day, included, YYYY-MM-DD; at most 366 days after `from`.",
    "getIndicators.from": (
        "The first day of the window, YYYY-MM-DD, a local day of the city: the window starts at 00:00 local "
        "time."
    ),
    "getIndicators.to": (
        "The last day of the window, included, YYYY-MM-DD: the window ends at 24:00 local time that day, or "
        "now when that is later than now. At most 366 days from `from`."
    ),
    "day": "A calendar day, YYYY-MM-DD, in the city's time zone.",
    "group_by": (
        "What the indicators are grouped by: department (专业部门), inspector (监督员), grid (a responsibility "
        "grid, 责任网格) or district (6-digit code)."
    ),
    "kind": (
        "The kind of group the weights score: department, inspector, grid or district; each kind weighs its "
        "own indicators."
    ),
    # grids and duties
    "importGrids.kind": (
        "What the file holds: unit grids (单元网格, 15- or 14-digit codes) or responsibility grids (责任网格, "
        "9-digit codes)."
    ),
    "make_valid": (
        "true: repair invalid polygons (self-intersections and the like) instead of refusing the file, and "
        "report each repair."
    ),
    "dry_run": "true: check the file and report as for an import, but write no grid (the run is still logged).",
    "file_name": "The file's name, kept in the import log (1 to 200 characters).",
    "import_id": "The import run's id, from importGrids or listGridImports.",
    "at": (
        "Only duties running at this instant (starts_at <= at < ends_at; an open end never ends), in RFC 3339 "
        "with its offset, for example 2026-11-22T08:00:00+08:00."
    ),
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    "listGridImports.before": "2026-11-20T08:00:00+08:00",
    "listDuties.limit": 100,
    "listGridImports.limit": 20,
    "from": "2026-11-01",
    "to": "2026-11-30",
    "getIndicators.from": "2026-10-01",
    "getIndicators.to": "2026-10-31",
    "day": "2026-11-23",
    "group_by": "department",
    "kind": "department",
    "importGrids.kind": "unit",
    "make_valid": False,
    "dry_run": True,
    "file_name": "dongcheng_unit_grids_2026.geojson",
    "import_id": "01936b00-9f8e-7d6c-8b5a-4c3d2e1f0a9b",
    "at": "2026-11-22T08:00:00+08:00",
}


SCHEMAS: dict[str, str] = {
    # the calendar
    "CalendarDay": "One day as the deadline clock sees it: a working day or not, and why.",
    "CalendarPage": "The days of a range, with the city's time zone and working hours.",
    "CalendarOverrideSet": "An admin's decision for one day: a working day or a day off.",
    # indicators
    "IndicatorReport": (
        "The indicators (综合评价) of every group over a window of local days, with the names of the "
        "indicators and the weights used."
    ),
    "GroupIndicators": "The indicators of one group (a department, an inspector, a grid or a district) and its score.",
    "Ratio": "One indicator: numerator / denominator, and the ratio.",
    "IndicatorWeights": "The weights of the indicators in the score of one kind of group.",
    "IndicatorWeightsSet": "All weights of one kind of group, in points adding up to 100.",
    # routing data
    "ImportReport": (
        "The result of a grid import: the outcome, the counts, and every problem, repair, warning and gap."
    ),
    "ImportProblem": (
        "One finding about a feature of the file (named by `index` and `code`) or, without an index, about the "
        "whole file."
    ),
    "Gap": "An area enclosed by the imported grids that none of them covers (reported, not refused).",
    "ImportLogEntry": "One run of the grid import log.",
    "ImportLogDetail": "One run of the grid import log with its findings.",
    "DutyAssign": "Put an inspector on duty for a responsibility grid (责任网格).",
    "Duty": "An inspector's duty (值守) for a responsibility grid: who, where, from when to when.",
    "CategoryDepartmentLink": (
        "Which department handles a category in a district, or in any district without a link of its own."
    ),
    "CategoryDepartment": "A category → department link used by routing.",
}


PROPERTIES: dict[str, str] = {
    # the calendar
    "CalendarDay.day": "The day, YYYY-MM-DD, in the city's time zone.",
    "CalendarDay.workday": "true when deadlines count working hours on this day.",
    "CalendarDay.source": (
        "Why: override (an admin's decision), official (the State Council calendar: holidays and make-up "
        "working days, 调休) or weekday-rule (Monday to Friday, for a year the official calendar does not cover)."
    ),
    "CalendarDay.festival": (
        "The official holiday the day belongs to, for a day off or a make-up working day (for example National "
        "Day); null for an ordinary day."
    ),
    "CalendarDay.note": "The admin's note on an override; empty otherwise.",
    "CalendarPage.from": "The first day listed, YYYY-MM-DD.",
    "CalendarPage.to": "The last day listed (included), YYYY-MM-DD.",
    "CalendarPage.timezone": "The city's time zone (IANA), for example Asia/Shanghai.",
    "CalendarPage.hours_per_day": "Working hours in a working day (7 by default: 09:00-12:00 and 13:30-17:30).",
    "CalendarPage.days": "Every day of the range, in order.",
    "CalendarOverrideSet.workday": "true: a working day; false: a day off.",
    "CalendarOverrideSet.note": "Why, at most 200 characters, for example 台风停工 (typhoon).",
    # indicators
    "IndicatorReport.from": "The first day of the window, YYYY-MM-DD.",
    "IndicatorReport.to": "The last day of the window (included), YYYY-MM-DD.",
    "IndicatorReport.timezone": "The city's time zone the days are local to.",
    "IndicatorReport.group_by": "department, inspector, grid or district.",
    "IndicatorReport.window_start": "The window's start, UTC (00:00 local time of `from`).",
    "IndicatorReport.window_end": "The window's end, UTC (00:00 local time after `to`), excluded.",
    "IndicatorReport.as_of": "The cut-off the figures stand at: the window's end, or now when it has not ended.",
    "IndicatorReport.names": (
        "The indicators of the grouping, by key, named in the caller's language (handle_rate: 处置率 or handled)."
    ),
    "IndicatorReport.weights": "The weight of each indicator in the score, in points adding up to 100.",
    "IndicatorReport.groups": "One entry per group with at least one indicator that has a denominator.",
    "GroupIndicators.key": "The group: a department code, a user id, a responsibility grid id, or a district code.",
    "GroupIndicators.name": "The group's name: a department's name, an inspector's name, a grid's code and name, a district code.",
    "GroupIndicators.indicators": "Each indicator of the grouping by key (for example handle_rate), as a ratio.",
    "GroupIndicators.score": (
        "The weighted score, 0 to 100, 2 decimals; indicators where lower is better count as 1 − ratio. Null "
        "when no weighted indicator has a denominator."
    ),
    "GroupIndicators.grade": "A (90 and above), B (75), C (60), D (40) or E (below 40); null without a score.",
    "GroupIndicators.score_weight": (
        "How many of the 100 points the score rests on: indicators without a denominator leave it, and the "
        "weights are scaled to the rest."
    ),
    "Ratio.numerator": "The count that met the indicator (for example handled on time).",
    "Ratio.denominator": "The count it is measured against (for example due to be handled).",
    "Ratio.ratio": "numerator / denominator, 0 to 1, 4 decimals; null when the denominator is 0.",
    "IndicatorWeights.kind": "The kind of group: department, inspector, grid or district.",
    "IndicatorWeights.weights": "Every indicator of the kind with its points; 0 means listed but not scored.",
    "IndicatorWeights.updated_at": (
        "When they last changed, UTC (when the published defaults were installed, until an admin sets them); "
        "null when none are stored."
    ),
    "IndicatorWeights.updated_by": "The admin who last set them; null for the published defaults.",
    "IndicatorWeightsSet.weights": (
        "Points per indicator of the kind, each 0 to 100, adding up to 100; an indicator left out weighs 0. "
        "Keys are indicator keys, for example handle_rate, handle_on_time_rate, rework_rate."
    ),
    # grid imports
    "ImportReport.id": "The run's id in the import log.",
    "ImportReport.kind": "unit (单元网格) or responsibility (责任网格).",
    "ImportReport.file_name": "The file's name as given.",
    "ImportReport.sha256": "The SHA-256 of the file, 64 hex digits.",
    "ImportReport.outcome": "imported, dry_run (checked, nothing written) or refused (nothing written).",
    "ImportReport.dry_run": "Whether it was a dry run.",
    "ImportReport.make_valid": "Whether invalid polygons were repaired instead of refused.",
    "ImportReport.features": "Features in the file.",
    "ImportReport.created": "Grids created (codes not stored before).",
    "ImportReport.updated": "Grids whose stored polygon, name or links changed.",
    "ImportReport.unchanged": "Grids of the file identical to what was stored.",
    "ImportReport.not_in_file": "Stored grids of this kind that the file does not mention; they are kept.",
    "ImportReport.links_changed": "Unit grids whose responsibility grid changed with this import.",
    "ImportReport.units_unassigned": "Stored unit grids with no responsibility grid after the import.",
    "ImportReport.parts": "Separate pieces of the union of the file's grids (1 when the file is one piece).",
    "ImportReport.gaps": "Gaps enclosed by the file's grids that none covers (at most 1,000 listed).",
    "ImportReport.gaps_total": "How many gaps there are in all.",
    "ImportReport.repaired": "Polygons repaired by make_valid, one finding each.",
    "ImportReport.warnings": "Findings that do not refuse the file.",
    "ImportReport.problems": "What refused the file (at most 10,000 listed); empty when it was accepted.",
    "ImportReport.problems_total": "How many problems there are in all.",
    "ImportReport.seconds": "Seconds spent per phase (parse, load, check, write) and in total.",
    "ImportReport.created_at": "When the run happened, UTC.",
    "ImportProblem.problem": (
        "What is wrong, as a code: for example invalid_geometry, unclosed_ring, overlap, overlaps_stored_grid, "
        "unknown_unit_codes, unsupported_crs, no_features, repaired, gap."
    ),
    "ImportProblem.detail": "The finding in words.",
    "ImportProblem.index": "The feature's position in the file, from 0; null or left out for the whole file.",
    "ImportProblem.code": "The feature's grid code; null or left out when it has none.",
    "ImportProblem.other_index": "For an overlap: the other feature's position in the file.",
    "ImportProblem.other_code": "For an overlap: the other grid's code (in the file or stored).",
    "ImportProblem.area_m2": "For an overlap, a repair or a gap: the area concerned, in m².",
    "Gap.area_m2": "The gap's area in m².",
    "Gap.lat": "The latitude of a point inside the gap (WGS-84).",
    "Gap.lon": "The longitude of a point inside the gap (WGS-84).",
    "Gap.around": "Codes of grids on the gap's edge (at most 8).",
    "ImportLogEntry.id": "The run's id.",
    "ImportLogEntry.kind": "unit or responsibility.",
    "ImportLogEntry.file_name": "The file's name as given.",
    "ImportLogEntry.sha256": "The SHA-256 of the file.",
    "ImportLogEntry.outcome": "imported, dry_run or refused.",
    "ImportLogEntry.dry_run": "Whether it was a dry run.",
    "ImportLogEntry.make_valid": "Whether invalid polygons were repaired.",
    "ImportLogEntry.counts": (
        "The run's counts: features, created, updated, unchanged, not_in_file, links_changed, "
        "units_unassigned, parts, gaps_total, repaired, warnings, problems, and seconds per phase."
    ),
    "ImportLogEntry.problem_count": "How many problems refused the file; 0 for an accepted one.",
    "ImportLogEntry.actor_id": "Who ran it; null for an operator's command.",
    "ImportLogEntry.actor_label": "A readable label of who ran it.",
    "ImportLogEntry.created_at": "When it ran, UTC.",
    "ImportLogDetail.id": "The run's id.",
    "ImportLogDetail.kind": "unit or responsibility.",
    "ImportLogDetail.file_name": "The file's name as given.",
    "ImportLogDetail.sha256": "The SHA-256 of the file.",
    "ImportLogDetail.outcome": "imported, dry_run or refused.",
    "ImportLogDetail.dry_run": "Whether it was a dry run.",
    "ImportLogDetail.make_valid": "Whether invalid polygons were repaired.",
    "ImportLogDetail.counts": "The run's counts, as in ImportReport, with seconds per phase.",
    "ImportLogDetail.problem_count": "How many problems refused the file; 0 for an accepted one.",
    "ImportLogDetail.actor_id": "Who ran it; null for an operator's command.",
    "ImportLogDetail.actor_label": "A readable label of who ran it.",
    "ImportLogDetail.created_at": "When it ran, UTC.",
    "ImportLogDetail.problems": (
        "Findings as ImportProblem objects: what refused the file, or for an accepted one its repairs, "
        "warnings and gaps (at most 10,000)."
    ),
    # duties and department links
    "DutyAssign.inspector_id": "The user to put on duty: enabled, with the inspector role for the grid's district.",
    "DutyAssign.grid": "The responsibility grid's 9-digit code, for example 110101001.",
    "DutyAssign.starts_at": "When the duty starts, RFC 3339 with an offset.",
    "DutyAssign.ends_at": "When it ends (after starts_at), with an offset; null or left out for no end.",
    "Duty.id": "The duty's id.",
    "Duty.inspector_id": "The inspector on duty.",
    "Duty.inspector_name": "The inspector's display name.",
    "Duty.grid": "The responsibility grid's 9-digit code.",
    "Duty.starts_at": "When the duty starts, UTC.",
    "Duty.ends_at": "When it ends, UTC; null for no end.",
    "Duty.created_at": "When it was put, UTC.",
    "Duty.updated_at": "When it last changed, UTC.",
    "CategoryDepartmentLink.category": "The category's code, for example E0102.",
    "CategoryDepartmentLink.department": "The department's code (2 to 32 of a-z 0-9 _ -), for example sanitation.",
    "CategoryDepartmentLink.district_code": (
        "The district's 6-digit code (GB/T 2260), for example 110101; null or left out for every district "
        "without its own link."
    ),
    "CategoryDepartment.category": "The category's code.",
    "CategoryDepartment.district_code": "The district's 6-digit code; null for every district without its own link.",
    "CategoryDepartment.department": "The department's code.",
    "CategoryDepartment.created_at": "When the link was made, UTC.",
    "CategoryDepartment.updated_at": "When it last changed, UTC.",
}


EXAMPLES: dict[str, Any] = {
    # the calendar
    "CalendarDay": {
        "day": "2026-10-10",
        "workday": True,
        "source": "official",
        "festival": "National Day",
        "note": "",
    },
    "CalendarPage": {
        "from": "2026-10-07",
        "to": "2026-10-10",
        "timezone": "Asia/Shanghai",
        "hours_per_day": 7.0,
        "days": [
            {
                "day": "2026-10-07",
                "workday": False,
                "source": "official",
                "festival": "National Day",
                "note": "",
            },
            {"day": "2026-10-08", "workday": True, "source": "official", "festival": None, "note": ""},
            {
                "day": "2026-10-09",
                "workday": False,
                "source": "override",
                "festival": None,
                "note": "台风红色预警，全市停工",
            },
            {
                "day": "2026-10-10",
                "workday": True,
                "source": "official",
                "festival": "National Day",
                "note": "",
            },
        ],
    },
    "CalendarOverrideSet": {"workday": False, "note": "台风红色预警，全市停工"},
    # indicators
    "Ratio": {"numerator": 43, "denominator": 50, "ratio": 0.86},
    "GroupIndicators": {
        "key": "sanitation",
        "name": "环境卫生管理处",
        "indicators": {
            "handle_rate": {"numerator": 46, "denominator": 50, "ratio": 0.92},
            "handle_on_time_rate": {"numerator": 43, "denominator": 50, "ratio": 0.86},
            "overdue_open_rate": {"numerator": 4, "denominator": 50, "ratio": 0.08},
            "extension_rate": {"numerator": 2, "denominator": 50, "ratio": 0.04},
            "rework_rate": {"numerator": 3, "denominator": 46, "ratio": 0.0652},
        },
        "score": 91.5,
        "grade": "A",
        "score_weight": 100.0,
    },
    "IndicatorReport": {
        "from": "2026-10-01",
        "to": "2026-10-31",
        "timezone": "Asia/Shanghai",
        "group_by": "department",
        "window_start": "2026-09-30T16:00:00Z",
        "window_end": "2026-10-31T16:00:00Z",
        "as_of": "2026-10-31T16:00:00Z",
        "names": {
            "handle_rate": "处置率",
            "handle_on_time_rate": "按期处置率",
            "overdue_open_rate": "超期待处置率",
            "extension_rate": "延期率",
            "rework_rate": "返工率",
        },
        "weights": {
            "handle_rate": 30.0,
            "handle_on_time_rate": 20.0,
            "overdue_open_rate": 20.0,
            "extension_rate": 10.0,
            "rework_rate": 20.0,
        },
        "groups": [
            {
                "key": "sanitation",
                "name": "环境卫生管理处",
                "indicators": {
                    "handle_rate": {"numerator": 46, "denominator": 50, "ratio": 0.92},
                    "handle_on_time_rate": {"numerator": 43, "denominator": 50, "ratio": 0.86},
                    "overdue_open_rate": {"numerator": 4, "denominator": 50, "ratio": 0.08},
                    "extension_rate": {"numerator": 2, "denominator": 50, "ratio": 0.04},
                    "rework_rate": {"numerator": 3, "denominator": 46, "ratio": 0.0652},
                },
                "score": 91.5,
                "grade": "A",
                "score_weight": 100.0,
            }
        ],
    },
    "IndicatorWeights": {
        "kind": "department",
        "weights": {
            "handle_rate": 30.0,
            "handle_on_time_rate": 20.0,
            "overdue_open_rate": 20.0,
            "extension_rate": 10.0,
            "rework_rate": 20.0,
        },
        "updated_at": "2026-11-02T06:30:12.004Z",
        "updated_by": "01935e00-1a2b-7c3d-8e4f-5a6b7c8d9e01",
    },
    "IndicatorWeightsSet": {
        "weights": {
            "handle_rate": 30,
            "handle_on_time_rate": 20,
            "overdue_open_rate": 20,
            "extension_rate": 10,
            "rework_rate": 20,
        }
    },
    # grid imports, duties, department links
    "ImportProblem": {
        "problem": "overlap",
        "detail": "features 17 and 18 share 36.2 m²",
        "index": 17,
        "code": "110101001002003",
        "other_index": 18,
        "other_code": "110101001002004",
        "area_m2": 36.2,
    },
    "Gap": {
        "area_m2": 184.6,
        "lat": 39.91327,
        "lon": 116.41285,
        "around": ["110101001002003", "110101001002007"],
    },
    "ImportReport": {
        "id": "01936b00-9f8e-7d6c-8b5a-4c3d2e1f0a9b",
        "kind": "unit",
        "file_name": "dongcheng_unit_grids_2026.geojson",
        "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
        "outcome": "dry_run",
        "dry_run": True,
        "make_valid": False,
        "features": 1652,
        "created": 12,
        "updated": 40,
        "unchanged": 1600,
        "not_in_file": 0,
        "links_changed": 3,
        "units_unassigned": 0,
        "parts": 1,
        "gaps": [
            {
                "area_m2": 184.6,
                "lat": 39.91327,
                "lon": 116.41285,
                "around": ["110101001002003", "110101001002007"],
            }
        ],
        "gaps_total": 1,
        "repaired": [],
        "warnings": [],
        "problems": [],
        "problems_total": 0,
        "seconds": {"parse": 0.412, "load": 1.208, "check": 2.377, "write": 0.951, "total": 4.948},
        "created_at": "2026-11-20T07:12:44.120Z",
    },
    "ImportLogEntry": {
        "id": "01936b00-9f8e-7d6c-8b5a-4c3d2e1f0a9b",
        "kind": "unit",
        "file_name": "dongcheng_unit_grids_2026.geojson",
        "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
        "outcome": "refused",
        "dry_run": False,
        "make_valid": False,
        "counts": {
            "features": 1652,
            "repaired": 0,
            "warnings": 0,
            "problems": 2,
            "seconds": {"parse": 0.412},
        },
        "problem_count": 2,
        "actor_id": "01935e00-1a2b-7c3d-8e4f-5a6b7c8d9e01",
        "actor_label": "admin 张伟",
        "created_at": "2026-11-20T07:05:02.871Z",
    },
    "ImportLogDetail": {
        "id": "01936b00-9f8e-7d6c-8b5a-4c3d2e1f0a9b",
        "kind": "unit",
        "file_name": "dongcheng_unit_grids_2026.geojson",
        "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
        "outcome": "refused",
        "dry_run": False,
        "make_valid": False,
        "counts": {
            "features": 1652,
            "repaired": 0,
            "warnings": 0,
            "problems": 2,
            "seconds": {"parse": 0.412},
        },
        "problem_count": 2,
        "actor_id": "01935e00-1a2b-7c3d-8e4f-5a6b7c8d9e01",
        "actor_label": "admin 张伟",
        "created_at": "2026-11-20T07:05:02.871Z",
        "problems": [
            {
                "problem": "unclosed_ring",
                "detail": "ring 0 is not closed: its first and last positions differ",
                "index": 211,
                "code": "110101002001004",
            },
            {
                "problem": "overlap",
                "detail": "features 17 and 18 share 36.2 m²",
                "index": 17,
                "code": "110101001002003",
                "other_index": 18,
                "other_code": "110101001002004",
                "area_m2": 36.2,
            },
        ],
    },
    "DutyAssign": {
        "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "grid": "110101001",
        "starts_at": "2026-11-23T08:00:00+08:00",
        "ends_at": "2026-11-23T18:00:00+08:00",
    },
    "Duty": {
        "id": "01936000-5b6c-7d7e-8f80-9a1b2c3d4e5f",
        "inspector_id": "01935f0e-8a9b-7c1d-9e2f-3a4b5c6d7e21",
        "inspector_name": "李建国",
        "grid": "110101001",
        "starts_at": "2026-11-23T00:00:00Z",
        "ends_at": "2026-11-23T10:00:00Z",
        "created_at": "2026-11-21T09:14:50.332Z",
        "updated_at": "2026-11-21T09:14:50.332Z",
    },
    "CategoryDepartmentLink": {"category": "E0102", "department": "sanitation", "district_code": "110101"},
    "CategoryDepartment": {
        "category": "E0102",
        "district_code": "110101",
        "department": "sanitation",
        "created_at": "2026-11-21T09:20:11.508Z",
        "updated_at": "2026-11-21T09:20:11.508Z",
    },
}
