"""Who may do what in an estate, from the caller's roles and their scopes.

- Admins: everything, everywhere.
- Property staff (``property_staff``, and the company's ``property_manager``), scope an estate (its id): manage
  that estate (its page, the register, bindings). A grant without a scope reaches every estate.
- Housing officers (``housing_officer``), scope a district (its 6-digit code): read every estate of the
  district (oversight), change nothing and touch no money.
- Owners' committee members (``owners_committee``, 业主委员会), scope an estate: raise and run the votes of its
  owners' assembly (housing/votes.py). Where an estate has no committee, the district's housing officer does.
- Announcements (housing/announcements.py): published by the estate's property staff, its committee and the
  district's housing officer, each for their own side. Filings (housing/filings.py): the contract by the estate's
  property staff, the committee by its members; decided by the district's housing officer.
- Residents act on their own homes through their bindings (housing.service), not through roles.
"""

from __future__ import annotations

from typing import Final, Literal

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
    return (
        not has_committee
        and principal.has_role("housing_officer")
        and oversees_district(principal, district_code)
    )


# estate announcements and filings (housing/announcements.py, housing/filings.py) -------------------------------

#: who publishes an estate announcement, as it is shown to residents
PublisherSide = Literal["property", "committee", "officer", "admin"]


def _scoped_to(principal: Principal, role: Role, estate_id: str) -> bool:
    scopes = principal.scopes(role, "estate")
    return scopes is None or estate_id in scopes


def officer_of(principal: Principal, district_code: str) -> bool:
    """True for a housing officer of this district (or of every district); a caller without the role is not."""
    return principal.has_role("housing_officer") and oversees_district(principal, district_code)


def publisher_sides(principal: Principal, estate_id: str, district_code: str) -> list[PublisherSide]:
    """The sides the caller publishes an estate's announcements for, first the one their announcements show:
    its property staff, its owners' committee, the district's housing officer; admins last."""
    sides: list[PublisherSide] = []
    if any(
        principal.has_role(role) and _scoped_to(principal, role, estate_id) for role in ESTATE_STAFF_ROLES
    ):
        sides.append("property")
    if sits_on_committee(principal, estate_id):
        sides.append("committee")
    if officer_of(principal, district_code):
        sides.append("officer")
    if principal.has_role("admin"):
        sides.append("admin")
    return sides


def reads_filings(principal: Principal, estate_id: str, district_code: str) -> bool:
    """Every version of an estate's filings, with their documents: its staff, its committee, the district's
    housing officers and admins (the public reads the accepted ones only)."""
    return reads_estate(principal, estate_id, district_code) or sits_on_committee(principal, estate_id)


def files_contract(principal: Principal, estate_id: str) -> bool:
    """The property company's service contract is filed by the estate's property staff (and admins)."""
    return manages_estate(principal, estate_id)


def files_committee(principal: Principal, estate_id: str) -> bool:
    """The committee's election and members are filed by the committee itself (and admins)."""
    return principal.has_role("admin") or sits_on_committee(principal, estate_id)


def decides_filings(principal: Principal, district_code: str) -> bool:
    """Filings are accepted or returned by the district's housing officer (and admins)."""
    return principal.has_role("admin") or officer_of(principal, district_code)


# credit evaluation of property companies (housing/credit.py) ----------------------------------------------------

CREDIT_READER_ROLES: Final[tuple[Role, ...]] = ("admin", "leader", "housing_officer")


def credit_districts(principal: Principal) -> set[str] | None:
    """The districts whose companies' credit the caller reads (leaders' and housing officers' district grants);
    None = every district (admins, and those roles granted without a scope)."""
    districts: set[str] = set()
    for grant in principal.roles:
        if grant.role not in CREDIT_READER_ROLES:
            continue
        if grant.role == "admin" or grant.scope_kind is None:
            return None
        if grant.scope_kind == "district" and grant.scope_id:
            districts.add(grant.scope_id)
    return districts


def reads_credit(principal: Principal, estate_id: str, district_code: str) -> bool:
    """Every figure of an estate's credit: admins, leaders and housing officers of its district, its property
    staff (its residents see their company's grade only, decided by housing.credit)."""
    if manages_estate(principal, estate_id):
        return True
    reach = credit_districts(principal)
    return reach is None or district_code in reach
