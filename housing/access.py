"""Who may do what in an estate, from the caller's roles and their scopes.

- Admins: everything, everywhere.
- Property staff (``property_staff``, and the company's ``property_manager``), scope an estate (its id): manage
  that estate (its page, the register, bindings). A grant without a scope reaches every estate.
- Housing officers (``housing_officer``), scope a district (its 6-digit code): read every estate of the
  district (oversight), change nothing and touch no money.
- Owners' committee members (``owners_committee``, 业主委员会), scope an estate: raise and run the votes of its
  owners' assembly (housing/votes.py). Where an estate has no committee, the district's housing officer does.
- Residents act on their own homes through their bindings (housing.service), not through roles.
"""

from __future__ import annotations

from typing import Final

from identity.models import Principal, Role

ESTATE_STAFF_ROLES: Final[tuple[Role, ...]] = ("property_staff", "property_manager")
OFFICER_ROLES: Final[tuple[Role, ...]] = ("housing_officer",)
COMMITTEE_ROLES: Final[tuple[Role, ...]] = ("owners_committee",)


def manages_estate(principal: Principal, estate_id: str) -> bool:
    """True when the caller may change this estate and decide on its residents' requests."""
    if principal.has_role("admin"):
        return True
    for role in ESTATE_STAFF_ROLES:
        scopes = principal.scopes(role, "estate")
        if scopes is None or estate_id in scopes:
            return True
    return False


def oversees_district(principal: Principal, district_code: str) -> bool:
    """True for a housing officer of this district (or of every district)."""
    scopes = principal.scopes("housing_officer", "district")
    return scopes is None or district_code in scopes


def reads_estate(principal: Principal, estate_id: str, district_code: str) -> bool:
    """True when the caller may read the estate's staff views (the register, the requests): its managers and
    the housing officers of its district."""
    return manages_estate(principal, estate_id) or oversees_district(principal, district_code)


def sees_full_phones(principal: Principal, estate_id: str) -> bool:
    """Owners' phone numbers come whole to the estate's staff (who call owners) and admins; masked to others."""
    return manages_estate(principal, estate_id)


def sits_on_committee(principal: Principal, estate_id: str) -> bool:
    """True for a member of this estate's owners' committee (an unscoped grant: every estate's)."""
    if not principal.has_role("owners_committee"):
        return False
    scopes = principal.scopes("owners_committee", "estate")
    return scopes is None or estate_id in scopes


def organises_votes(principal: Principal, estate_id: str, district_code: str, has_committee: bool) -> bool:
    """True when the caller runs the estate's votes: its committee, or, where it has none, the district's housing
    officer (DOMAIN.md §12); admins always."""
    if principal.has_role("admin") or sits_on_committee(principal, estate_id):
        return True
    return not has_committee and principal.has_role("housing_officer") and oversees_district(principal, district_code)
