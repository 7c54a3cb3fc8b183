"""The CI output formats: SARIF 2.1.0 (checked against the official schema) and GitHub annotations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, run_cli

from asynclint.catalog import docs_url, first_paragraph, load_catalog, render_hover
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from asynclint.output import RENDERERS
from asynclint.output.github import escape_data, escape_property
from asynclint.output.sarif import sarif_log

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

APP = """\
import asyncio
import time


async def tick():
    await asyncio.sleep(1)


async def poll():
    time.sleep(2)
    asyncio.create_task(tick())
    await tick()


async def idle():
    return 1
"""
# (code, line, column, end line, end column) of each finding in APP
APP_FINDINGS = [
    ("AIO200", 10, 5, 10, 18),
    ("AIO300", 11, 5, 11, 32),
    ("AIO101", 15, 11, 15, 15),
]


@pytest.fixture
def project(tmp_path):
    """Findings of several rules and severities, in a file whose name needs URI escaping."""
    (tmp_path / "pkg").mkdir()
    # AIO101 (opt-in) gives the warning-level finding
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\nextend-select = ['AIO101']\n", encoding="utf-8")
    (tmp_path / "pkg" / "my app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "pkg" / "broken.py").write_text("def broken(:\n", encoding="utf-8")
    (tmp_path / "pkg" / "clean.py").write_text("x = 1\n", encoding="utf-8")
    return tmp_path


def validate_sarif(log):
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def diagnostic(**overrides) -> Diagnostic:
    fields = dict(
        code="AIO200",
        name="blocking-sleep",
        severity=Severity.ERROR,
        message="`time.sleep(...)` blocks",
        suggestion="use `await asyncio.sleep(...)`",
        path="app.py",
        line=5,
        column=5,
        end_line=5,
        end_column=18,
    )
    fields.update(overrides)
    return Diagnostic(**fields)


# --- SARIF -------------------------------------------------------------------------------


def test_sarif_from_the_cli_validates_against_the_schema(project):
    result = run_cli("check", "--format", "sarif", "pkg", cwd=project)
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)  # nothing but the document: no summary line
    validate_sarif(log)
    assert log["version"] == "2.1.0" and "sarif-schema-2.1.0" in log["$schema"]
    [run] = log["runs"]
    assert run["tool"]["driver"]["name"] == "asynclint" and run["tool"]["driver"]["version"]
    assert run["columnKind"] == "unicodeCodePoints"
    found = sorted(
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in run["results"]
    )
    assert found == [
        ("AIO001", "pkg/broken.py"),
        ("AIO101", "pkg/my%20app.py"),
        ("AIO200", "pkg/my%20app.py"),
        ("AIO300", "pkg/my%20app.py"),
    ]


def test_sarif_for_the_fixture_directory_validates():
    """Every rule's tricky cases at once: hundreds of results, all rules, odd messages."""
    result = run_cli("check", "--format", "sarif", "--select", "AIO", "fixtures", cwd=REPO)
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    validate_sarif(log)
    [run] = log["runs"]
    fired = {r["ruleId"] for r in run["results"]}
    assert fired <= {rule["id"] for rule in run["tool"]["driver"]["rules"]} and len(fired) > 5
    for r in run["results"]:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("fixtures/")


def test_sarif_results_point_at_their_rules_with_positions_and_levels(project):
    log = json.loads(run_cli("check", "--format", "sarif", "pkg/my app.py", cwd=project).stdout)
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    catalog = load_catalog()
    positions = []
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert result["level"] == rule["defaultConfiguration"]["level"]
        message = result["message"]["text"]
        assert catalog[result["ruleId"]].summary  # the rule exists in the catalog
        assert "\nhelp: " in message and message.split("\nhelp: ")[1]
        [location] = result["locations"]
        region = location["physicalLocation"]["region"]
        positions.append(
            (result["ruleId"], region["startLine"], region["startColumn"], region["endLine"], region["endColumn"])
        )
        for fix in result.get("fixes", []):  # a rule's fix, in the result's own file
            assert fix["description"]["text"] == catalog[result["ruleId"]].fix.title
            [change] = fix["artifactChanges"]
            assert change["artifactLocation"] == location["physicalLocation"]["artifactLocation"]
    assert positions == APP_FINDINGS
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"AIO200": "error", "AIO300": "error", "AIO101": "warning"}


