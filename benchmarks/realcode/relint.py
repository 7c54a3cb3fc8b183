#!/usr/bin/env python3
"""Lint the real-code precision review set and score the findings against the verdicts.

The projects are listed in ``benchmarks/realcode/projects.tsv``; their sources live in the
git-ignored ``.cache/realcode/<name>/`` (see ``benchmarks/realcode/README.md`` for how to get
them). For every project present, this runs

    <python> -m asynclint check . --format json --exit-zero --no-cache -q --config <tmp>

with the project directory as the working directory and the default rules. ``<tmp>`` is a
throw-away config holding only an empty ``[tool.asynclint]`` table, written *inside* the
project directory (asynclint takes the config file's directory as the project root, and
without it would find the asynclint repository's own ``pyproject.toml`` further up, whose
``extend-exclude = [".cache"]`` and root do not fit); a project with its own
``[tool.asynclint]`` table is run with that instead.

The findings are written as JSON lines (project, version, path, line, column, code,
message; paths relative to the project directory), then compared with
``benchmarks/realcode/verdicts.tsv`` (project, version, path, line, code, verdict, reason;
verdict is ``real``, ``low`` or ``wrong``; a verdict matches the findings of the same
project, path, line and code). The report has:

  (a) a per-rule Markdown table: findings, reviewed, real, low, wrong,
      precision = real / (real + wrong), low share = low / reviewed, and a total row;
  (b) the split of the findings between test code and library code;
  (c) what changed: reviewed findings that are no longer reported (a dropped ``wrong`` is a
      win, a dropped ``real`` a loss) and the findings not reviewed yet, per rule.

``--sample N`` prints a deterministic stratified sample of unreviewed findings as TSV rows
to fill in and append to verdicts.tsv. ``--from FILE`` scores an earlier findings file
without linting again.

Python 3.9+, the standard library and this checkout's ``asynclint.config``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))  # the checkout's own asynclint: its default excludes

from asynclint.config import DEFAULT_EXCLUDE  # noqa: E402

PROJECTS_TSV = HERE / "projects.tsv"
VERDICTS_TSV = HERE / "verdicts.tsv"
SOURCES = REPO / ".cache" / "realcode"
DEFAULT_OUT = SOURCES / "findings.jsonl"
TMP_CONFIG_NAME = ".asynclint-realcode.toml"
VERDICTS = ("real", "low", "wrong")
VERDICT_FIELDS = ("project", "version", "path", "line", "code", "verdict", "reason")
# directories asynclint skips by default; used only for the size counts
SKIPPED_DIRS = frozenset(name for name in DEFAULT_EXCLUDE if "*" not in name)

Key = tuple[str, str, int, str]  # project, path, line, code


# --------------------------------------------------------------------------- inputs


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header; blank lines and ``#`` comments skipped."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return [dict(row) for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


def read_projects(path: Path) -> list[dict[str, str]]:
    rows = read_tsv(path)
    for row in rows:
        for field in ("name", "repo", "commit", "version", "kind"):
            if not row.get(field):
                sys.exit(f"{path}: row {row} lacks {field!r}")
    return rows


def read_verdicts(path: Path) -> dict[Key, dict[str, str]]:
    verdicts: dict[Key, dict[str, str]] = {}
    if not path.exists():
        return verdicts
    for number, row in enumerate(read_tsv(path), start=2):
        verdict = (row.get("verdict") or "").strip()
        if verdict not in VERDICTS:
            sys.exit(f"{path}: row {number}: verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        try:
            line = int(row["line"])
        except (KeyError, TypeError, ValueError):
            sys.exit(f"{path}: row {number}: bad line {row.get('line')!r}")
        key = (row["project"], row["path"], line, row["code"])
        if key in verdicts:
            print(f"warning: {path}: row {number} repeats a verdict for {key}; the last one wins", file=sys.stderr)
        verdicts[key] = row
    return verdicts


def is_test_path(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    if any(part in ("tests", "test") for part in parts[:-1]):
        return True
    return (name.startswith("test_") and name.endswith(".py")) or name.endswith("_test.py") or name == "conftest.py"


def key_of(finding: dict) -> Key:
    return (finding["project"], finding["path"], int(finding["line"]), finding["code"])


# --------------------------------------------------------------------------- linting


def source_size(directory: Path) -> tuple[int, int]:
    files = lines = 0
    for root, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        for name in names:
            if name.endswith((".py", ".pyi")):
                files += 1
                with open(os.path.join(root, name), "rb") as handle:
                    lines += sum(1 for _ in handle)
    return files, lines


def has_own_config(directory: Path) -> bool:
    pyproject = directory / "pyproject.toml"
    if not pyproject.exists():
        return False
    text = pyproject.read_text(encoding="utf-8", errors="replace")
    return any(line.strip().startswith("[tool.asynclint") for line in text.splitlines())


def lint_project(
    python: str, project: dict[str, str], jobs: int | None, timeout: float
) -> tuple[list[dict], str | None]:
    """The findings of one project, and an error text when asynclint failed."""
    directory = SOURCES / project["name"]
    command = [python, "-m", "asynclint", "check", ".", "--format", "json", "--exit-zero", "--no-cache", "-q"]
    if jobs:
        command += ["-j", str(jobs)]
    tmp_config: Path | None = None
    if not has_own_config(directory):
        tmp_config = directory / TMP_CONFIG_NAME
        tmp_config.write_text("[tool.asynclint]\n", encoding="utf-8")
        command += ["--config", TMP_CONFIG_NAME]
    try:
        proc = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [], f"timed out after {timeout:.0f} s"
    finally:
        if tmp_config is not None:
            tmp_config.unlink(missing_ok=True)
    if proc.returncode != 0:
        return [], f"exit {proc.returncode}: {proc.stderr.strip()[-2000:]}"
    try:
        report = json.loads(proc.stdout)
        diagnostics = report["diagnostics"]
    except (ValueError, KeyError, TypeError) as error:
        return [], f"unreadable JSON ({error}): {proc.stdout[:300]!r} {proc.stderr.strip()[-1000:]}"
    findings = []
    for item in diagnostics:
        path = item["path"]
        absolute = path if os.path.isabs(path) else os.path.join(directory, path)
        relative = os.path.relpath(os.path.normpath(absolute), directory).replace(os.sep, "/")
        findings.append(
            {
                "project": project["name"],
                "version": project["version"],
                "path": relative,
                "line": item["line"],
                "column": item["column"],
                "code": item["code"],
                "message": item["message"],
            }
        )
    findings.sort(key=lambda f: (f["path"], f["line"], f["column"], f["code"]))
    stderr = proc.stderr.strip()
    return findings, (f"stderr: {stderr[-1000:]}" if stderr else None)


def run_all(args: argparse.Namespace, projects: list[dict[str, str]]) -> list[dict]:
    findings: list[dict] = []
    failures = []
    print(f"linting {len(projects)} projects with {args.python}\n", file=sys.stderr)
    print("| project | files | lines | findings | seconds | status |")
    print("|---|---:|---:|---:|---:|---|")
    for project in projects:
        directory = SOURCES / project["name"]
        files, lines = source_size(directory)
        start = time.monotonic()
        found, error = lint_project(args.python, project, args.jobs, args.timeout)
        seconds = time.monotonic() - start
        crashed = error is not None and not error.startswith("stderr:")
        status = "CRASH" if crashed else ("ok (stderr)" if error else "ok")
        print(f"| {project['name']} | {files} | {lines} | {len(found)} | {seconds:.1f} | {status} |", flush=True)
        if error:
            failures.append((project["name"], error))
        findings.extend(found)
    for name, error in failures:
        print(f"\n{name}: {error}", file=sys.stderr)
    args.crashed = [name for name, error in failures if not error.startswith("stderr:")]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for finding in findings:
            handle.write(json.dumps(finding, ensure_ascii=False) + "\n")
    print(f"\n{len(findings)} findings written to {out}")
    return findings


def load_findings(path: Path, names: Sequence[str]) -> list[dict]:
    wanted = set(names)
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [row for row in rows if row["project"] in wanted]


# --------------------------------------------------------------------------- report


def ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.0%}" if denominator else "—"


def report(
    findings: list[dict], verdicts: dict[Key, dict[str, str]], names: Sequence[str], list_unreviewed: bool
) -> None:
    reported = {key_of(f) for f in findings}
    by_rule: dict[str, list[dict]] = defaultdict(list)
    for finding in findings:
        by_rule[finding["code"]].append(finding)

    print("\n## Precision per rule\n")
    print("| rule | findings | reviewed | real | low | wrong | precision | low share |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    totals = Counter()
    for code in sorted(by_rule):
        counts = Counter(findings=len(by_rule[code]))
        for key in {key_of(f) for f in by_rule[code]}:
            if key in verdicts:
                counts["reviewed"] += 1
                counts[verdicts[key]["verdict"]] += 1
        totals.update(counts)
        print(
            f"| {code} | {counts['findings']} | {counts['reviewed']} | {counts['real']} | {counts['low']} | {counts['wrong']} "
            f"| {ratio(counts['real'], counts['real'] + counts['wrong'])} | {ratio(counts['low'], counts['reviewed'])} |"
        )
    print(
        f"| **total** | {totals['findings']} | {totals['reviewed']} | {totals['real']} | {totals['low']} | {totals['wrong']} "
        f"| {ratio(totals['real'], totals['real'] + totals['wrong'])} | {ratio(totals['low'], totals['reviewed'])} |"
    )
    print(
        f"\noverall precision {ratio(totals['real'], totals['real'] + totals['wrong'])} "
        f"(real / (real + wrong)), low-value share {ratio(totals['low'], totals['reviewed'])} (low / reviewed); "
        "reviewed counts distinct (project, path, line, code) keys"
    )

    print("\n## Test code vs library code\n")
    print("| rule | findings | library | test |")
    print("|---|---:|---:|---:|")
    split_total = Counter()
    for code in sorted(by_rule):
        tests = sum(1 for f in by_rule[code] if is_test_path(f["path"]))
        split_total.update(library=len(by_rule[code]) - tests, test=tests)
        print(f"| {code} | {len(by_rule[code])} | {len(by_rule[code]) - tests} | {tests} |")
    print(f"| **total** | {len(findings)} | {split_total['library']} | {split_total['test']} |")

    print("\n## Changed\n")
    wanted = set(names)
    dropped = sorted(key for key in verdicts if key[0] in wanted and key not in reported)
    if dropped:
        outcome = Counter(verdicts[key]["verdict"] for key in dropped)
        print(
            f"{len(dropped)} reviewed findings no longer reported: {outcome['wrong']} wrong (wins), "
            f"{outcome['real']} real (losses), {outcome['low']} low\n"
        )
        for key in dropped:
            row = verdicts[key]
            print(f"- {row['verdict']:5} {key[0]}:{key[1]}:{key[2]} {key[3]} — {row.get('reason', '')}")
    else:
        print("no reviewed finding has disappeared")
    stale = sum(
        1
        for f in findings
        if key_of(f) in verdicts and verdicts[key_of(f)].get("version") not in (None, "", f["version"])
    )
    if stale:
        print(f"\n{stale} findings matched verdicts recorded for another version of the project")
    unreviewed = [f for f in findings if key_of(f) not in verdicts]
    per_rule = Counter(f["code"] for f in unreviewed)
    print(
        f"\n{len(unreviewed)} findings not reviewed yet: "
        + (", ".join(f"{c} {n}" for c, n in sorted(per_rule.items())) or "none")
    )
    if list_unreviewed:
        print()
        for f in unreviewed:
            print(f"{f['project']}:{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}")


# --------------------------------------------------------------------------- sampling


def interleave_projects(items: list[dict], rng: random.Random) -> list[dict]:
    """Shuffle within each project, then take one per project in turn (spreads the sample)."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        groups[item["project"]].append(item)
    order = sorted(groups)
    rng.shuffle(order)
    for name in order:
        rng.shuffle(groups[name])
    result: list[dict] = []
    while any(groups[name] for name in order):
        for name in order:
            if groups[name]:
                result.append(groups[name].pop())
    return result


