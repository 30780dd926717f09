"""The counting rules of the owners' assembly (业主大会, Civil Code Art. 278; DOMAIN.md §8): who is a head, what
area each counts, and the tally. Plain functions, no I/O; every comparison is in integers (no floats).

The roll (``build_roll``), from each home's area that counts (register, else surveyed, else contract: the
generated ``homes.area_counted``) and its current owners:

- co-owners of one home are one head;
- one buyer of several homes is one head, their areas summed. A person is known by their phone when the register
  has one, else by their name; homes that share an owner are merged, transitively (union-find), so that a
  couple owning 101 together and one of them owning 102 alone is one head with both areas;
- all homes owned by the developer (unsold) are one head together;
- a home with no current owner counts for nobody (it is left out and named).

The tally (``tally``), of the heads on the roll and the ballots cast:

- participating: every head that cast a ballot (yes, no or abstain): abstention counts towards taking part,
  never towards yes;
- quorum: participating area >= 2/3 of the roll's area AND participating heads >= 2/3 of its heads;
- pass: special matters need yes >= 3/4 of the participating area AND heads; ordinary ones need yes > 1/2 of
  both; and the quorum;
- "non-voters follow the majority" (未参与表决者计入多数), only when the matter says so: when one side (yes or no)
  leads the other on area AND on heads, every head that did not vote is added to that side and to the
  participants; the figures without it are kept beside the figures with it, and the result says it was used.
  When neither side leads on both, it is not applied (and the result says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final, Literal
from uuid import UUID

import msgspec

Kind = Literal["special", "ordinary"]
Choice = Literal["yes", "no", "abstain"]
OwnerKind = Literal["person", "developer"]
CHOICES: Final[tuple[Choice, ...]] = ("yes", "no", "abstain")
DEVELOPER_KEY: Final = "developer"
#: the thresholds as (numerator, denominator, strict): yes * den >= num * participating (strict: >)
THRESHOLDS: Final[dict[Kind, tuple[int, int, bool]]] = {"special": (3, 4, False), "ordinary": (1, 2, True)}
#: the quorum: participating * 3 >= 2 * total, on area and on heads
QUORUM: Final = (2, 3)


# the roll -----------------------------------------------------------------------------------------------------------


class OwnerRow(msgspec.Struct, frozen=True):
    """One current owner of a home, in the order the register has them (``order``: home_owners.id)."""

    kind: OwnerKind
    name: str
    phone: str | None
    order: int


class HomeRow(msgspec.Struct, frozen=True):
    home_id: UUID
    building_id: UUID
    label: str
    area: int  # hundredths of m², the area that counts (homes.area_counted)
    owners: tuple[OwnerRow, ...]


class HeadOwner(msgspec.Struct, frozen=True):
    name: str
    phone: str | None


class RollHome(msgspec.Struct, frozen=True):
    home_id: UUID
    building_id: UUID
    label: str
    area: int


class Head(msgspec.Struct, frozen=True):
    """One head of the roll: its homes (summed area), its owners, its designated voter and its published name."""

    key: str
    kind: OwnerKind
    area: int
    homes: tuple[RollHome, ...]
    owners: tuple[HeadOwner, ...]
    voter: HeadOwner
    masked_name: str


class Roll(msgspec.Struct, frozen=True):
    heads: tuple[Head, ...]
    #: homes in scope that no current owner holds: they count for nobody
    left_out: tuple[UUID, ...]


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***, 'Li Lei' -> 'L*****': the first character, then one * for each other."""
    name = name.strip()
    if not name:
        return "*"
    return name[0] + "*" * max(1, len(name) - 1)


def _identity(owner: OwnerRow) -> str:
    if owner.kind == "developer":
        return DEVELOPER_KEY
    return f"p:{owner.phone}" if owner.phone else f"n:{owner.name.strip()}"


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # keep the smaller key as the root, so the result does not depend on the order of the unions
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def build_roll(homes: Iterable[HomeRow], scope_building_ids: Iterable[UUID] = ()) -> Roll:
    """The heads of a matter's roll from the homes in scope (all when ``scope_building_ids`` is empty), in a
    stable order: the developer's head last, the others by their first home's label."""
    scope = set(scope_building_ids)
    in_scope = [h for h in homes if not scope or h.building_id in scope]
    uf = _UnionFind()
    left_out: list[UUID] = []
    owned: list[HomeRow] = []
    for home in in_scope:
        if not home.owners:
            left_out.append(home.home_id)
            continue
        owned.append(home)
        node = f"h:{home.home_id}"
        uf.find(node)
        for owner in home.owners:
            uf.union(node, f"o:{_identity(owner)}")
    groups: dict[str, list[HomeRow]] = {}
    for home in owned:
        groups.setdefault(uf.find(f"h:{home.home_id}"), []).append(home)
    heads = [_head(members) for members in groups.values()]
    heads.sort(key=lambda h: (h.kind == "developer", h.homes[0].label, h.key))
    return Roll(heads=tuple(heads), left_out=tuple(sorted(left_out)))


