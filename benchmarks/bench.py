"""Benchmark asynclint on real code: parse cost, lint cost, and process-pool speed-up.

    python benchmarks/bench.py .cache/realcode/aiohttp-3.14.5/aiohttp
    python benchmarks/bench.py --repeat 5 --json PATH...
    python benchmarks/bench.py --profile PATH...

Files are discovered with ``asynclint.files.discover`` and read into memory once, so the
parse-only and single-process lint figures exclude I/O. Each timing is the best of
``--repeat`` runs with a ``gc.collect()`` before every run. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import io
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Callable, NamedTuple

import libcst as cst

from asynclint import engine
from asynclint.analysis.project.build import CACHE_DIR_NAME
from asynclint.api import Project, lint_paths
from asynclint.catalog import load_catalog
from asynclint.config import Config
from asynclint.engine import LintOptions, lint_source
from asynclint.files import discover
from asynclint.registry import discover_checks

TARGET_RATIO = 1.5
Sources = list[tuple[str, bytes]]


class Timing(NamedTuple):
    wall: float  # best time.perf_counter() interval over the repeats: the headline figure
    cpu: float  # best time.process_time() interval (this process only): steadier on a busy machine
    value: object  # what the last run returned


def best_of(repeat: int, run: Callable[[], object]) -> Timing:
    """The fastest of ``repeat`` runs, with a ``gc.collect()`` before each."""
    wall = cpu = float("inf")
    value: object = None
    for _ in range(max(repeat, 1)):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        value = run()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return Timing(wall, cpu, value)


def read_sources(files: Sequence[str]) -> Sources:
    sources: Sources = []
    for path in files:
        try:
            with open(path, "rb") as handle:
                sources.append((path, handle.read()))
        except OSError as error:
            print(f"bench: skipping unreadable {path}: {error}", file=sys.stderr)
    return sources


def count_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def parse_all(sources: Sources) -> int:
    """libcst parse of every file; returns how many failed to parse."""
    failures = 0
    for _path, data in sources:
        try:
            cst.parse_module(data)
        except Exception:  # noqa: BLE001 - syntax errors etc. are counted, not fatal
            failures += 1
    return failures


def lint_all(sources: Sources, options: LintOptions) -> tuple[Counter, int, int]:
    """As ``lint_file`` does, without the reads: the prefilter first (when ``options`` has it),
    then ``lint_source``. Returns (findings per code, internal errors, files skipped)."""
    codes: Counter = Counter()
    internal = skipped = 0
    for path, data in sources:
        if engine.cannot_fire(path, data, options):
            skipped += 1
            continue
        result = lint_source(data, path, options)
        codes.update(d.code for d in result.diagnostics)
        internal += result.internal_error
    return codes, internal, skipped


# Engine steps timed by ``phases``: (object, attribute, label). Private names, so a step
# that no longer exists is simply left out of the breakdown.
PHASES = (
    (engine.cst, "parse_module", "libcst parse"),
    (engine, "_file_index", "index lookup (ast index only for files outside the project index)"),
    (engine, "_run_checks", "checks (symbols, scopes, traversal)"),
    (engine, "_diagnostics", "positions, noqa, rendering"),
)


def phases(sources: Sources, options: LintOptions, repeat: int) -> dict[str, float]:
    """Where the single-process lint time goes: wall seconds inside each engine step, from
    the fastest of ``repeat`` runs; "other" is the rest of ``lint_source``."""
    best: dict[str, float] = {}
    originals = [(owner, name, getattr(owner, name)) for owner, name, _label in PHASES if hasattr(owner, name)]
    labels = {name: label for _owner, name, label in PHASES}
    spent: dict[str, float] = {}

    def timed(name: str, function: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[labels[name]] += time.perf_counter() - started

        return wrapper

    try:
        for owner, name, function in originals:
            setattr(owner, name, timed(name, function))
        for _ in range(max(repeat, 1)):
            spent.clear()
            spent.update({labels[name]: 0.0 for _owner, name, _f in originals})
            gc.collect()
            started = time.perf_counter()
            lint_all(sources, options)
            total = time.perf_counter() - started
            if not best or total < best["total"]:
                best = dict(spent, other=total - sum(spent.values()), total=total)
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)
    return best


def profile_lint(sources: Sources, options: LintOptions, top: int = 25) -> str:
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    lint_all(sources, options)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# The child's own high-water mark: VmHWM is per address space (exec starts a new one), while
# ru_maxrss on Linux can carry the forking parent's peak over.
_PEAK_RSS = """
import os, resource, sys
from asynclint.api import Project
from asynclint.config import Config
Project(Config()).lint_source(open(sys.argv[1], "rb").read(), sys.argv[1])
if os.path.exists("/proc/self/status"):
    hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
    print(int(hwm[0].split()[1]) * 1024)
