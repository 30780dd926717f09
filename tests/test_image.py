"""The production image (Dockerfile) holds what the app imports and serves: no docker build needed to see a
package or a console library left out (open311/ once was)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from console.assets import VENDOR

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_the_image_copies_every_package_that_pyproject_installs() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = [
        pattern.rstrip("*") for pattern in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    ]
    copied = set(re.findall(r"^COPY (\w+) \1$", DOCKERFILE, flags=re.MULTILINE))
    assert packages and set(packages) <= copied, (
        f"not copied into the image: {sorted(set(packages) - copied)}"
    )


def test_the_console_libraries_come_from_the_dependencies_the_image_installs() -> None:
    # the image runs `npm ci --omit=dev`: the console's whitelisted files must come from "dependencies"
    assert "npm ci --omit=dev" in DOCKERFILE
    dependencies = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for target in VENDOR.values():
        package = target.split("/")[0]
        assert package in dependencies, f"{target}: {package} is not in package.json's dependencies"