def sample(findings: list[dict], verdicts: dict[Key, dict[str, str]], size: int, seed: int) -> None:
    """Every unreviewed finding of a rule with at most 5, else max(6, N / rules) per rule,
    half from library code and half from test code (the other fills in when one runs short),
    spread over the projects; deterministic for a given seed."""
    seen = set()
    unreviewed: dict[str, list[dict]] = defaultdict(list)
    for f in sorted(findings, key=lambda f: (f["project"], f["path"], f["line"], f["column"], f["code"])):
        key = key_of(f)
        if key in verdicts or key in seen:
            continue
        seen.add(key)
        unreviewed[f["code"]].append(f)
    if not unreviewed:
        print("# nothing left to review")
        return
    quota = max(6, math.ceil(size / len(unreviewed)))
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
    print("# fill in verdict (real/low/wrong) and reason, then append the rows to benchmarks/realcode/verdicts.tsv")
    writer.writerow(VERDICT_FIELDS)
    for code in sorted(unreviewed):
        items = unreviewed[code]
        if len(items) <= 5:
            chosen = items
        else:
            rng = random.Random(f"{seed}:{code}")
            library = interleave_projects([f for f in items if not is_test_path(f["path"])], rng)
            tests = interleave_projects([f for f in items if is_test_path(f["path"])], rng)
            want = min(quota, len(items))
            n_lib = min(len(library), math.ceil(want / 2))  # half library code, half test code
            n_test = min(len(tests), want - n_lib)
            n_lib = min(len(library), want - n_test)  # the rest from library code when tests run short
            chosen = sorted(library[:n_lib] + tests[:n_test], key=lambda f: (f["project"], f["path"], f["line"]))
        print(f"# {code}: {len(chosen)} of {len(items)} unreviewed")
        for f in chosen:
            where = "test" if is_test_path(f["path"]) else "lib"
            print(f"# [{where}] col {f['column']}: {f['message']}".replace("\n", " "))
            writer.writerow([f["project"], f["version"], f["path"], f["line"], f["code"], "", ""])


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter that has asynclint installed (default: this one)"
    )
    parser.add_argument(
        "--jobs", "-j", type=int, default=None, help="asynclint worker processes per project (default: all cores)"
    )
    parser.add_argument("--projects", default="", help="comma-separated subset of projects.tsv names")
    parser.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        help=f"findings JSON lines file to write (default: {DEFAULT_OUT.relative_to(REPO)})",
    )
    parser.add_argument(
        "--from", dest="from_file", default=None, metavar="FILE", help="score this findings file instead of linting"
    )
    parser.add_argument(
        "--verdicts", default=str(VERDICTS_TSV), help="verdicts file (default: benchmarks/realcode/verdicts.tsv)"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per project (default: 1800)")
    parser.add_argument("--list-unreviewed", action="store_true", help="list every finding without a verdict")
    parser.add_argument(
        "--sample",
        type=int,
        default=None,
        metavar="N",
        help="print a stratified sample of about N unreviewed findings as verdict TSV rows",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample (default: 0)")
    args = parser.parse_args(argv)
    args.crashed = []

    projects = read_projects(PROJECTS_TSV)
    if args.projects:
        wanted = [name.strip() for name in args.projects.split(",") if name.strip()]
        unknown = sorted(set(wanted) - {p["name"] for p in projects})
        if unknown:
            parser.error(f"not in projects.tsv: {', '.join(unknown)}")
        projects = [p for p in projects if p["name"] in wanted]
    missing = [p["name"] for p in projects if not (SOURCES / p["name"]).is_dir()]
    for name in missing:
        print(f"warning: {SOURCES / name} is missing; skipped (see benchmarks/realcode/README.md)", file=sys.stderr)
    projects = [p for p in projects if p["name"] not in missing]
    names = [p["name"] for p in projects]

    verdicts = read_verdicts(Path(args.verdicts))
    if args.from_file:
        findings = load_findings(Path(args.from_file), names)
    else:
        findings = run_all(args, projects)
    if args.sample is not None:
        sample(findings, verdicts, args.sample, args.seed)
        return 0
    report(findings, verdicts, names, args.list_unreviewed)
    if args.crashed:
        print(f"\nasynclint failed on: {', '.join(args.crashed)}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