else:
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KB elsewhere
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale)
"""


def peak_memory(path: str) -> int:
    """Peak resident memory, in bytes, of a fresh process that lints ``path`` alone."""
    done = subprocess.run([sys.executable, "-c", _PEAK_RSS, path], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def memory(sources: Sources) -> dict[str, object]:
    """Memory per source byte on the largest file: its peak less that of an empty file."""
    path, data = max(sources, key=lambda source: len(source[1]))
    empty = os.path.join(os.path.dirname(os.path.abspath(__file__)), "__init__.py")
    if not os.path.exists(empty):
        empty = os.devnull
    peak, baseline = peak_memory(path), peak_memory(empty)
    return {
        "memory_file": path,
        "memory_file_bytes": len(data),
        "memory_peak_bytes": peak,
        "memory_per_source_byte": (peak - baseline) / len(data) if data else None,
    }


def measure(args: argparse.Namespace) -> dict[str, object]:
    config = Config()
    files = discover(args.paths, config)
    if not files:
        raise SystemExit("bench: no Python files found under " + " ".join(args.paths))
    sources = read_sources(files)
    project = Project(config)
    # Lint as the CLI does: against the project index, built once per run (timed separately).
    options = project.with_index(project.build_index(list(args.paths), files, use_cache=False)).options()
    repeat = args.repeat
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    # Warm-up: imports, check discovery and libcst's lazy initialisation stay out of the timings.
    lint_source(sources[0][1], sources[0][0], options)

    parse = best_of(repeat, lambda: parse_all(sources))
    lint = best_of(repeat, lambda: lint_all(sources, options))
    codes, internal, skipped = lint.value  # type: ignore[misc]
    # the same files with every one parsed: the prefilter must not change a finding
    unfiltered_codes, _, _ = lint_all(sources, dataclasses.replace(options, prefilter=False))
    # The project index (ast summaries of every module) built from scratch, no disk cache:
    # the cost a first run or a changed project pays before checking.
    index_cold = best_of(repeat, lambda: project.build_index(list(args.paths), files, use_cache=False))

    figures: dict[str, object] = {
        "paths": list(args.paths),
        "python": platform.python_version(),
        "libcst": _version("libcst"),
        "asynclint_commit": _git_head(),
        "checks_enabled": len([code for code in discover_checks() if code in options.enabled]),
        "cpu_count": os.cpu_count(),
        "load_average_1min": load,
        "repeat": repeat,
        "files": len(sources),
        "lines": sum(count_lines(data) for _p, data in sources),
        "bytes": sum(len(data) for _p, data in sources),
        "parse_failures": parse.value,
        "parse_seconds": parse.wall,
        "parse_cpu_seconds": parse.cpu,
        "lint_seconds": lint.wall,
        "lint_cpu_seconds": lint.cpu,
        "ratio": lint.wall / parse.wall if parse.wall else None,
        "ratio_cpu": lint.cpu / parse.cpu if parse.cpu else None,
        "target_ratio": TARGET_RATIO,
        "index_cold_seconds": index_cold.wall,
        "index_cold_files": len(index_cold.value.by_path),  # type: ignore[attr-defined]
        "index_share": index_cold.wall / lint.wall if lint.wall else None,
        "phases_seconds": phases(sources, options, repeat),
        "findings": dict(sorted(codes.items())),
        "findings_total": sum(codes.values()),
        "prefilter_skipped_files": skipped,
        "prefilter_same_findings": codes == unfiltered_codes,
        "internal_errors": internal,
        **memory(sources),
    }

    if not args.no_parallel:
        jobs = args.jobs or os.cpu_count() or 1
        # the checking cost: every file checked and indexed, no cache (see cache_runs for those)
        parallel = best_of(repeat, lambda: lint_paths(args.paths, config, jobs=jobs, use_cache=False))
        serial = best_of(repeat, lambda: lint_paths(args.paths, config, jobs=1, use_cache=False))
        serial_result, parallel_result = serial.value, parallel.value
        figures.update(
            {
                "jobs": jobs,
                "index_cache": False,
                "lint_paths_parallel_seconds": parallel.wall,
                "lint_paths_serial_seconds": serial.wall,
                "speedup": serial.wall / parallel.wall if parallel.wall else None,
                "project_index_seconds": serial_result.index_seconds,  # type: ignore[attr-defined]
                "project_indexed_files": serial_result.indexed_files,  # type: ignore[attr-defined]
                "lint_paths_findings": len(serial_result.diagnostics),  # type: ignore[attr-defined]
                "lint_paths_findings_parallel": len(parallel_result.diagnostics),  # type: ignore[attr-defined]
            }
        )

    if not args.no_parallel and not args.no_cache:
        figures.update(cache_runs(list(args.paths), config, args.jobs or os.cpu_count() or 1, repeat))

    if args.profile:
        figures["profile"] = profile_lint(sources, options, args.profile_top)
    return figures


def cache_runs(paths: list[str], config: Config, jobs: int, repeat: int) -> dict[str, object]:
    """The runs a user makes: cold (no cache), warm (nothing changed), one file changed (a comment
    added to the largest file, then taken out again), and one file checked in a warm project as
    a separate process (what pre-commit does), against ``python -c "import libcst"``. Removes the
    project's ``.asynclint_cache`` first."""
    project = Project(config)
    root = project.root_of(paths) or Path.cwd()
    shutil.rmtree(root / CACHE_DIR_NAME, ignore_errors=True)
    files, _ = project.discover(paths)
    cold = best_of(1, lambda: lint_paths(paths, config, jobs=jobs, use_cache=True))
    warm = best_of(repeat, lambda: lint_paths(paths, config, jobs=jobs, use_cache=True))
    largest = max(files, key=os.path.getsize)
    original = Path(largest).read_bytes()
    try:
        Path(largest).write_bytes(original + b"\n# changed by benchmarks/bench.py\n")
        changed = best_of(1, lambda: lint_paths(paths, config, jobs=jobs, use_cache=True))
    finally:
        Path(largest).write_bytes(original)
    lint_paths(paths, config, jobs=jobs, use_cache=True)  # warm again
    one = best_of(
        repeat, lambda: subprocess.run([sys.executable, "-m", "asynclint", "check", "-q", largest], capture_output=True)
    )
    startup = best_of(repeat, lambda: subprocess.run([sys.executable, "-c", "import libcst"], capture_output=True))

    def found(timing: Timing) -> list[tuple[str, int, int, str]]:
        return [(d.path, d.line, d.column, d.code) for d in timing.value.diagnostics]  # type: ignore[attr-defined]

    return {
        "cache_cold_seconds": cold.wall,
        "cache_warm_seconds": warm.wall,
        "cache_warm_files_reused": warm.value.cached_files,  # type: ignore[attr-defined]
        "cache_one_changed_seconds": changed.wall,
        "cache_one_file_seconds": one.wall,
        "import_libcst_seconds": startup.wall,
        "cache_same_findings": found(cold) == found(warm) == found(changed),
    }


