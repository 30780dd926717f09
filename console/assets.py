"""Static files of the console: its own (console/static/) and, from node_modules, ONLY the browser builds of the
JavaScript libraries it uses (npm, installed by scripts/bootstrap.sh; no CDN: machines and government networks
are often offline). The whitelist maps a public name to the file inside node_modules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter
from litestar.response import File

ROOT = Path(__file__).resolve().parent.parent
OWN_DIR = Path(__file__).resolve().parent / "static"
# beside the packages in a checkout; in the working directory of an installed image
NODE_MODULES = ROOT / "node_modules" if (ROOT / "node_modules").is_dir() else Path.cwd() / "node_modules"

#: /console/static/vendor/<name> -> node_modules/<path>
VENDOR: dict[str, str] = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
    # leaflet.css refers to these as images/<name>
    "images/layers.png": "leaflet/dist/images/layers.png",
    "images/layers-2x.png": "leaflet/dist/images/layers-2x.png",
    "images/marker-icon.png": "leaflet/dist/images/marker-icon.png",
    "images/marker-icon-2x.png": "leaflet/dist/images/marker-icon-2x.png",
    "images/marker-shadow.png": "leaflet/dist/images/marker-shadow.png",
    "leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "echarts.min.js": "echarts/dist/echarts.min.js",
}
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}
#: five minutes: a deploy's new files are picked up soon; the vendor files change only with package-lock.json
CACHE_CONTROL = "public, max-age=300"


def resolve(name: str) -> Path | None:
    """The file behind /console/static/<name>, None when there is none to serve."""
    if name.startswith("vendor/"):
        target = VENDOR.get(name.removeprefix("vendor/"))
        path = NODE_MODULES / target if target else None
    else:
        path = (OWN_DIR / name).resolve()
        if not path.is_relative_to(OWN_DIR):
            return None
    if path is None or path.suffix not in MEDIA_TYPES or not path.is_file():
        return None
    return path


@get("/static/{name:path}", name="console.static", opt={"access": "public"}, sync_to_thread=False)
def static_file(name: Annotated[str, PathParameter(max_length=256)]) -> File:
    path = resolve(name.lstrip("/"))
    if path is None:
        raise NotFoundException()
    return File(
        path=path,
        filename=path.name,
        content_disposition_type="inline",
        media_type=MEDIA_TYPES[path.suffix],
        headers={"Cache-Control": CACHE_CONTROL},
    )
