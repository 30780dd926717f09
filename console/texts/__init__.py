"""The console's texts, zh-CN and English: one module per area (`console/texts/<area>.py`, found here by itself),
each a dict `TEXTS = {"<area>.<key>": ("中文", "English")}`; common.py holds the layout's, the sign-in's and the
nav's. Keys are unique across modules (checked when the texts are gathered); an area's start with its name,
"command.", and common.py uses no area's name (tests/console/test_texts.py)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType


def _gather() -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    owner: dict[str, str] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        texts: Mapping[str, tuple[str, str]] = importlib.import_module(f"{__name__}.{module.name}").TEXTS
        for key, pair in texts.items():
            if key in found:
                raise ValueError(f"console text {key!r} is defined in {owner[key]} and {module.name}")
            found[key], owner[key] = pair, module.name
    return found


#: key -> (zh-CN, en), every area's
TEXTS: Mapping[str, tuple[str, str]] = MappingProxyType(_gather())