def _head(members: list[HomeRow]) -> Head:
    members = sorted(members, key=lambda h: (h.label, str(h.home_id)))
    rows = sorted((o for h in members for o in h.owners), key=lambda o: o.order)
    developer = any(o.kind == "developer" for o in rows)
    seen: dict[str, HeadOwner] = {}
    for o in rows:
        seen.setdefault(_identity(o), HeadOwner(name=o.name.strip(), phone=o.phone))
    owners = tuple(seen.values())
    # the first registered owner votes by default; for the developer's head, the first developer row
    first = next((o for o in rows if o.kind == "developer"), rows[0]) if developer else rows[0]
    voter = seen[_identity(first)]
    key = DEVELOPER_KEY if developer else str(min(str(h.home_id) for h in members))
    masked = f"{voter.name}（未售房屋）" if developer else "、".join(mask_name(o.name) for o in owners)
    return Head(
        key=key,
        kind="developer" if developer else "person",
        area=sum(h.area for h in members),
        homes=tuple(RollHome(h.home_id, h.building_id, h.label, h.area) for h in members),
        owners=owners,
        voter=voter,
        masked_name=masked,
    )


# the tally ----------------------------------------------------------------------------------------------------------


class VoteFigures(msgspec.Struct, frozen=True):
    """Counts of one set of heads: the roll's totals, those taking part, and each choice, on area (hundredths
    of m²) and on heads."""

    total_area: int
    total_heads: int
    participating_area: int
    participating_heads: int
    yes_area: int
    yes_heads: int
    no_area: int
    no_heads: int
    abstain_area: int
    abstain_heads: int
    not_voting_area: int
    not_voting_heads: int


class VoteRatio(msgspec.Struct, frozen=True):
    """A comparison as it was made: numerator / denominator against the rule's fraction."""

    numerator: int
    denominator: int
    rule: str  # ">= 2/3", ">= 3/4", "> 1/2"
    met: bool


class VoteDecision(msgspec.Struct, frozen=True):
    """The quorum and the pass on one set of figures."""

    figures: VoteFigures
    quorum_area: VoteRatio
    quorum_heads: VoteRatio
    quorum_met: bool
    pass_area: VoteRatio
    pass_heads: VoteRatio
    passed: bool


class VoteMajorityRule(msgspec.Struct, frozen=True):
    """How "non-voters follow the majority" went: asked for by the matter, applied or not, to which side."""

    enabled: bool
    applied: bool
    side: Literal["yes", "no"] | None
    added_area: int
    added_heads: int


class VoteBuildingFigures(msgspec.Struct, frozen=True):
    """One building's figures: a head with homes here counts once here, with its area here only."""

    building_id: UUID
    figures: VoteFigures


class VoteTally(msgspec.Struct, frozen=True):
    kind: Kind
    threshold: str
    #: as cast
    cast: VoteDecision
    non_voters_follow_majority: VoteMajorityRule
    #: what decides: the figures as cast, or with non-voters added to the majority when the rule applied
    outcome: VoteDecision
    passed: bool
    buildings: tuple[VoteBuildingFigures, ...]


class TallyHead(msgspec.Struct, frozen=True):
    """What the tally needs of one head: its number, area, and area per building."""

    head_no: int
    area: int
    buildings: Mapping[UUID, int]


def _ratio(numerator: int, denominator: int, fraction: tuple[int, int], strict: bool) -> VoteRatio:
    num, den = fraction
    # numerator / denominator >= num / den  <=>  numerator * den >= num * denominator (denominators > 0)
    left, right = numerator * den, num * denominator
    met = left > right if strict else left >= right
    if denominator == 0:
        met = False
    return VoteRatio(numerator, denominator, f"{'>' if strict else '>='} {num}/{den}", met)


