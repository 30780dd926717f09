"""The console's texts: every key a template uses exists, in both languages, with the same placeholders; an
area's keys start with its name."""

from __future__ import annotations

import re
import string
from pathlib import Path

from console.areas import AREAS
from console.texts import TEXTS

CONSOLE = Path(__file__).resolve().parents[2] / "console"
#: t("key") in templates, text(lang, "key") and text_key = "key" in Python
_T_CALL = re.compile(
    r"""(?:\bt\(\s*|\btext\([^,()]*(?:\([^()]*\))?\s*,\s*|\btext_key\s*=\s*)["']([a-z0-9_.]+)["']"""
)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_used_is_defined() -> None:
    used = {
        key
        for path in [*CONSOLE.rglob("*.html"), *CONSOLE.rglob("*.py")]
        for key in _T_CALL.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "no t(...) call found"
    assert sorted(used - set(TEXTS)) == []


def test_both_languages_say_the_same() -> None:
    for key, (zh, en) in TEXTS.items():
        assert zh.strip() and en.strip(), key
        assert _placeholders(zh) == _placeholders(en), key


def test_an_areas_texts_are_its_own() -> None:
    areas = {area.key for area in AREAS}
    for path in (CONSOLE / "texts").glob("*.py"):
        if path.stem in {"__init__", "common"}:
            continue
        keys = re.findall(
            r"""^\s*["']([a-z0-9_.]+)["']\s*:""", path.read_text(encoding="utf-8"), re.MULTILINE
        )
        assert all(key.startswith(path.stem + ".") for key in keys), path.name
    common = re.findall(
        r"""^\s*["']([a-z0-9_]+)\.""", (CONSOLE / "texts" / "common.py").read_text(), re.MULTILINE
    )
    assert not areas & set(common)