def test_sarif_driver_lists_the_rules_with_results_each_with_a_short_help():
    catalog = load_catalog()
    found = [diagnostic(code="AIO300", name="dangling-task"), diagnostic(), diagnostic(line=9, end_line=9)]
    [run] = sarif_log(found, catalog)["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["AIO200", "AIO300"]  # catalog order, once each
    assert [r["ruleIndex"] for r in run["results"]] == [1, 0, 0]
    for descriptor in rules:
        rule = catalog[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == first_paragraph(rule.docs.what)
        assert descriptor["help"] == {"text": render_hover(rule), "markdown": render_hover(rule)}
        assert descriptor["helpUri"] == docs_url(rule) and descriptor["helpUri"].startswith("https://")
        assert docs_url(rule) in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] == "error"
    assert sarif_log([], catalog)["runs"][0]["tool"]["driver"]["rules"] == []


def test_clean_run_is_still_a_valid_sarif_document(tmp_path):
    (tmp_path / "ok.py").write_text("import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n")
    result = run_cli("check", "--format", "sarif", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    log = json.loads(result.stdout)
    validate_sarif(log)
    assert log["runs"][0]["results"] == []


def test_sarif_paths_are_relative_to_the_working_directory(project):
    absolute = str(project / "pkg" / "my app.py")
    log = json.loads(run_cli("check", "--format", "sarif", absolute, cwd=project).stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"pkg/my%20app.py"}
    (project / "elsewhere").mkdir()
    outside = json.loads(run_cli("check", "--format", "sarif", absolute, cwd=project / "elsewhere").stdout)
    validate_sarif(outside)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in outside["runs"][0]["results"]}
    assert uris == {Path(absolute).resolve().as_uri()}  # not under the checkout: an absolute file URI


def test_sarif_renders_fixes_as_artifact_changes():
    fix = Fix(
        title="Use `asyncio.sleep`",
        applicability=Applicability.SAFE,
        edits=(
            Edit(5, 5, 5, 15, "await asyncio.sleep"),
            Edit(1, 1, 1, 1, "import asyncio\n"),
        ),
    )
    fixed = diagnostic(fix=fix)
    empty_fix = diagnostic(line=7, end_line=7, fix=Fix("Nothing to do", Applicability.UNSAFE))
    log = sarif_log([fixed, empty_fix], load_catalog())
    validate_sarif(log)
    with_fix, without_edits = log["runs"][0]["results"]
    assert with_fix["fixes"] == [
        {
            "description": {"text": "Use `asyncio.sleep`"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "app.py"},
                    "replacements": [
                        {
                            "deletedRegion": {"startLine": 5, "startColumn": 5, "endLine": 5, "endColumn": 15},
                            "insertedContent": {"text": "await asyncio.sleep"},
                        },
                        {
                            "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
                            "insertedContent": {"text": "import asyncio\n"},
                        },
                    ],
                }
            ],
            "properties": {"applicability": "safe"},
        }
    ]
    assert "fixes" not in without_edits  # SARIF requires at least one change per fix


def test_sarif_maps_info_to_note_and_tolerates_unknown_codes():
    info = diagnostic(severity=Severity.INFO)
    unknown = diagnostic(code="AIO999", name="not-in-catalog")
    log = sarif_log([info, unknown], load_catalog())
    validate_sarif(log)
    first, second = log["runs"][0]["results"]
    assert first["level"] == "note"
    assert second["ruleId"] == "AIO999" and "ruleIndex" not in second


# --- GitHub annotations ------------------------------------------------------------------


def test_github_annotations_from_the_cli(project):
    result = run_cli("check", "--format", "github", "pkg/my app.py", cwd=project)
    assert result.returncode == 1, result.stderr
    payload = json.loads(run_cli("check", "--format", "json", "pkg/my app.py", cwd=project).stdout)
    expected = []
    for d in payload["diagnostics"]:
        level = {"error": "error", "warning": "warning", "info": "notice"}[d["severity"]]
        assert not {"%", "\r", "\n"} & set(d["message"] + d["suggestion"])  # nothing to escape here
        text = f"{d['message']}%0Ahelp: {d['suggestion']}"
        expected.append(
            f"::{level} file=pkg/my app.py,line={d['line']},col={d['column']},"
            f"endLine={d['end_line']},endColumn={d['end_column']},title={d['code']} ({d['name']})::{text}"
        )
    assert result.stdout.splitlines() == expected  # one line per finding, no summary
    assert result.stdout.splitlines()[0].startswith(
        "::error file=pkg/my app.py,line=10,col=5,endLine=10,endColumn=18,title=AIO200 (blocking-sleep)::`time.sleep()`"
    )
    assert result.stdout.splitlines()[2].startswith("::warning ")


def test_github_clean_run_prints_nothing(tmp_path):
    (tmp_path / "ok.py").write_text("x = 1\n")
    result = run_cli("check", "--format", "github", ".", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == ""


def test_github_escaping_follows_the_actions_runner():
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_data("literal %0A stays literal") == "literal %250A stays literal"
    assert escape_property("dir:x,y/50%\r\n.py") == "dir%3Ax%2Cy/50%25%0D%0A.py"


def test_github_annotation_escapes_properties_and_message():
    odd = diagnostic(
        severity=Severity.INFO,
        path="we,ird:dir/100%.py",
        message="first: 100%\nsecond, line",
        suggestion="do it",
        code="AIO905",
        name="prefer-to-thread",
    )
    assert RENDERERS["github"]([odd], False) == (
        "::notice file=we%2Cird%3Adir/100%25.py,line=5,col=5,endLine=5,endColumn=18,"
        "title=AIO905 (prefer-to-thread)::first: 100%25%0Asecond, line%0Ahelp: do it\n"
    )


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="the file system only takes UTF-8 (or UTF-16) names")
def test_a_file_name_that_is_not_utf8_is_rendered_as_valid_text_in_every_format(tmp_path):
    name = os.fsdecode(b"caf\xe9.py")
    (tmp_path / name).write_text("import time\n\n\nasync def f():\n    time.sleep(1)\n", encoding="utf-8")
    outputs = {}
    for output_format in ("json", "sarif", "github"):
        result = subprocess.run(
            [sys.executable, "-m", "asynclint", "check", "--no-cache", "--format", output_format, "."],
            cwd=tmp_path,
            capture_output=True,
        )
        assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr
        outputs[output_format] = result.stdout.decode("utf-8")  # valid UTF-8, or this raises
    (finding,) = json.loads(outputs["json"])["diagnostics"]
    assert os.fsencode(finding["path"]) == b"caf\xe9.py"  # the exact name comes back
    (result,) = json.loads(outputs["sarif"])["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "caf%E9.py"
    assert outputs["github"].startswith("::error file=caf\ufffd.py,line=5,")
