"""The photo pipeline against a naive Pillow pipeline, on a 12 MP phone photo.

    python -m bench.photo_pipeline [--iterations 5] [--alternations 3] [--per-thread 4] [--x4-runs 3]
                                   [--keep PATH] [--heic]

The photo. A 4000 × 3000 JPEG made here (quality 92, 4:2:0, like a phone camera): gradients, blurred shapes
and grain on all three channels so that it compresses like a photograph (3 to 6 MB, not a flat card), with
EXIF as a phone writes it: Make/Model, DateTimeOriginal + OffsetTimeOriginal, GPS and orientation 6 (a
portrait held upright, stored sideways).

The two pipelines, both writing a display JPEG (long edge ≤ 2048) and a thumbnail (long edge ≤ 320) with
no metadata, from a path on disk, and the floor under them:
- ``pipeline``: ``media.pipeline.process_image`` with its defaults (sniff, hash, header-only size check,
  EXIF read, DCT-scaled JPEG decode via ``draft``, orientation applied on the small image, sRGB, the
  thumbnail from the display copy, display q84 with standard Huffman tables and thumbnail q78 with
  optimised ones, three SHA-256).
- ``naive``: ``Image.open`` + ``ImageOps.exif_transpose`` (full decode, full-size rotation) + ``resize`` to
  2048 with LANCZOS + ``thumbnail`` to 320 of the oriented original, both at quality 85 with optimised
  Huffman tables (no hashing). This is the baseline of issue 13's table: it is not changed when the
  pipeline is.
- ``floor``: the cheapest decode of the same photo at the scale the pipeline needs: ``Image.open`` by path,
  ``draft`` to the DCT scale the pipeline uses for a 2048 px display copy (1/2: 4000 → 2000 px), ``load``.
  No hashing, no EXIF, no resample, no rotation, no encoding: what no pipeline of this photo can go below
  without decoding fewer pixels. The report checks that the floor decodes to the pipeline's display size.

How it is measured. Every measurement runs in a fresh interpreter (``--worker``), so peak RSS (VmHWM from
/proc/self/status) belongs to that mode alone. Single-core runs pin themselves to one CPU
(sched_setaffinity), process the photo twice unmeasured, then ``--iterations`` times, recording wall time
and CPU time (process_time) per photo. Single-core runs of the three modes alternate
(pipeline, naive, floor, pipeline, naive, floor ...; ``--alternations`` each) so that load from other
processes falls on all alike. CPU ms/photo is the figure the speed-up and the ratio to the floor are
computed on (it moves much less than wall time with other load on the machine); wall ms/photo (median) and photos/s (1000 / mean wall ms) are shown beside it. ``x4`` runs 4
threads in one process, each processing the photo ``--per-thread`` times at once (4 concurrent uploads;
threads may use every core), ``--x4-runs`` times: photos/s is total photos / wall time, and the largest peak
RSS of the runs is the figure to keep under 150 MB (it varies from run to run with how the threads overlap
and with glibc's dynamic mmap threshold; one more x4 row runs with MALLOC_MMAP_THRESHOLD_ fixed at 1 MiB).
``idle`` is an interpreter that imported the same modules and did nothing: the floor under every RSS figure.
With ``--heic``, the pipeline also runs on the same photo stored as HEIC (libheif decodes the whole image at
full scale; there is no reduced-scale decode for HEVC): what an HEIC upload costs the pool.

Targets (issue 13): pipeline ≥ 4 × faster than naive and ≤ 1.7 × the decode floor, in CPU time on one core;
peak RSS < 150 MB with 4 concurrent uploads.
Exit status 0 when the figures were taken (whether or not the targets are met; the verdict is printed).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 4000, 3000
DISPLAY_EDGE, THUMB_EDGE, QUALITY = 2048, 320, 85
TARGET_SPEEDUP = 4.0
TARGET_FLOOR_RATIO = 1.7
# The DCT scale media.pipeline decodes this photo at for a 2048 px display copy (4000 → 2000 px: the
# smallest scale whose long edge is still within 15/16 of 2048); the report checks the sizes agree.
FLOOR_SCALE = 2
TARGET_RSS_MB = 150.0
MMAP_MODE = "pipeline-x4-mmap"
MMAP_ENV = {"MALLOC_MMAP_THRESHOLD_": str(1 << 20)}
# --profile: the pipeline once more with glibc keeping 32 MiB on top of the heap instead of trimming it.
TOP_PAD_ENV = {"MALLOC_TOP_PAD_": str(32 << 20)}


# --- the photo ----------------------------------------------------------------------------------------


def make_photo(path: Path) -> int:
    """Write the 12 MP test photo; return its size in bytes."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter
    from PIL.TiffImagePlugin import IFDRational

    size = (WIDTH, HEIGHT)
    # Sky-to-ground gradients, different per channel.
    vertical = Image.linear_gradient("L").resize(size)
    horizontal = Image.linear_gradient("L").rotate(90).resize(size)
    radial = Image.radial_gradient("L").resize(size)
    base = Image.merge(
        "RGB",
        (
            ImageChops.multiply(vertical, radial.point(lambda v: 255 - v // 2)),
            ImageChops.add(vertical.point(lambda v: v // 2), horizontal.point(lambda v: v // 3)),
            ImageChops.invert(vertical).point(lambda v: 60 + v * 3 // 4),
        ),
    )
    # Buildings, a road, a bin: blurred shapes with hard-ish edges.
    draw = ImageDraw.Draw(base)
    for i in range(40):
        x = (i * 977) % WIDTH
        y = HEIGHT // 3 + (i * 613) % (HEIGHT // 2)
        w = 120 + (i * 331) % 500
        h = 200 + (i * 457) % 900
        colour = ((i * 53) % 256, (i * 97) % 256, (i * 151) % 256)
        if i % 3:
            draw.rectangle((x, y, x + w, y + h), fill=colour, outline=(20, 20, 20), width=6)
        else:
            draw.ellipse((x, y, x + w, y + w), fill=colour)
    for i in range(0, WIDTH, 37):
        draw.line((i, HEIGHT - 1, WIDTH // 2, HEIGHT // 2), fill=(200, 200, 190), width=2)
    base = base.filter(ImageFilter.GaussianBlur(2))
    # Sensor grain on each channel, and fine texture.
    grain = Image.merge("RGB", [Image.effect_noise(size, sigma) for sigma in (11, 9, 13)])
    photo = ImageChops.add(base, grain, scale=1.0, offset=-128)

    exif = Image.Exif()
    exif[0x010F] = "CityLoop"
    exif[0x0110] = "Bench Phone 12"
    exif[0x0112] = 6
    exif[0x8769] = {0x9003: "2024:05:01 14:03:22", 0x9011: "+08:00"}
    exif[0x8825] = {
        1: "N",
        2: (IFDRational(39, 1), IFDRational(54, 1), IFDRational(2640, 100)),
        3: "E",
        4: (IFDRational(116, 1), IFDRational(23, 1), IFDRational(2952, 100)),
    }
    photo.save(path, "JPEG", quality=92, subsampling="4:2:0", exif=exif.tobytes())
    return path.stat().st_size


def make_heic(jpeg_path: Path, path: Path) -> int:
    """The same photo as an iPhone would store it: HEIC, EXIF kept, orientation as an ``irot`` box."""
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    with Image.open(jpeg_path) as im:
        im.save(path, "HEIF", quality=80, exif=im.info["exif"])
    return path.stat().st_size


# --- the two pipelines --------------------------------------------------------------------------------


def run_pipeline(path: Path) -> dict[str, Any]:
    from media.pipeline import process_image

    result = process_image(path, display_edge=DISPLAY_EDGE, thumb_edge=THUMB_EDGE)
    return {
        "display_bytes": len(result.display.data),
        "thumb_bytes": len(result.thumbnail.data),
        "display_size": [result.display.width, result.display.height],
        "thumb_size": [result.thumbnail.width, result.thumbnail.height],
    }


def run_floor(path: Path) -> dict[str, Any]:
    from PIL import Image

    with Image.open(path) as im:
        im.draft("RGB", (im.width // FLOOR_SCALE, im.height // FLOOR_SCALE))
        im.load()
        return {"decoded_size": list(im.size)}


def run_naive(path: Path) -> dict[str, Any]:
    from PIL import Image, ImageOps

    with Image.open(path) as opened:
        im = ImageOps.exif_transpose(opened)
    ratio = DISPLAY_EDGE / max(im.size)
    display = im.resize((round(im.width * ratio), round(im.height * ratio)), Image.Resampling.LANCZOS)
    thumb = im.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
    out = []
    for rendition in (display, thumb):
        buf = io.BytesIO()
        rendition.save(buf, "JPEG", quality=QUALITY, optimize=True)
        out.append(len(buf.getvalue()))
    return {
        "display_bytes": out[0],
        "thumb_bytes": out[1],
        "display_size": list(display.size),
        "thumb_size": list(thumb.size),
    }


PIPELINES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "pipeline": run_pipeline,
    "naive": run_naive,
    "floor": run_floor,
    "heic": run_pipeline,  # the pipeline, on the HEIC version of the photo
}


# --- worker (one mode per fresh interpreter) ----------------------------------------------------------


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker(mode: str, path: Path, iterations: int, per_thread: int) -> dict[str, Any]:
    # Import what both pipelines need before measuring anything, so every mode pays the same floor.
    import pillow_heif  # noqa: F401
    from PIL import Image, ImageOps  # noqa: F401

    import media.pipeline  # noqa: F401

    if mode == "idle":
        return {"mode": mode, "peak_rss_mb": vm_hwm_mb()}
    if mode == "profile":
        return profile(path, iterations)
    name, _, concurrency = mode.partition("-x")
    run = PIPELINES[name]
    if not concurrency:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        info = run(path)
        run(path)
        wall, cpu = [], []
        for _ in range(iterations):
            start, start_cpu = time.perf_counter(), time.process_time()
            run(path)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        return {
            "mode": mode,
            "wall_ms": wall,
            "cpu_ms": cpu,
            "peak_rss_mb": vm_hwm_mb(),
            "info": info,
        }
    threads = int(concurrency)
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def upload() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                run(path)
        except BaseException as exc:  # reported, not swallowed
            errors.append(exc)

    pool = [threading.Thread(target=upload) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return {
        "mode": mode,
        "photos": threads * per_thread,
        "wall_s": elapsed,
        "photos_per_s": threads * per_thread / elapsed,
        "peak_rss_mb": vm_hwm_mb(),
    }


def profile(path: Path, iterations: int) -> dict[str, Any]:
    """Where the pipeline's CPU goes on one core: cProfile's internal CPU time per function, and the
    process's user and system time and minor page faults, per photo."""
    import cProfile
    import pstats
    import resource

    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    run_pipeline(path)
    run_pipeline(path)
    profiler = cProfile.Profile(time.process_time)  # CPU time, not wall time
    before = resource.getrusage(resource.RUSAGE_SELF)
    profiler.enable()
    for _ in range(iterations):
        run_pipeline(path)
    profiler.disable()
    after = resource.getrusage(resource.RUSAGE_SELF)
    stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = sorted(
        (
            (func[2] if func[0] == "~" else f"{func[2]} ({Path(func[0]).name}:{func[1]})", entry[2])
            for func, entry in stats.items()
        ),
        key=lambda row: -row[1],
    )
    return {
        "mode": "profile",
        "user_ms": (after.ru_utime - before.ru_utime) * 1000 / iterations,
        "sys_ms": (after.ru_stime - before.ru_stime) * 1000 / iterations,
        "minor_faults": (after.ru_minflt - before.ru_minflt) / iterations,
        "top": [(name, seconds * 1000 / iterations) for name, seconds in rows[:8]],
    }


def spawn(
    mode: str, path: Path, iterations: int, per_thread: int, extra_env: dict[str, str] | None = None
) -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        **(extra_env or {}),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    cmd = [sys.executable, "-m", "bench.photo_pipeline", "--worker", mode, "--photo", str(path)]
    cmd += ["--iterations", str(iterations), "--per-thread", str(per_thread)]
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"worker {mode} failed with status {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One row from the alternated single-core runs of one mode."""
    wall = [t for r in runs for t in r["wall_ms"]]
    cpu = [t for r in runs for t in r["cpu_ms"]]
    return {
        "photos": len(wall),
        "wall_median_ms": statistics.median(wall),
        "wall_mean_ms": statistics.fmean(wall),
        "cpu_median_ms": statistics.median(cpu),
        "photos_per_s": 1000 / statistics.fmean(wall),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "info": runs[0]["info"],
    }


# --- report -------------------------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
    from PIL import features

    from bench import _harness as harness  # here: the measured interpreters (--worker) do not load it

    rows = harness.machine(("pillow", "pillow-heif", "msgspec"))
    turbo = "yes" if features.check_feature("libjpeg_turbo") else "no"
    return [(k, f"{v}, libjpeg-turbo {turbo}" if k == "packages" else v) for k, v in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=5, help="measured photos per single-core run")
    parser.add_argument("--alternations", type=int, default=3, help="single-core runs per pipeline")
    parser.add_argument("--per-thread", type=int, default=4, help="photos per thread in the x4 runs")
    parser.add_argument("--x4-runs", type=int, default=3, help="x4 runs per mode (peak RSS: the largest)")
    parser.add_argument("--keep", type=Path, help="also write the generated photo here")
    parser.add_argument(
        "--heic",
        action="store_true",
        help="also the photo as HEIC (encoding it with x265 takes a minute or two)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile the pipeline (cProfile, user/system time, page faults), with and without"
        " MALLOC_TOP_PAD_",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--photo", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.photo, args.iterations, args.per_thread)))
        return 0

    for key, value in machine():
        print(f"{key:>9}: {value}")
    single = ["pipeline", "naive", "floor"] + (["heic"] if args.heic else [])
    concurrent = ["pipeline-x4", "naive-x4"] + (["heic-x4"] if args.heic else [])
    with tempfile.TemporaryDirectory(prefix="cityloop-bench-photo-") as tmp:
        photo = Path(tmp) / "photo.jpg"
        size = make_photo(photo)
        heic = Path(tmp) / "photo.heic"
        heic_size = make_heic(photo, heic) if args.heic else 0
        if args.keep:
            args.keep.write_bytes(photo.read_bytes())
        print(f"    photo: {WIDTH}×{HEIGHT} JPEG q92, {size / 1e6:.2f} MB, EXIF with GPS and orientation 6")
        if args.heic:
            print(f"           and the same photo as HEIC (x265 q80), {heic_size / 1e6:.2f} MB")
        print(
            f"   method: single core: {args.alternations} alternated runs × {args.iterations} photos per"
            f" pipeline (2 unmeasured each);\n           x4: 4 threads × {args.per_thread} photos at once in"
            " one process; a fresh interpreter per run"
        )
        print()

        def source(mode: str) -> Path:
            return heic if mode.startswith("heic") else photo

        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in single}
        for _ in range(args.alternations):
            for mode in single:
                runs[mode].append(spawn(mode, source(mode), args.iterations, args.per_thread))
        rows = {mode: merge(runs[mode]) for mode in single}
        x4: dict[str, list[dict[str, Any]]] = {}
        for mode in concurrent:
            x4[mode] = [
                spawn(mode, source(mode), args.iterations, args.per_thread) for _ in range(args.x4_runs)
            ]
        x4[MMAP_MODE] = [
            spawn("pipeline-x4", photo, args.iterations, args.per_thread, MMAP_ENV)
            for _ in range(args.x4_runs)
        ]
        concurrent.insert(1, MMAP_MODE)
        idle = float(spawn("idle", photo, 0, 0)["peak_rss_mb"])
        profiles = (
            [
                ("", spawn("profile", photo, 3 * args.iterations, 0)),
                (
                    " ".join(f"{k}={v}" for k, v in TOP_PAD_ENV.items()),
                    spawn("profile", photo, 3 * args.iterations, 0, TOP_PAD_ENV),
                ),
            ]
            if args.profile
            else []
        )

    def label(mode: str) -> str:
        if mode == MMAP_MODE:
            return "pipeline x4 mmap¹"
        return ("pipeline HEIC" if mode.startswith("heic") else mode.removesuffix("-x4")) + (
            " x4" if mode.endswith("-x4") else " 1 core"
        )

    print(f"{'mode':<19} {'CPU ms':>7} {'wall ms':>8} {'photos/s':>9} {'peak RSS MB':>12}  notes")
    for mode in single:
        r = rows[mode]
        info = r["info"]
        if "decoded_size" in info:
            w, h = info["decoded_size"]
            note = f"decode only, at 1/{FLOOR_SCALE} scale: {w}×{h}"
        else:
            (dw, dh), (tw, th) = info["display_size"], info["thumb_size"]
            note = (
                f"display {dw}×{dh} {info['display_bytes'] / 1000:.0f} kB,"
                f" thumbnail {tw}×{th} {info['thumb_bytes'] / 1000:.1f} kB"
            )
        print(
            f"{label(mode):<19} {r['cpu_median_ms']:>7.1f} {r['wall_median_ms']:>8.1f}"
            f" {r['photos_per_s']:>9.2f} {r['peak_rss_mb']:>12.1f}  {r['photos']} photos; {note}"
        )
    for mode in concurrent:
        peaks = [r["peak_rss_mb"] for r in x4[mode]]
        rate = statistics.median(r["photos_per_s"] for r in x4[mode])
        print(
            f"{label(mode):<19} {'':>7} {'':>8} {rate:>9.2f} {max(peaks):>12.1f}"
            f"  {len(peaks)} runs × {x4[mode][0]['photos']} photos, 4 at once, all cores;"
            f" peaks {', '.join(f'{p:.0f}' for p in peaks)}"
        )
    print(f"{'idle':<19} {'':>7} {'':>8} {'':>9} {idle:>12.1f}  interpreter + Pillow + pillow_heif + msgspec")
    print("(CPU ms and wall ms: medians per photo; photos/s: 1000 / mean wall ms on one core, median of runs")
    print(" for x4; peak RSS of x4: the largest of the runs)")
    env = " ".join(f"{k}={v}" for k, v in MMAP_ENV.items())
    print(f"¹ with {env}: image buffers are mmapped and given back on free instead of glibc")
    print("  raising its mmap threshold and keeping them in per-thread arenas")
    print()
    speedup = rows["naive"]["cpu_median_ms"] / rows["pipeline"]["cpu_median_ms"]
    speedup_wall = rows["naive"]["wall_median_ms"] / rows["pipeline"]["wall_median_ms"]
    rss4 = max(float(r["peak_rss_mb"]) for r in x4["pipeline-x4"])
    verdict = "met" if speedup >= TARGET_SPEEDUP else "NOT met"
    print(
        f"speed-up on one core, naive / pipeline: {speedup:.2f}× in CPU time"
        f" ({speedup_wall:.2f}× in wall time)  [target ≥ {TARGET_SPEEDUP}×: {verdict}]"
    )
    over_floor = rows["pipeline"]["cpu_median_ms"] / rows["floor"]["cpu_median_ms"]
    over_floor_wall = rows["pipeline"]["wall_median_ms"] / rows["floor"]["wall_median_ms"]
    verdict = "met" if over_floor <= TARGET_FLOOR_RATIO else "NOT met"
    print(
        f"pipeline / decode floor on one core: {over_floor:.2f}× in CPU time"
        f" ({over_floor_wall:.2f}× in wall time)  [target ≤ {TARGET_FLOOR_RATIO}×: {verdict}]"
    )
    decoded, display = rows["floor"]["info"]["decoded_size"], rows["pipeline"]["info"]["display_size"]
    if max(decoded) != max(display):
        print(f"WARNING: the floor decodes to {decoded}, the pipeline's display copy is {display}")
    verdict = "met" if rss4 < TARGET_RSS_MB else "NOT met"
    print(
        f"peak RSS, pipeline with 4 concurrent JPEG uploads: {rss4:.1f} MB"
        f"  [target < {TARGET_RSS_MB:.0f} MB: {verdict}]"
    )
    for env_label, prof in profiles:
        print()
        print(
            f"profile of the pipeline, 1 core{', with ' + env_label if env_label else ''}:"
            f" user {prof['user_ms']:.1f} ms + system {prof['sys_ms']:.1f} ms per photo,"
            f" {prof['minor_faults']:.0f} minor page faults per photo; cProfile internal time per photo:"
        )
        for name, ms in prof["top"]:
            print(f"  {ms:7.1f} ms  {name}")
    from bench._harness import loadavg

    load = loadavg()
    print(f"load average after the run (1, 5, 15 min): {load}; wall figures move with other load")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