def figures(heads: Sequence[tuple[int, int]], ballots: Mapping[int, Choice]) -> VoteFigures:
    """Figures of (head_no, area) pairs against the ballots by head."""
    area = {"yes": 0, "no": 0, "abstain": 0}
    count = {"yes": 0, "no": 0, "abstain": 0}
    total_area = 0
    for head_no, head_area in heads:
        total_area += head_area
        choice = ballots.get(head_no)
        if choice is not None:
            area[choice] += head_area
            count[choice] += 1
    part_area = area["yes"] + area["no"] + area["abstain"]
    part_heads = count["yes"] + count["no"] + count["abstain"]
    return VoteFigures(
        total_area=total_area,
        total_heads=len(heads),
        participating_area=part_area,
        participating_heads=part_heads,
        yes_area=area["yes"],
        yes_heads=count["yes"],
        no_area=area["no"],
        no_heads=count["no"],
        abstain_area=area["abstain"],
        abstain_heads=count["abstain"],
        not_voting_area=total_area - part_area,
        not_voting_heads=len(heads) - part_heads,
    )


def decide(f: VoteFigures, kind: Kind) -> VoteDecision:
    num, den, strict = THRESHOLDS[kind]
    quorum_area = _ratio(f.participating_area, f.total_area, QUORUM, strict=False)
    quorum_heads = _ratio(f.participating_heads, f.total_heads, QUORUM, strict=False)
    pass_area = _ratio(f.yes_area, f.participating_area, (num, den), strict)
    pass_heads = _ratio(f.yes_heads, f.participating_heads, (num, den), strict)
    quorum = quorum_area.met and quorum_heads.met
    return VoteDecision(
        figures=f,
        quorum_area=quorum_area,
        quorum_heads=quorum_heads,
        quorum_met=quorum,
        pass_area=pass_area,
        pass_heads=pass_heads,
        passed=quorum and pass_area.met and pass_heads.met,
    )


def _follow_majority(f: VoteFigures, enabled: bool) -> tuple[VoteMajorityRule, VoteFigures]:
    side: Literal["yes", "no"] | None = None
    if f.yes_area > f.no_area and f.yes_heads > f.no_heads:
        side = "yes"
    elif f.no_area > f.yes_area and f.no_heads > f.yes_heads:
        side = "no"
    if not enabled or side is None or f.not_voting_heads == 0:
        return VoteMajorityRule(enabled, False, side if enabled else None, 0, 0), f
    add_area, add_heads = f.not_voting_area, f.not_voting_heads
    after = msgspec.structs.replace(
        f,
        participating_area=f.participating_area + add_area,
        participating_heads=f.participating_heads + add_heads,
        not_voting_area=0,
        not_voting_heads=0,
        **(
            {"yes_area": f.yes_area + add_area, "yes_heads": f.yes_heads + add_heads}
            if side == "yes"
            else {"no_area": f.no_area + add_area, "no_heads": f.no_heads + add_heads}
        ),
    )
    return VoteMajorityRule(True, True, side, add_area, add_heads), after


def tally(
    kind: Kind,
    heads: Sequence[TallyHead],
    ballots: Mapping[int, Choice],
    *,
    non_voters_follow_majority: bool = False,
) -> VoteTally:
    """The result of a matter: the decision as cast, the majority rule when the matter asks for it, and the
    figures of each building (as cast)."""
    cast_figures = figures([(h.head_no, h.area) for h in heads], ballots)
    cast = decide(cast_figures, kind)
    rule, outcome_figures = _follow_majority(cast_figures, non_voters_follow_majority)
    outcome = decide(outcome_figures, kind) if rule.applied else cast
    by_building: dict[UUID, list[tuple[int, int]]] = {}
    for h in heads:
        for building_id, area in h.buildings.items():
            by_building.setdefault(building_id, []).append((h.head_no, area))
    buildings = tuple(
        VoteBuildingFigures(building_id, figures(pairs, ballots))
        for building_id, pairs in sorted(by_building.items(), key=lambda kv: str(kv[0]))
    )
    num, den, strict = THRESHOLDS[kind]
    return VoteTally(
        kind=kind,
        threshold=f"{'>' if strict else '>='} {num}/{den}",
        cast=cast,
        non_voters_follow_majority=rule,
        outcome=outcome,
        passed=outcome.passed,
        buildings=buildings,
    )