def _version(distribution: str) -> str:
    try:
        from importlib.metadata import version

        return version(distribution)
    except Exception:  # noqa: BLE001
        return "?"


def _git_head() -> str | None:
    """The commit linted with (``+dirty`` with uncommitted changes), if this is a checkout."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(engine.__file__)))
    try:
        head = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--", "asynclint"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def _ms(seconds: object) -> str:
    return "-" if seconds is None else f"{float(seconds) * 1000:,.0f} ms"  # type: ignore[arg-type]


def _ratio(value: object) -> str:
    if value is None:
        return "-"
    verdict = "ok" if float(value) <= TARGET_RATIO else "ABOVE"  # type: ignore[arg-type]
    return f"{float(value):.2f}x {verdict}"  # type: ignore[arg-type]


def render(figures: dict[str, object]) -> str:
    f = figures
    load = f["load_average_1min"]
    header = [
        ("paths", " ".join(f["paths"])),  # type: ignore[arg-type]
        ("asynclint / checks enabled", f"{f['asynclint_commit'] or '?'} / {f['checks_enabled']}"),
        ("python / libcst", f"{f['python']} / {f['libcst']}"),
        ("cores / load avg (1 min)", f"{f['cpu_count']} / {'-' if load is None else format(load, '.2f')}"),
        ("repeats", f"{f['repeat']} (best kept)"),
        ("files / lines / bytes", f"{f['files']:,} / {f['lines']:,} / {f['bytes']:,}"),
    ]
    width = max(len(label) for label, _ in header)
    out = [f"{label:<{width}}  {value}" for label, value in header]

    # Timings: wall (perf_counter) is the headline; CPU (process_time) is shown beside it.
    rows = [
        ("measurement (in memory, 1 process)", "wall", "cpu"),
        ("libcst parse_module only", _ms(f["parse_seconds"]), _ms(f["parse_cpu_seconds"])),
        ("full lint_source", _ms(f["lint_seconds"]), _ms(f["lint_cpu_seconds"])),
        (f"ratio lint / parse (target <= {TARGET_RATIO})", _ratio(f["ratio"]), _ratio(f["ratio_cpu"])),
    ]
    rows.append(
        (
            f"project index, {f['index_cold_files']} files, no cache",
            _ms(f["index_cold_seconds"]),
            f"{float(f['index_share']):.0%} of lint",  # type: ignore[arg-type]
        )
    )
    steps: dict[str, float] = f.get("phases_seconds") or {}  # type: ignore[assignment]
    if steps:
        parse = float(f["parse_seconds"])  # type: ignore[arg-type]
        rows += [("", "", ""), ("lint_source by step (fastest run)", "wall", "x parse")]
        rows += [
            (f"  {label}", _ms(seconds), f"{seconds / parse:.2f}x")
            for label, seconds in steps.items()
            if label != "total"
        ]
        rows.append(("  total (timed steps add overhead)", _ms(steps["total"]), f"{steps['total'] / parse:.2f}x"))
    if "jobs" in f:
        cache = "warm" if f["index_cache"] else "off"
        rows += [
            ("", "", ""),
            ("lint_paths (from disk, project index)", "wall", ""),
            (f"  jobs={f['jobs']}", _ms(f["lint_paths_parallel_seconds"]), ""),
            ("  jobs=1", _ms(f["lint_paths_serial_seconds"]), ""),
            ("  speed-up", f"{f['speedup']:.2f}x", ""),
            (
                f"  project index, {f['project_indexed_files']} files, cache {cache}",
                _ms(f["project_index_seconds"]),
                "",
            ),
        ]
    if "cache_cold_seconds" in f:
        parse = float(f["parse_seconds"])  # type: ignore[arg-type]
        same = "same findings" if f["cache_same_findings"] else "DIFFERENT FINDINGS (a bug)"
        rows += [
            ("", "", ""),
            (f"runs with the caches (jobs={f['jobs']})", "wall", "x parse"),
            ("  cold (no cache)", _ms(f["cache_cold_seconds"]), f"{f['cache_cold_seconds'] / parse:.2f}x"),  # type: ignore[operator]
            (
                f"  warm ({f['cache_warm_files_reused']} files reused)",
                _ms(f["cache_warm_seconds"]),
                f"{f['cache_warm_seconds'] / parse:.2f}x",  # type: ignore[operator]
            ),
            (
                "  one file changed",
                _ms(f["cache_one_changed_seconds"]),
                f"{f['cache_one_changed_seconds'] / parse:.2f}x",
            ),  # type: ignore[operator]
            (
                "  one file checked, warm (a process)",
                _ms(f["cache_one_file_seconds"]),
                f"{f['cache_one_file_seconds'] / f['import_libcst_seconds']:.2f}x import libcst",  # type: ignore[operator]
            ),
            (f"  {same}", "", ""),
        ]
    per_byte = f.get("memory_per_source_byte")
    if per_byte is not None:
        rows += [
            ("", "", ""),
            (
                f"peak memory linting the largest file ({int(f['memory_file_bytes']) // 1024:,} KB)",  # type: ignore[call-overload]
                f"{int(f['memory_peak_bytes']) // 2**20:,} MB",  # type: ignore[call-overload]
                f"{float(per_byte):.0f} B/byte",  # type: ignore[arg-type]
            ),
        ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    out.append("")
    for label, wall, cpu in rows:
        out.append(f"{label:<{w0}}  {wall:>{w1}}  {cpu:>{w2}}".rstrip())

    catalog = load_catalog()
    findings: dict[str, int] = f["findings"]  # type: ignore[assignment]
    out += ["", f"findings (lint_source): {f['findings_total']}, internal errors: {f['internal_errors']}"]
    same = "the same" if f["prefilter_same_findings"] else "DIFFERENT (a bug)"
    out.append(
        f"prefilter: {f['prefilter_skipped_files']} of {f['files']} files not parsed; findings without it: {same}"
    )
    if "jobs" in f:
        out[-1] += (
            f"; lint_paths findings jobs=1 / jobs={f['jobs']}: {f['lint_paths_findings']} / {f['lint_paths_findings_parallel']}"
        )
    if findings:
        out.append(f"  {'code':<8} {'count':>6}  name")
        for code, count in findings.items():
            name = catalog[code].name if code in catalog else "?"
            out.append(f"  {code:<8} {count:>6}  {name}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="files or directories to lint")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept (default 3)")
    parser.add_argument(
        "--jobs", type=int, default=None, help="processes for the parallel run (default: os.cpu_count())"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--profile", action="store_true", help="profile the single-process lint (cProfile, cumulative)")
    parser.add_argument("--profile-top", type=int, default=25, help="profile entries to print (default 25)")
    parser.add_argument("--no-parallel", action="store_true", help="skip the lint_paths (jobs=N vs jobs=1) runs")
    parser.add_argument("--no-cache", action="store_true", help="lint_paths without the on-disk project index cache")
    args = parser.parse_args(argv)

    figures = measure(args)
    profile = figures.pop("profile", None)
    if args.json:
        print(json.dumps(figures, indent=2))
        if profile:
            print(profile, file=sys.stderr)
    else:
        print(render(figures))
        if profile:
            print(f"\ncProfile of the single-process lint, top {args.profile_top} by cumulative time:")
            print(profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
