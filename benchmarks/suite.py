"""The runs users make, on the real-code review set, in one run, against the libcst parse floor.

    python benchmarks/suite.py [--projects a,b] [--jobs 2] [--editor-file PATH] [--together] [--repeat 3]

For every project of ``benchmarks/realcode/projects.tsv`` marked ``timed`` and found in ``.cache/realcode/`` (see
benchmarks/realcode/README.md), the real CLI (``python -m asynclint check .``, a fresh process
each time, the project's own root) is timed:

- **cold**: ``.asynclint_cache`` removed first (the median of ``--repeat`` runs, taken in turns
  with the parse floor's); **warm**: again, nothing changed; **one file
  changed**: a comment appended to the project's largest file (taken out again afterwards);
- **one file checked** in the warm project (what pre-commit does: the largest file, just
  written back; the median of five runs), against the start-up of ``python -c "import libcst"``
  (the best of five);
- the **parse floor**: ``libcst.parse_module`` of every file the projects check, on ``--jobs``
  processes: what any libcst linter pays (the median of ``--repeat``). Each run's total is
  reported as a multiple of it;
- **peak memory**: the largest resident set of any asynclint process (workers included) in
  the cold runs (the largest of them);
- **findings** of every cold run and the warm, changed and ``--no-prefilter`` runs, which must
  be identical;
- **editor latency**: ``benchmarks/editor_latency.py`` on a ~1,000-line file of the set.

asynclint's modules are byte-compiled first, as an installed wheel's are.

``--together`` makes it one run over all the projects (one root, one index, one cache), as a
monorepo is checked: Python's start-up and the imports are paid once instead of per project.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

import editor_latency  # noqa: E402

from asynclint.analysis.project.build import CACHE_DIR_NAME  # noqa: E402
from asynclint.api import Project  # noqa: E402
from asynclint.config import load_config  # noqa: E402

SOURCES = REPO / ".cache" / "realcode"
PROJECTS_TSV = HERE / "realcode" / "projects.tsv"
TMP_CONFIG_NAME = ".asynclint-suite.toml"
EDITOR_FILE = SOURCES / "aiomysql" / "aiomysql" / "connection.py"
# peak resident set of the command run by this wrapper and its descendants, in KB (Linux)
_PEAK = (
    "import resource, subprocess, sys\n"
    "result = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "sys.stdout.buffer.write(result.stdout)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
)


def project_names(wanted: str | None) -> list[str]:
    """The fetched projects asked for, by default those marked ``timed``: the suite's corpus
    stays fixed, so that its figures compare across sessions, while the review set grows."""
    lines = PROJECTS_TSV.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]
    names = [row["name"] for row in rows if (SOURCES / row["name"]).is_dir()]
    if wanted:
        return [name for name in names if name in wanted.split(",")]
    timed = {row["name"] for row in rows if row.get("timed") == "yes"}
    return [name for name in names if name in timed]


def check(directory: Path, *args: str, peak: bool = True) -> tuple[float, list[tuple[str, int, int, str]], int]:
    """One CLI run: (wall seconds, findings, peak KB of its processes; 0 without ``peak``: the
    run is then timed on its own, not inside the Python process that measures the memory)."""
    command = [sys.executable, "-m", "asynclint", "check", "--format", "json", "--exit-zero", "-q"]
    command += ["--config", TMP_CONFIG_NAME, *args]
    started = time.perf_counter()
    wrapped = [sys.executable, "-c", _PEAK, *command] if peak else command
    done = subprocess.run(wrapped, cwd=directory, capture_output=True, check=True)
    seconds = time.perf_counter() - started
    report = json.loads(done.stdout)
    findings = sorted((d["path"], d["line"], d["column"], d["code"]) for d in report["diagnostics"])
    return seconds, findings, int(done.stderr.decode().split()[-1]) if peak else 0


def _import_libcst(_: object) -> None:
    import libcst  # noqa: F401


def _parse(path: str) -> None:
    import libcst

    try:
        with open(path, "rb") as handle:
            libcst.parse_module(handle.read())
    except Exception:  # noqa: BLE001 - a file that does not parse still cost its attempt
        pass


def parse_floor(files: list[str], jobs: int) -> float:
    """Seconds for ``libcst.parse_module`` of every file on ``jobs`` processes (libcst imported
    in the workers before the clock starts)."""
    with multiprocessing.Pool(jobs) as pool:
        pool.map(_import_libcst, range(jobs), chunksize=1)
        started = time.perf_counter()
        pool.map(_parse, sorted(files, key=os.path.getsize, reverse=True), chunksize=1)
        return time.perf_counter() - started


def measure(
    names: list[str], jobs: int, editor_file: Path, together: bool = False, repeat: int = 3
) -> dict[str, object]:
    totals = {"cold": 0.0, "warm": 0.0, "changed": 0.0}
    floor_total = 0.0
    one_file: list[float] = []
    peak = 0
    same = True
    all_files: list[str] = []
    lines = 0
    rows = []
    # (label, root, paths): each project in its own root, or (--together) one run over them all
    units = [(f"{len(names)} projects", SOURCES, names)] if together else [(n, SOURCES / n, ["."]) for n in names]
    for label, directory, paths in units:
        (directory / TMP_CONFIG_NAME).write_text("[tool.asynclint]\n", encoding="utf-8")
        try:
            project = Project(load_config(directory / TMP_CONFIG_NAME))
            files, _ = project.discover([str(directory / path) for path in paths])
            all_files += files
            lines += sum(Path(path).read_bytes().count(b"\n") for path in files)
            # the cold run and the floor, taken in turns and each the median of `repeat`: the
            # machine's speed drifts by a fifth within minutes, and a ratio of two single runs
            # taken minutes apart measured that drift as much as asynclint
            colds, floors = [], []
            for _ in range(repeat):
                floors.append(parse_floor(files, jobs))
                shutil.rmtree(directory / CACHE_DIR_NAME, ignore_errors=True)
                colds.append(check(directory, "-j", str(jobs), *paths))
            cold, cold_found, _ = sorted(colds, key=lambda run: run[0])[len(colds) // 2]
            cold_peak = max(run[2] for run in colds)  # memory: the worst of them
            floor_total += statistics.median(floors)
            same_cold = all(run[1] == cold_found for run in colds)
            warm, warm_found, _ = check(directory, "-j", str(jobs), *paths)
            largest = Path(max(files, key=os.path.getsize))
            original = largest.read_bytes()
            try:
                largest.write_bytes(original + b"\n# changed by benchmarks/suite.py\n")
                changed, changed_found, _ = check(directory, "-j", str(jobs), *paths)
            finally:
                largest.write_bytes(original)
            check(directory, "-j", str(jobs), *paths)  # warm again
            # the median of five: one start-up is at the mercy of the machine's moment; timed
            # without the memory wrapper, a Python start-up of its own (`import libcst` has none)
            one = statistics.median(
                check(directory, os.path.relpath(largest, directory), peak=False)[0] for _ in range(5)
            )
            _, unfiltered, _ = check(directory, "-j", str(jobs), "--no-cache", "--no-prefilter", *paths)
        finally:
            (directory / TMP_CONFIG_NAME).unlink(missing_ok=True)
        totals["cold"] += cold
        totals["warm"] += warm
        totals["changed"] += changed
        one_file.append(one)
        peak = max(peak, cold_peak)
        agree = same_cold and cold_found == warm_found == unfiltered and len(changed_found) == len(cold_found)
        same = same and agree
        rows.append((label, len(files), cold, warm, changed, one, len(cold_found), agree))
        print(f"suite: {label}: {len(files)} files, cold {cold:.2f} s, warm {warm:.2f} s", file=sys.stderr)
    startup = min(timed(lambda: subprocess.run([sys.executable, "-c", "import libcst"], check=True)) for _ in range(5))
    editor = editor_latency.measure(editor_file) if editor_file.is_file() else {}
    return {
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "jobs": jobs,
        "projects": len(names),
        "together": together,
        "files": len(all_files),
        "lines": lines,
        "repeat": repeat,
        "parse_floor_seconds": floor_total,
        "cold_seconds": totals["cold"],
        "warm_seconds": totals["warm"],
        "one_changed_seconds": totals["changed"],
        "one_file_seconds_median": statistics.median(one_file),
        "import_libcst_seconds": startup,
        "peak_memory_mb": peak / 1024,
        "same_findings": same,
        "per_project": rows,
        **editor,
    }


def timed(run: object) -> float:
    started = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - started


def render(f: dict[str, object]) -> str:
    floor = float(f["parse_floor_seconds"])  # type: ignore[arg-type]

    def ratio(key: str) -> str:
        return f"{float(f[key]) / floor:.2f}×"  # type: ignore[arg-type]

    one, startup = float(f["one_file_seconds_median"]), float(f["import_libcst_seconds"])  # type: ignore[arg-type]
    out = [
        f"{f['projects']} projects{' in one run' if f.get('together') else ''}, {f['files']:,} files, {f['lines']:,} lines; {f['cpu_count']} cores, "
        f"jobs={f['jobs']}, load average {float(f['load_average_1min']):.2f}; Python {f['python']}",  # type: ignore[arg-type]
        "",
        "| run | seconds | × parse floor |",
        "|---|---:|---:|",
        f"| libcst parse floor ({f['jobs']} processes, median of {f['repeat']}) | {floor:.2f} | 1.00× |",
        f"| cold (no cache, median of {f['repeat']}, in turns with the floor) | {float(f['cold_seconds']):.2f} | {ratio('cold_seconds')} |",  # type: ignore[arg-type]
        f"| warm (nothing changed) | {float(f['warm_seconds']):.2f} | {ratio('warm_seconds')} |",  # type: ignore[arg-type]
        f"| one file changed | {float(f['one_changed_seconds']):.2f} | {ratio('one_changed_seconds')} |",  # type: ignore[arg-type]
        "",
        f"one file checked in a warm project (median): {one:.2f} s = {one / startup:.2f}× "
        f'`python -c "import libcst"` ({startup:.2f} s)',
        f"peak memory (any asynclint process, cold runs): {float(f['peak_memory_mb']):.0f} MB",  # type: ignore[arg-type]
        "findings cold = warm = without the prefilter (and as many after a change): "
        + ("yes" if f["same_findings"] else "NO (a bug)"),
    ]
    if "editor_edit_p50_seconds" in f:
        out.append(
            f"editor ({f['editor_lines']} lines): open -> diagnostics {float(f['editor_open_seconds']) * 1000:.0f} ms, "  # type: ignore[arg-type]
            f"edit -> diagnostics p50 {float(f['editor_edit_p50_seconds']) * 1000:.0f} ms, "  # type: ignore[arg-type]
            f"p95 {float(f['editor_edit_p95_seconds']) * 1000:.0f} ms"  # type: ignore[arg-type]
        )
    out += [
        "",
        "| project | files | cold s | warm s | changed s | one file s | findings | same |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, files, cold, warm, changed, one_file, found, agree in f["per_project"]:  # type: ignore[attr-defined]
        out.append(
            f"| {name} | {files} | {cold:.2f} | {warm:.2f} | {changed:.2f} | {one_file:.2f} | {found} | {agree} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", help="comma-separated names (default: every fetched project marked timed)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: every core)")
    parser.add_argument("--editor-file", type=Path, default=EDITOR_FILE, help="the file the editor latency opens")
    parser.add_argument("--together", action="store_true", help="one run over all the projects (one root, one index)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs and parse floors, in turns (medians)")
    args = parser.parse_args(argv)
    names = project_names(args.projects)
    if not names:
        raise SystemExit(f"suite: no projects under {SOURCES} (see benchmarks/realcode/README.md)")
    # byte-compiled first, as pip does when it installs a wheel: an editable install whose
    # environment sets PYTHONDONTWRITEBYTECODE would compile asynclint's modules on every start
    # (about 0.1 s), which `import libcst`, installed with its bytecode, does not pay
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "asynclint")], check=True)
    figures = measure(names, args.jobs, args.editor_file, args.together, args.repeat)
    print(json.dumps(figures, indent=2) if args.json else render(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
