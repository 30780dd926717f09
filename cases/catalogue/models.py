"""Schemas of the category catalogue: departments, categories and their groups."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Kind = Literal["component", "event"]


CategoryCode = Annotated[str, msgspec.Meta(pattern=r"^[CE][0-9]{4,5}$")]


#: a time limit; the catalogue keeps hours to the hundredth (numeric(6, 2), > 0), so 0.01 is the least one
Hours = Annotated[float, msgspec.Meta(ge=0.01, le=9999)]


class Department(msgspec.Struct, frozen=True):
    code: str
    name_zh: str
    name_en: str


class Category(msgspec.Struct, frozen=True):
    code: str
    kind: Kind
    major: str
    name_zh: str
    name_en: str
    default_department: str | None
    limit_urgent_hours: float
    limit_normal_hours: float
    citizen_reportable: bool
    needs_verification: bool
    duplicate_radius_m: int
    join_radius_m: int
    join_window_hours: int
    min_photos: int
    active: bool


class CategoryGroup(msgspec.Struct, frozen=True):
    kind: Kind
    major: str
    name_zh: str
    name_en: str
    categories: list[Category]


class Catalogue(msgspec.Struct, frozen=True):
    version: str
    title: str
    groups: list[CategoryGroup]


class CategoryUpdate(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """An admin's change to a category; fields left out stay as they are."""

    name_zh: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | msgspec.UnsetType = msgspec.UNSET
    name_en: Annotated[str, msgspec.Meta(min_length=1, max_length=128)] | msgspec.UnsetType = msgspec.UNSET
    default_department: str | msgspec.UnsetType | None = msgspec.UNSET
    limit_urgent_hours: Hours | msgspec.UnsetType = msgspec.UNSET
    limit_normal_hours: Hours | msgspec.UnsetType = msgspec.UNSET
    citizen_reportable: bool | msgspec.UnsetType = msgspec.UNSET
    needs_verification: bool | msgspec.UnsetType = msgspec.UNSET
    duplicate_radius_m: Annotated[int, msgspec.Meta(ge=10, le=1000)] | msgspec.UnsetType = msgspec.UNSET
    join_radius_m: Annotated[int, msgspec.Meta(ge=0, le=1000)] | msgspec.UnsetType = msgspec.UNSET
    join_window_hours: Annotated[int, msgspec.Meta(ge=0, le=720)] | msgspec.UnsetType = msgspec.UNSET
    min_photos: Annotated[int, msgspec.Meta(ge=0, le=6)] | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
