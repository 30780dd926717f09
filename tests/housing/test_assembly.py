"""The owners' assembly counting rules (housing/assembly.py), pure, with tallies computed by hand (DOMAIN.md §8)."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from housing import assembly
from housing.assembly import HomeRow, OwnerRow, TallyHead

B1, B2 = UUID(int=1), UUID(int=2)


def _home(
    n: int, area: int, *owners: tuple[str, str | None], building: UUID = B1, kind: str = "person"
) -> HomeRow:
    rows = tuple(
        OwnerRow(kind=kind, name=name, phone=phone, order=n * 10 + i)  # type: ignore[arg-type]
        for i, (name, phone) in enumerate(owners)
    )
    return HomeRow(UUID(int=1000 + n), building, f"{'1' if building == B1 else '2'}号楼 {n:03d}", area, rows)


def _heads(roll: assembly.Roll) -> list[tuple[str, int, int]]:
    """(masked name, area, homes) per head."""
    return [(h.masked_name, h.area, len(h.homes)) for h in roll.heads]


# the roll -----------------------------------------------------------------------------------------------------------


def test_one_buyer_of_many_homes_is_one_head_with_the_areas_summed() -> None:
    homes = [
        _home(1, 8950, ("张三", "+8613900000001")),
        _home(2, 12000, ("张三", "+8613900000001")),
        _home(3, 6525, ("张三", "+8613900000001"), building=B2),
        _home(4, 10000, ("李四", "+8613900000002")),
    ]
    roll = assembly.build_roll(homes)
    assert _heads(roll) == [("张*", 8950 + 12000 + 6525, 3), ("李*", 10000, 1)]
    assert roll.heads[0].voter == assembly.HeadOwner("张三", "+8613900000001")


def test_a_person_without_a_phone_is_known_by_name() -> None:
    homes = [
        _home(1, 100, ("王五", None)),
        _home(2, 200, ("王五", None)),
        _home(3, 300, ("王五", "+8613900000009")),
    ]
    # the same name without a phone is one person; with a phone it is another identity
    assert sorted(h.area for h in assembly.build_roll(homes).heads) == [300, 300]


def test_co_owners_of_a_home_are_one_head_and_the_first_registered_votes() -> None:
    homes = [
        _home(1, 9000, ("赵六", "+8613900000006"), ("钱七", "+8613900000007")),
        _home(2, 8000, ("孙八", "+8613900000008")),
    ]
    roll = assembly.build_roll(homes)
    assert _heads(roll) == [("赵*、钱*", 9000, 1), ("孙*", 8000, 1)]
    assert roll.heads[0].voter.name == "赵六"
    assert [o.name for o in roll.heads[0].owners] == ["赵六", "钱七"]


def test_homes_sharing_an_owner_merge_transitively() -> None:
    # 101: A and B together; 102: B alone; 103: C and A. All three are one head (A-B-C are linked).
    homes = [
        _home(1, 100, ("甲", "+8613900000011"), ("乙", "+8613900000012")),
        _home(2, 200, ("乙", "+8613900000012")),
        _home(3, 400, ("丙", "+8613900000013"), ("甲", "+8613900000011")),
        _home(4, 800, ("丁", "+8613900000014")),
    ]
    roll = assembly.build_roll(homes)
    assert [(h.area, len(h.homes), len(h.owners)) for h in roll.heads] == [(700, 3, 3), (800, 1, 1)]
    assert roll.heads[0].voter.name == "甲"  # registered first (order 10)


def test_unsold_developer_homes_are_one_head_together() -> None:
    homes = [
        _home(1, 9000, ("幸福地产", "+8610000000001"), kind="developer"),
        _home(2, 8000, ("幸福地产", None), kind="developer"),
        _home(3, 7000, ("幸福地产", "+8610000000001"), building=B2, kind="developer"),
        _home(4, 6000, ("周九", "+8613900000019")),
    ]
    roll = assembly.build_roll(homes)
    assert [(h.kind, h.area, len(h.homes)) for h in roll.heads] == [
        ("person", 6000, 1),
        ("developer", 24000, 3),
    ]
    assert roll.heads[1].key == assembly.DEVELOPER_KEY
    assert roll.heads[1].masked_name == "幸福地产（未售房屋）"


def test_a_scoped_matter_counts_only_the_homes_of_its_buildings() -> None:
    homes = [
        _home(1, 9000, ("张三", "+8613900000001")),
        _home(2, 8000, ("张三", "+8613900000001"), building=B2),  # the same buyer: only 2号楼's area counts
        _home(3, 7000, ("李四", "+8613900000002")),
        _home(4, 5000, ("王五", "+8613900000003"), building=B2),
        _home(5, 4000, building=B2),  # nobody owns it now: counts for nobody
    ]
    roll = assembly.build_roll(homes, [B2])
    assert _heads(roll) == [("张*", 8000, 1), ("王*", 5000, 1)]
    assert roll.left_out == (UUID(int=1005),)
    assert {h.building_id for head in roll.heads for h in head.homes} == {B2}


def test_names_are_masked() -> None:
    assert assembly.mask_name("张三") == "张*"
    assert assembly.mask_name("欧阳娜娜") == "欧***"
    assert assembly.mask_name("李") == "李*"


# the tally ----------------------------------------------------------------------------------------------------------


def _tally_heads(*areas: int) -> list[TallyHead]:
    return [TallyHead(i, a, {B1: a}) for i, a in enumerate(areas, start=1)]


def test_quorum_fails_on_heads_while_it_passes_on_area() -> None:
    # 6 heads; two big ones vote: area 2,000 of 2,400 (83 %) takes part, heads 2 of 6 (33 %)
    heads = _tally_heads(1000, 1000, 100, 100, 100, 100)
    t = assembly.tally("ordinary", heads, {1: "yes", 2: "yes"})
    q = t.cast
    assert (q.quorum_area.numerator, q.quorum_area.denominator, q.quorum_area.met) == (2000, 2400, True)
    assert (q.quorum_heads.numerator, q.quorum_heads.denominator, q.quorum_heads.met) == (2, 6, False)
    assert not q.quorum_met and not t.passed
    assert q.pass_area.met and q.pass_heads.met  # all yes, but no quorum


def test_quorum_fails_on_area_while_it_passes_on_heads() -> None:
    # 6 heads; the four small ones vote: heads 4 of 6 (exactly 2/3), area 400 of 2,400 (1/6)
    heads = _tally_heads(1000, 1000, 100, 100, 100, 100)
    t = assembly.tally("ordinary", heads, {3: "yes", 4: "yes", 5: "yes", 6: "no"})
    assert t.cast.quorum_heads.met and (t.cast.quorum_heads.numerator, t.cast.quorum_heads.denominator) == (
        4,
        6,
    )
    assert not t.cast.quorum_area.met
    assert not t.passed


def test_exactly_three_quarters_passes_a_special_matter() -> None:
    # 4 equal heads all vote: 3 yes, 1 no: yes area 300/400 and heads 3/4, exactly 3/4 on both
    t = assembly.tally("special", _tally_heads(100, 100, 100, 100), {1: "yes", 2: "yes", 3: "yes", 4: "no"})
    assert t.cast.pass_area == assembly.VoteRatio(300, 400, ">= 3/4", True)
    assert t.cast.pass_heads == assembly.VoteRatio(3, 4, ">= 3/4", True)
    assert t.passed


def test_just_under_three_quarters_fails_a_special_matter() -> None:
    # yes area 299 of 400 (74.75 %): heads are 3/4 but the area is not
    t = assembly.tally("special", _tally_heads(99, 101, 99, 101), {1: "yes", 2: "yes", 3: "yes", 4: "no"})
    assert (t.cast.pass_area.numerator, t.cast.pass_area.denominator) == (299, 400)
    assert not t.cast.pass_area.met and t.cast.pass_heads.met and not t.passed


def test_exactly_one_half_does_not_pass_an_ordinary_matter() -> None:
    # 4 equal heads: 2 yes, 2 no: exactly 1/2 is not more than 1/2
    t = assembly.tally("ordinary", _tally_heads(100, 100, 100, 100), {1: "yes", 2: "yes", 3: "no", 4: "no"})
    assert t.cast.pass_area == assembly.VoteRatio(200, 400, "> 1/2", False)
    assert t.cast.quorum_met and not t.passed
    # one more yes head: 3 of 4
    t = assembly.tally("ordinary", _tally_heads(100, 100, 100, 100), {1: "yes", 2: "yes", 3: "yes", 4: "no"})
    assert t.passed


def test_abstentions_take_part_but_are_not_yes() -> None:
    # 3 heads of 100: yes, abstain, abstain: quorum met (3/3), yes 1/3 < 1/2
    t = assembly.tally("ordinary", _tally_heads(100, 100, 100), {1: "yes", 2: "abstain", 3: "abstain"})
    f = t.cast.figures
    assert (f.participating_heads, f.participating_area, f.abstain_heads, f.yes_heads) == (3, 300, 2, 1)
    assert t.cast.quorum_met and not t.passed
    # without the abstentions there would be no quorum at all
    t = assembly.tally("ordinary", _tally_heads(100, 100, 100), {1: "yes"})
    assert not t.cast.quorum_met


def test_non_voters_follow_the_majority_only_when_the_matter_says_so() -> None:
    # 6 heads of 100; 3 vote: 2 yes, 1 no. Without the rule: 3/6 heads and 300/600 area take part, no quorum.
    heads = _tally_heads(100, 100, 100, 100, 100, 100)
    ballots: dict[int, assembly.Choice] = {1: "yes", 2: "yes", 3: "no"}
    off = assembly.tally("ordinary", heads, ballots)
    assert not off.cast.quorum_met and not off.passed
    assert off.non_voters_follow_majority == assembly.VoteMajorityRule(False, False, None, 0, 0)
    on = assembly.tally("ordinary", heads, ballots, non_voters_follow_majority=True)
    assert on.non_voters_follow_majority == assembly.VoteMajorityRule(True, True, "yes", 300, 3)
    f = on.outcome.figures
    assert (f.participating_heads, f.yes_heads, f.yes_area, f.no_heads) == (6, 5, 500, 1)
    assert on.outcome.quorum_met and on.passed
    assert on.cast == off.cast  # the figures as cast are shown beside


def test_non_voters_do_not_follow_a_split_majority() -> None:
    # yes leads on heads (2 to 1) but no leads on area (300 to 200): no majority side, the rule is not applied
    heads = _tally_heads(100, 100, 300, 100, 100, 100)
    t = assembly.tally("ordinary", heads, {1: "yes", 2: "yes", 3: "no"}, non_voters_follow_majority=True)
    assert t.non_voters_follow_majority == assembly.VoteMajorityRule(True, False, None, 0, 0)
    assert t.outcome == t.cast and not t.passed


def test_per_building_figures_count_a_head_in_each_building_with_its_area_there() -> None:
    heads = [
        TallyHead(1, 300, {B1: 100, B2: 200}),  # one buyer with homes in both buildings
        TallyHead(2, 100, {B1: 100}),
        TallyHead(3, 100, {B2: 100}),
    ]
    t = assembly.tally("ordinary", heads, {1: "yes", 3: "no"})
    by = {b.building_id: b.figures for b in t.buildings}
    assert (by[B1].total_heads, by[B1].total_area, by[B1].yes_area, by[B1].not_voting_heads) == (
        2,
        200,
        100,
        1,
    )
    assert (by[B2].total_heads, by[B2].total_area, by[B2].yes_area, by[B2].no_area) == (2, 300, 200, 100)
    assert t.cast.figures.total_area == 500 and t.cast.figures.total_heads == 3


@pytest.mark.parametrize("seed", range(20))
def test_the_roll_does_not_depend_on_the_order_of_the_rows(seed: int) -> None:
    import random

    rng = random.Random(seed)
    people = [(f"人{i}", f"+86139000001{i:02d}") for i in range(8)]
    homes = [
        _home(n, 1000 + n, *rng.sample(people, rng.choice((1, 1, 2))), building=rng.choice((B1, B2)))
        for n in range(20)
    ]
    first = assembly.build_roll(homes)
    shuffled = homes[:]
    rng.shuffle(shuffled)
    assert assembly.build_roll(shuffled) == first
    assert sum(h.area for h in first.heads) == sum(h.area for h in homes)
    assert len({h.home_id for head in first.heads for h in head.homes}) == 20
    assert uuid.UUID(int=0) not in {h.home_id for head in first.heads for h in head.homes}
