"""The Python client a mobile team would generate from the published contract, made with openapi-python-client.

The client is generated from mobile_contract/openapi.json (the committed file: what is published is what is
proven) into var/test/generated_client/<hash>/, once per document and generator version, and imported from
there. Generation refuses to finish on any generator warning: a warning means a piece of the contract the
client could not express (an operation, a response, a parameter left out of the generated code).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

from mobile_contract import contract

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "test" / "generated_client"
PACKAGE = "cityloop_client"
#: No post hooks: the generator would run ruff over ~1,000 files, for looks only.
#: the generator reads application/pdf (a payment's receipt) and a map tile as the binary files they are only when
#: told so
CONFIG: dict[str, Any] = {
    "post_hooks": [],
    "content_type_overrides": {
        "application/pdf": "application/octet-stream",
        "application/vnd.mapbox-vector-tile": "application/octet-stream",
    },
}


class GenerationFailed(AssertionError):
    """openapi-python-client refused the document or warned about a part of it."""


def published_document() -> str:
    """The committed contract, as a mobile team downloads it."""
    return contract.CONTRACT_PATH.read_text(encoding="utf-8")


def _generator() -> str:
    found = Path(sys.executable).parent / "openapi-python-client"
    if found.exists():
        return str(found)
    which = shutil.which("openapi-python-client")
    if which is None:
        raise GenerationFailed("openapi-python-client is not installed: pip install -e '.[dev]'")
    return which


def generate(document: str) -> Path:
    """The folder holding the generated package for `document` (made now unless cached)."""
    version = importlib.metadata.version("openapi-python-client")
    digest = hashlib.sha256(f"{version}\n{json.dumps(CONFIG)}\n{document}".encode()).hexdigest()[:20]
    home = CACHE / digest
    if (home / PACKAGE / "__init__.py").exists():
        os.utime(home)  # in use: not to be pruned
        return home
    work = CACHE / f".tmp-{digest}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    try:
        (work / "openapi.json").write_text(document, encoding="utf-8")
        (work / "config.json").write_text(json.dumps(CONFIG), encoding="utf-8")
        result = subprocess.run(
            [
                _generator(),
                "generate",
                "--path",
                str(work / "openapi.json"),
                "--output-path",
                str(work / PACKAGE),
                "--meta",
                "none",
                "--config",
                str(work / "config.json"),
                "--fail-on-warning",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"},
        )
        output = (result.stdout + result.stderr).strip()
        if result.returncode != 0 or not (work / PACKAGE / "__init__.py").exists():
            raise GenerationFailed(f"openapi-python-client {version} on the contract:\n{output}")
        (work / "generate.log").write_text(output + "\n", encoding="utf-8")
        try:
            work.rename(home)  # atomic: a run that got there first wins, and this copy goes
        except OSError:
            if not (home / PACKAGE / "__init__.py").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _prune(keep=home)
    return home


def _prune(keep: Path, older_than_s: float = 86_400) -> None:
    """Drop clients of other documents not used for a day (a run on another branch may still want its own)."""
    now = time.time()
    for other in CACHE.iterdir():
        if other != keep and now - other.stat().st_mtime > older_than_s:
            shutil.rmtree(other, ignore_errors=True)


def load(home: Path) -> ModuleType:
    """Import the generated package from `home` (one document per test session)."""
    loaded = sys.modules.get(PACKAGE)
    if loaded is not None:
        if Path(loaded.__file__ or "").parent.parent == home:
            return loaded
        raise RuntimeError(f"{PACKAGE} was already imported from {loaded.__file__}")
    sys.path.insert(0, str(home))
    package = importlib.import_module(PACKAGE)
    importlib.import_module(f"{PACKAGE}.models")  # every model, as `package.models.Name`
    return package
