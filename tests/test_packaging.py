"""Packaging: the wheel's contents and entry points, and ``python -m asynclint``.

The catalog (``rules/``) ships inside the package as ``asynclint/_rules`` (hatchling
force-include); nothing but ``asynclint/`` and its dist-info may reach site-packages.
"""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import asynclint

REPO_ROOT = Path(__file__).resolve().parents[1]


def _build(outdir: Path, isolated: bool) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "build", "--wheel", "--outdir", str(outdir), str(REPO_ROOT)]
    if not isolated:
        args.insert(4, "--no-isolation")
    return subprocess.run(args, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    outdir = tmp_path_factory.mktemp("dist")
    # hatchling is in the test extra, so building in this environment is the fast path.
    result = _build(outdir, isolated=False)
    if result.returncode != 0 and "Missing dependencies" in result.stdout + result.stderr:
        result = _build(outdir, isolated=True)  # build backend not installed here: let build fetch it
    assert result.returncode == 0, f"building the wheel failed:\n{result.stdout}\n{result.stderr}"
    wheels = sorted(outdir.glob("asynclint-*.whl"))
    assert len(wheels) == 1, f"expected one asynclint wheel in {outdir}, found {[w.name for w in outdir.iterdir()]}"
    with zipfile.ZipFile(wheels[0]) as archive:
        yield archive


def _dist_info(wheel: zipfile.ZipFile) -> str:
    [dist_info] = {name.split("/")[0] for name in wheel.namelist() if name.split("/")[0].endswith(".dist-info")}
    return dist_info


def test_wheel_holds_only_the_asynclint_package(wheel):
    names = wheel.namelist()
    assert any(name.startswith("asynclint/") for name in names), f"no asynclint/ package in the wheel: {names}"
    top_level = {name.split("/")[0] + ("/" if "/" in name else "") for name in names}
    dist_info = _dist_info(wheel)
    assert dist_info.startswith("asynclint-"), dist_info
    strays = sorted(entry for entry in top_level if entry not in ("asynclint/", dist_info + "/"))
    assert not strays, f"the wheel would install more than the asynclint package into site-packages: {strays}"
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")], "bytecode in the wheel"


def test_wheel_ships_the_whole_catalog(wheel):
    names = set(wheel.namelist())
    assert "asynclint/_rules/AIO200-blocking-sleep.toml" in names, sorted(names)
    catalog = sorted(path.name for path in (REPO_ROOT / "rules").glob("*.toml"))
    assert catalog, "no rules/*.toml in the checkout"
    missing = [name for name in catalog if f"asynclint/_rules/{name}" not in names]
    assert not missing, f"catalog files missing from asynclint/_rules in the wheel: {missing}"
    assert (
        wheel.read("asynclint/_rules/AIO200-blocking-sleep.toml")
        == (REPO_ROOT / "rules" / "AIO200-blocking-sleep.toml").read_bytes()
    )


def test_wheel_entry_points(wheel):
    text = wheel.read(f"{_dist_info(wheel)}/entry_points.txt").decode("utf-8")
    parser = configparser.ConfigParser(delimiters=("=",))
    parser.optionxform = str  # entry point names are case-sensitive (AIO)
    parser.read_string(text)
    assert parser.has_section("console_scripts"), text
    assert parser.get("console_scripts", "asynclint", fallback=None) == "asynclint.cli:main", text
    assert parser.has_section("flake8.extension"), f"no [flake8.extension] section:\n{text}"
    assert parser.get("flake8.extension", "AIO", fallback=None) == "asynclint.flake8_plugin:AsyncLintFlake8", text


def test_wheel_metadata_version_matches_package(wheel):
    metadata = wheel.read(f"{_dist_info(wheel)}/METADATA").decode("utf-8")
    assert f"\nVersion: {asynclint.__version__}\n" in metadata, metadata[:500]


def _python_m_asynclint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "asynclint", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_python_m_asynclint_version(tmp_path):
    result = _python_m_asynclint("--version", cwd=tmp_path)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert asynclint.__version__ in result.stdout and "asynclint" in result.stdout, result.stdout


def test_python_m_asynclint_rules_lists_the_catalog(tmp_path):
    result = _python_m_asynclint("rules", cwd=tmp_path)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "AIO200" in rows and "blocking-sleep" in rows["AIO200"], result.stdout


def test_wheel_carries_the_license_and_python_classifiers(wheel):
    dist_info = _dist_info(wheel)
    assert f"{dist_info}/licenses/LICENSE" in wheel.namelist()
    metadata = wheel.read(f"{dist_info}/METADATA").decode()
    assert "License-Expression: MIT" in metadata
    for minor in range(9, 15):
        assert f"Classifier: Programming Language :: Python :: 3.{minor}" in metadata


def test_wheel_links_the_documentation_rules_and_changelog(wheel):
    metadata = wheel.read(f"{_dist_info(wheel)}/METADATA").decode()
    urls = dict(
        line.split(": ", 1)[1].split(", ", 1) for line in metadata.splitlines() if line.startswith("Project-URL")
    )
    docs = "https://asynclint.readthedocs.io/en/latest/"
    assert urls == {"Documentation": docs, "Rules": docs + "rules/", "Changelog": docs + "changelog/"}


def test_readme_links_work_on_a_package_index():
    """PyPI shows the README without the repository around it: a relative link goes nowhere."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", readme)
    assert targets and [t for t in targets if not t.startswith("https://")] == []  # no #anchor either


def test_install_instructions_work_before_the_first_release():
    """No page tells users to install from PyPI or to pin a release tag: neither exists yet."""
    pages = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for line in text.splitlines():
            if "once asynclint is released" in line.lower():
                continue
            assert not re.search(r"pip install ['\"]?asynclint\b(?! @)", line), f"{page.name}: {line}"
            assert not re.search(r"^\s*rev: v\d", line), f"{page.name}: {line}"


def test_sdist_holds_what_the_readme_uses(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(tmp_path), str(REPO_ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [sdist] = tmp_path.glob("asynclint-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "CHANGELOG.md", "README.md"} <= names
    assert any(name.startswith("examples/") for name in names)  # the README's first command checks them
