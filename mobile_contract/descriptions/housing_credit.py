"""Housing: credit evaluation of property companies (物业服务企业信用评价).

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

# credit evaluation of property companies (物业服务企业信用评价) ------------------------------------------------

_CREDIT_FORMULA = (
    "Figures (numerator / denominator, per estate; a company's add up its estates'): complaints_per_100, "
    "complaints reported in the month × 100 / homes (lower is better: earns 1 − value / complaints_cap of its "
    "points, at least none); escalation_rate, complaints escalated to the housing office (督办) in the month / "
    "complaints (complaints whose escalation falls in the month; lower is better, at least none); on_time_rate, "
    "steps of repairs and complaints (the company's: accept, assign, handle; a step ended by an escalation "
    "counts, late) due in the month / done by their due time; "
    "satisfaction_rate, ratings given in the month / of them 4 or 5; filing_compliance, 1/1 when accepted "
    "service-contract filings cover every day of the month, else 0/1. score = Σ weight × earned / Σ weight × "
    "100 over the figures with a denominator, rounded once (half up) to 2 places; graded by the scheme's bands."
)
_CREDIT_MONTH = (
    "The month, YYYY-MM, in the city's time zone (Asia/Shanghai): from the 1st 00:00 to the next 1st 00:00 local "
    "time. 2000-01 or later and begun (invalid_credit_month otherwise); the current month is read up to now."
)
_CREDIT_FIGURES = (
    "Each figure by name (complaints_per_100, escalation_rate, on_time_rate, satisfaction_rate, "
    "filing_compliance) with its numerator and denominator."
)
OPERATIONS: dict[str, str] = {
    "getEstateCredit": (
        "The property company's credit in the estate for a month (物业服务企业信用评价): the company (named by "
        "the latest service-contract filing accepted by then whose term meets the month, else the estate's "
        "page), every figure with its numerator and denominator, the score 0-100 and the grade A-E, with the "
        f"scheme that scored it. {_CREDIT_FORMULA} Every figure for admins, leaders and housing officers of "
        "the estate's district and the estate's property staff; the estate's residents (bound now to one of "
        "its homes) get the company and its grade only (view `grade`: score and figures null); anyone else "
        "is credit_forbidden."
    ),
    "listCompanyCredit": (
        "Each property company's credit for a month over its estates in one district, or in every district "
        "the caller reaches: the overall figures (the estates' numerators and denominators added up), score "
        "and grade, and each estate's score and grade. Ordered by company name; paging: pass `next_cursor` "
        "back as `cursor`. For admins, leaders and housing officers; a district-scoped caller counts their "
        "districts only, and another district is credit_forbidden."
    ),
    "getCreditScheme": (
        "The credit scheme: the points of each figure in the score (adding up to 100), the complaints per 100 "
        "homes that earn no points (complaints_cap) and the lowest score of each grade. Defaults: 20, 15, 25, "
        "25, 15; cap 5; bands 90, 75, 60, 40. For admins, leaders and housing officers."
    ),
    "setCreditScheme": (
        "Replaces the credit scheme: every weight (points adding up to 100, else invalid_credit_scheme), the "
        "complaints cap, and grade bands strictly descending from A to D. Every month read afterwards, past "
        "ones included, is scored with it. Admins only; audited (credit_scheme.set, with before and after)."
    ),
}
PARAMETERS: dict[str, str] = {
    "getEstateCredit.month": _CREDIT_MONTH,
    "listCompanyCredit.month": _CREDIT_MONTH,
    "listCompanyCredit.district": (
        "Only the estates of this district (its 6-digit code); left out: every district the caller reaches."
    ),
}
PARAMETER_EXAMPLES: dict[str, Any] = {
    "getEstateCredit.month": "2026-11",
    "listCompanyCredit.month": "2026-11",
    "listCompanyCredit.district": "110101",
    "listCompanyCredit.cursor": "WyLljJfkuqzlronlsYXniankuJrmnI3liqHmnInpmZDlhazlj7giXQ",
}
SCHEMAS: dict[str, str] = {
    "EstateCredit": "A property company's credit in one estate for one month.",
    "CreditFigure": "One figure of a credit evaluation: its numerator, denominator, value and the points it earns.",
    "CreditScheme": "How credit is scored: the weights, the complaints cap and the grade bands.",
    "CreditSchemeSet": "A whole credit scheme, to replace the one in force.",
    "CreditWeights": "The points of each figure in the score, adding up to 100; 0 leaves a figure out.",
    "GradeBands": "The lowest score of grades A to D, strictly descending; below D's is E.",
    "CompanyCredit": "A property company's overall credit for a month over its estates in scope.",
    "CompanyEstate": "One estate of a company, with its own score and grade for the month.",
    "CompanyCreditPage": "A page of property companies' credit for a month, by company name.",
}
_CREDIT_WINDOW = {
    "window_start": "The start of the month (the 1st 00:00 in Beijing), in UTC.",
    "window_end": "The end of the month (the next 1st 00:00 in Beijing), in UTC, exclusive.",
    "as_of": "The cut-off the figures are read at: the end of the month, or now for the current month.",
    "names": "The figures' names in the caller's language (每百户投诉量 / complaints per 100 homes).",
    "scheme": "The scheme the score was computed with.",
    "month": "The month, YYYY-MM.",
}
PROPERTIES: dict[str, str] = {
    **{f"EstateCredit.{k}": v for k, v in _CREDIT_WINDOW.items()},
    **{f"CompanyCreditPage.{k}": v for k, v in _CREDIT_WINDOW.items()},
    "EstateCredit.estate_id": "The estate.",
    "EstateCredit.estate_name": "The estate's name.",
    "EstateCredit.company": "The property company serving the estate in the month.",
    "EstateCredit.view": "full (every figure) or grade (residents: the company and its grade only).",
    "EstateCredit.grade": "A to E by the scheme's bands; null when no weighted figure has a denominator.",
    "EstateCredit.score": "0-100, 2 places; null in the grade view or when no weighted figure has a denominator.",
    "EstateCredit.score_weight": "How many of the 100 points the score rests on (weights of the figures with a denominator); null in the grade view.",
    "EstateCredit.figures": _CREDIT_FIGURES + " Null in the grade view.",
    "CreditFigure.numerator": "The numerator (complaints, escalated complaints, steps on time, ratings of 4-5, estates covered by filings).",
    "CreditFigure.denominator": "The denominator (homes, complaints, steps due, ratings, estates).",
    "CreditFigure.value": "numerator / denominator to 4 places (complaints_per_100: × 100, 2 places); null when the denominator is 0.",
    "CreditFigure.points": "What the figure earns out of 100 before weighting, 2 places; null when the denominator is 0.",
    "CreditScheme.weights": "The points of each figure in the score.",
    "CreditScheme.complaints_cap": "Complaints per 100 homes in a month that earn no points (0 earn every point, linearly between).",
    "CreditScheme.grade_bands": "The lowest score of each grade.",
    "CreditScheme.updated_at": "When the scheme was last set (the migration's time for the defaults).",
    "CreditScheme.updated_by": "The admin who last set it; null for the defaults.",
    "CreditSchemeSet.weights": "Every figure's points, adding up to 100.",
    "CreditSchemeSet.complaints_cap": "Complaints per 100 homes that earn no points: more than 0, at most 1000.",
    "CreditSchemeSet.grade_bands": "The lowest score of A, B, C and D, strictly descending, at most 100.",
    "CreditWeights.complaints_per_100": "Points of complaints per 100 homes (lower is better). Default 20.",
    "CreditWeights.escalation_rate": "Points of complaints escalated (督办; lower is better). Default 15.",
    "CreditWeights.on_time_rate": "Points of repair steps done on time. Default 25.",
    "CreditWeights.satisfaction_rate": "Points of ratings of 4 or 5. Default 25.",
    "CreditWeights.filing_compliance": "Points of the service contract filed for the whole month. Default 15.",
    "GradeBands.A": "The lowest score of A. Default 90.",
    "GradeBands.B": "The lowest score of B. Default 75.",
    "GradeBands.C": "The lowest score of C. Default 60.",
    "GradeBands.D": "The lowest score of D (below it: E). Default 40.",
    "CompanyCredit.company": "The property company, by the name its filings (or its estates' pages) give.",
    "CompanyCredit.score": "0-100 over its estates' figures added up; null when no weighted figure has a denominator.",
    "CompanyCredit.grade": "A to E; null without a score.",
    "CompanyCredit.score_weight": "How many of the 100 points the score rests on.",
    "CompanyCredit.figures": _CREDIT_FIGURES + " The estates' numerators and denominators added up.",
    "CompanyCredit.estates": "Its estates in scope, by name, each with its own score and grade.",
    "CompanyEstate.estate_id": "The estate.",
    "CompanyEstate.estate_name": "The estate's name.",
    "CompanyEstate.district_code": "The estate's district (6-digit code).",
    "CompanyEstate.score": "The estate's score for the month; null without one.",
    "CompanyEstate.grade": "The estate's grade; null without a score.",
    "CompanyCreditPage.districts": "The districts counted; null: every district.",
    "CompanyCreditPage.items": "The companies of this page, by name.",
    "CompanyCreditPage.next_cursor": "Pass as `cursor` for the next page; null on the last page.",
}
_CREDIT_SCHEME_EXAMPLE = {
    "weights": {
        "complaints_per_100": 20.0,
        "escalation_rate": 15.0,
        "on_time_rate": 25.0,
        "satisfaction_rate": 25.0,
        "filing_compliance": 15.0,
    },
    "complaints_cap": 5.0,
    "grade_bands": {"A": 90.0, "B": 75.0, "C": 60.0, "D": 40.0},
    "updated_at": "2026-11-01T00:00:00Z",
    "updated_by": None,
}
_CREDIT_FIGURES_EXAMPLE = {
    "complaints_per_100": {"numerator": 1, "denominator": 40, "value": 2.5, "points": 50.0},
    "escalation_rate": {"numerator": 0, "denominator": 1, "value": 0.0, "points": 100.0},
    "on_time_rate": {"numerator": 2, "denominator": 4, "value": 0.5, "points": 50.0},
    "satisfaction_rate": {"numerator": 2, "denominator": 3, "value": 0.6667, "points": 66.67},
    "filing_compliance": {"numerator": 1, "denominator": 1, "value": 1.0, "points": 100.0},
}
_CREDIT_NAMES_EXAMPLE = {
    "complaints_per_100": "每百户投诉量",
    "escalation_rate": "投诉督办率",
    "on_time_rate": "报修按时率",
    "satisfaction_rate": "业主满意率",
    "filing_compliance": "合同备案合规",
}
EXAMPLES: dict[str, Any] = {
    "EstateCredit": {
        "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
        "estate_name": "幸福里小区",
        "month": "2026-11",
        "company": "北京安居物业服务有限公司",
        "view": "full",
        "grade": "C",
        "score": 69.17,
        "score_weight": 100.0,
        "figures": _CREDIT_FIGURES_EXAMPLE,
        "window_start": "2026-10-31T16:00:00Z",
        "window_end": "2026-11-30T16:00:00Z",
        "as_of": "2026-11-30T16:00:00Z",
        "names": _CREDIT_NAMES_EXAMPLE,
        "scheme": _CREDIT_SCHEME_EXAMPLE,
    },
    "CreditScheme": _CREDIT_SCHEME_EXAMPLE,
    "CreditSchemeSet": {k: v for k, v in _CREDIT_SCHEME_EXAMPLE.items() if not k.startswith("updated")},
    "CompanyCreditPage": {
        "month": "2026-11",
        "districts": ["110101"],
        "window_start": "2026-10-31T16:00:00Z",
        "window_end": "2026-11-30T16:00:00Z",
        "as_of": "2026-11-30T16:00:00Z",
        "names": _CREDIT_NAMES_EXAMPLE,
        "scheme": _CREDIT_SCHEME_EXAMPLE,
        "items": [
            {
                "company": "北京安居物业服务有限公司",
                "score": 69.17,
                "grade": "C",
                "score_weight": 100.0,
                "figures": _CREDIT_FIGURES_EXAMPLE,
                "estates": [
                    {
                        "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
                        "estate_name": "幸福里小区",
                        "district_code": "110101",
                        "score": 69.17,
                        "grade": "C",
                    }
                ],
            }
        ],
        "next_cursor": None,
    },
}
