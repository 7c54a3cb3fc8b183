"""The rule catalog: ``rules/AIOnnn-<name>.toml`` loaded, validated and rendered.

Rules hold every user-facing word (message templates, suggestions, docs, examples) so
that checks stay pure detection code. The loader is strict: a typo in a catalog file is a
clear :class:`CatalogError`, never a confusing failure later.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from asynclint.config import CORE_KEYS, Config, ConfigError, parse_table
from asynclint.diagnostics import Applicability, Severity
from asynclint.rule_files import read_table, read_tables

CODE_RE = re.compile(r"^AIO\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
FILE_RE = re.compile(r"^(AIO\d{3})-([a-z0-9-]+)\.toml$")
# ``triggers``: what a file must contain for the rule to possibly fire (the prefilter's input):
# identifiers that must appear in its text, or one of these kinds
TRIGGER_KINDS = frozenset({"async", "asyncio-names", "project-async", "suppression"})
_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_TOP_KEYS = {
    "code": str,
    "name": str,
    "summary": str,
    "message": str,
    "suggestion": str,
    "severity": str,
    "default": bool,
    "tests": bool,
    "examples": bool,
    "triggers": list,
    "variants": dict,
    "options": dict,
    "docs": dict,
    "maintainer": dict,
    "fix": dict,
    "bad": list,
    "good": list,
}
_REQUIRED = ("code", "name", "summary", "message", "suggestion", "severity", "default", "docs")
_DOC_KEYS = {"what": str, "why": str, "fix": str, "traps": str, "references": list}
_REQUIRED_DOCS = ("what", "why", "fix")
# ``[maintainer]``: metadata for the people who keep the catalog, never rendered to users
_MAINTAINER_KEYS = {"seeds": list}
# ``config``: the ``[tool.asynclint]`` settings an example needs (AIO210's ``blocking-calls``)
# ``notebook``: the code is a notebook's code cell (linted as the cells of ``example.ipynb``)
_EXAMPLE_KEYS = {"title": str, "code": str, "config": dict, "notebook": bool, "file": str}
_VARIANT_KEYS = {"message": str, "suggestion": str}
# ``expect``: the codes the example fires with the default rules, when not just its own, once
_BAD_EXAMPLE_KEYS = {**_EXAMPLE_KEYS, "fixed": str, "expect": list}
_FIX_KEYS = {"title": str, "applicability": str, "reason": str}


class CatalogError(Exception):
    """A catalog file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Example:
    title: str
    code: str
    config: Config | None = None  # the settings the example is linted with
    config_toml: str = ""  # the same settings as ``[tool.asynclint]`` text, for the docs
    fixed: str | None = None  # what ``asynclint fix --unsafe-fixes`` makes of a bad example
    expect: tuple[str, ...] | None = None  # the codes it fires, in order, if not its own once
    notebook: bool = False  # the code is a notebook's code cell
    file: str | None = None  # the file name it is linted as (``test_example.py`` for a test rule)

    @property
    def path(self) -> str:
        """The name the example is linted as: a ``.ipynb`` path makes the code a notebook's cells."""
        return "example.ipynb" if self.notebook else (self.file or "example.py")


@dataclass(frozen=True)
class FixInfo:
    """The ``[fix]`` section: the fix's title, whether it is safe, and why."""

    title: str
    applicability: Applicability
    reason: str


@dataclass(frozen=True)
class Template:
    message: str
    suggestion: str
    fields: frozenset

    def render(self, fields: Mapping[str, object]) -> tuple[str, str]:
        return self.message.format_map(fields), self.suggestion.format_map(fields)


@dataclass(frozen=True)
class Docs:
    what: str
    why: str
    fix: str
    traps: str
    references: tuple[str, ...]  # public pages only (Python docs, PEPs, CPython issues, library docs)


@dataclass(frozen=True)
class Option:
    """A setting a rule declares (``[options.max-helper-depth]`` in its TOML): an integer or a
    boolean, with a default and, for integers, an inclusive range."""

    name: str
    type: str  # "integer" | "boolean"
    default: int | bool
    description: str
    minimum: int | None = None
    maximum: int | None = None

    def expected(self) -> str:
        if self.type == "boolean":
            return "true or false"
        return f"integer from {self.minimum} to {self.maximum}"

    def accepts(self, value: object) -> bool:
        if self.type == "boolean":
            return isinstance(value, bool)
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return (self.minimum is None or value >= self.minimum) and (self.maximum is None or value <= self.maximum)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity
    default: bool
    template: Template
    variants: Mapping[str, Template]
    docs: Docs
    bad: tuple[Example, ...]
    good: tuple[Example, ...]
    fix: FixInfo | None = None
    # settings the rule reads from ``[tool.asynclint]``: name -> its declaration
    options: Mapping[str, Option] = field(default_factory=dict)
    # whether the rule reports in test code, and in example code, by default (``include-tests``
    # reports everywhere)
    tests: bool = True
    examples: bool = True
    # ``[maintainer] seeds``: where the study notes discuss the rule (``D1 · 000:578 «...»``);
    # internal, so no renderer shows them
    seeds: tuple[str, ...] = ()
    # what a file must contain for the rule to possibly fire (``asynclint.prefilter``); empty:
    # anything, so every file is checked when the rule is enabled
    triggers: tuple[str, ...] = ()

    def render(self, variant: str | None, fields: Mapping[str, object]) -> tuple[str, str]:
        """Return ``(message, suggestion)`` for a finding."""
        template = self.template if variant is None else self.variants[variant]
        return template.render(fields)


def rules_dir() -> Path:
    """The catalog shipped in the wheel, or the checkout's ``rules/`` for editable installs."""
    package = Path(__file__).resolve().parent
    shipped = package / "_rules"
    return shipped if shipped.is_dir() else package.parent / "rules"


@cache
def load_catalog(directory: Path | None = None) -> dict[str, Rule]:
    """Load every rule, keyed by code, sorted by code."""
    directory = directory or rules_dir()
    if not directory.is_dir():
        raise CatalogError(f"rule catalog directory not found: {directory}")
    rules: dict[str, Rule] = {}
    names: dict[str, str] = {}
    paths = sorted(directory.glob("*.toml"))
    for path, parsed in zip(paths, read_tables(paths)):
        rule = load_rule(path, parsed)
        if rule.code in rules:
            raise CatalogError(f"{path.name}: duplicate code {rule.code}")
        if rule.name in names:
            raise CatalogError(f"{path.name}: name {rule.name!r} already used by {names[rule.name]}")
        rules[rule.code] = rule
        names[rule.name] = rule.code
    if not rules:
        raise CatalogError(f"no rules found in {directory}")
    for rule in rules.values():
        for kind, examples in (("bad", rule.bad), ("good", rule.good)):
            for index, example in enumerate(examples):
                if example.config is not None:
                    try:
                        check_rule_options(example.config.rule_options, rules.values(), "")
                    except ConfigError as error:
                        raise CatalogError(f"{rule.code} [[{kind}]] #{index + 1} config: {error}") from None
    return dict(sorted(rules.items()))


def check_rule_options(values: Iterable[tuple[str, Any]], rules: Iterable[Rule], where: str) -> None:
    """Raise ConfigError for a setting no rule declares, or a value its declaration rejects."""
    declared = {name: option for rule in rules for name, option in rule.options.items()}
    for name, value in values:
        option = declared.get(name)
        if option is None:
            known = ", ".join(sorted({*CORE_KEYS, *declared}))
            raise ConfigError(f"{where}[tool.asynclint]: unknown key {name!r} (known: {known})")
        if not option.accepts(value):
            raise ConfigError(f"{where}[tool.asynclint] {name}: expected {option.expected()}, got {value!r}")


def load_rule(path: Path, parsed: dict[str, Any] | Exception | None = None) -> Rule:
    """The rule of one file (``parsed``: its TOML table, or the error reading it raised, when
    :func:`asynclint.rule_files.read_tables` has read it already)."""
    where = path.name
    match = FILE_RE.match(path.name)
    if not match:
        raise CatalogError(f"{where}: file name must look like AIO200-blocking-sleep.toml")
    data = read_table(path) if parsed is None else parsed
    if isinstance(data, Exception):
        raise CatalogError(f"{where}: cannot read rule: {data}")
    _check_keys(where, data, _TOP_KEYS, _REQUIRED)
    code, name = data["code"], data["name"]
    if not CODE_RE.match(code):
        raise CatalogError(f"{where}: code {code!r} must look like AIO200")
    if not NAME_RE.match(name):
        raise CatalogError(f"{where}: name {name!r} must be kebab-case")
    if (code, name) != match.groups():
        raise CatalogError(f"{where}: file name does not match code {code!r} and name {name!r}")
    try:
        severity = Severity(data["severity"])
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise CatalogError(f"{where}: severity must be one of {choices}") from None
    template = _template(where, data["message"], data["suggestion"])
    variants = {}
    for variant, spec in data.get("variants", {}).items():
        if not isinstance(spec, dict):
            raise CatalogError(f"{where}: [variants.{variant}] must be a table")
        _check_keys(f"{where} [variants.{variant}]", spec, _VARIANT_KEYS, ("message",))
        variants[variant] = _template(
            f"{where} [variants.{variant}]", spec["message"], spec.get("suggestion", data["suggestion"])
        )
    docs = data["docs"]
    _check_keys(f"{where} [docs]", docs, _DOC_KEYS, _REQUIRED_DOCS)
    maintainer = data.get("maintainer", {})
    _check_keys(f"{where} [maintainer]", maintainer, _MAINTAINER_KEYS, ())
    for table, key in (("docs", "references"), ("maintainer", "seeds")):
        if not all(isinstance(item, str) for item in data.get(table, {}).get(key, [])):
            raise CatalogError(f"{where} [{table}]: {key} must be a list of strings")
    fix = _fix_info(where, data["fix"]) if "fix" in data else None
    bad = _examples(where, "bad", data.get("bad", []))
    if fix is None and any(example.fixed is not None for example in bad):
        raise CatalogError(f"{where}: a [[bad]] example has `fixed` but the rule has no [fix] section")
    return Rule(
        code=code,
        name=name,
        summary=data["summary"],
        severity=severity,
        default=data["default"],
        template=template,
        variants=variants,
        docs=Docs(
            what=docs["what"].strip(),
            why=docs["why"].strip(),
            fix=docs["fix"].strip(),
            traps=docs.get("traps", "").strip(),
            references=tuple(docs.get("references", [])),
        ),
        bad=bad,
        good=_examples(where, "good", data.get("good", [])),
        fix=fix,
        options=_options(where, data.get("options", {})),
        tests=data.get("tests", True),
        examples=data.get("examples", data.get("tests", True)),
        seeds=tuple(maintainer.get("seeds", [])),
        triggers=_triggers(where, data.get("triggers", [])),
    )


def _triggers(where: str, triggers: list[Any]) -> tuple[str, ...]:
    for trigger in triggers:
        if not isinstance(trigger, str) or not (trigger in TRIGGER_KINDS or _IDENTIFIER_RE.match(trigger)):
            kinds = ", ".join(sorted(TRIGGER_KINDS))
            raise CatalogError(f"{where}: triggers: {trigger!r} is neither an identifier nor one of {kinds}")
    return tuple(triggers)


def _fix_info(where: str, spec: Mapping[str, Any]) -> FixInfo:
    _check_keys(f"{where} [fix]", spec, _FIX_KEYS, tuple(_FIX_KEYS))
    try:
        applicability = Applicability(spec["applicability"])
    except ValueError:
        choices = ", ".join(a.value for a in Applicability)
        raise CatalogError(f"{where} [fix]: applicability must be one of {choices}") from None
    if not spec["title"].strip() or not spec["reason"].strip():
        raise CatalogError(f"{where} [fix]: title and reason must not be empty")
    return FixInfo(spec["title"].strip(), applicability, spec["reason"].strip())


def _check_keys(where: str, data: Mapping[str, Any], allowed: Mapping[str, type], required: Iterable[str]) -> None:
    for key in data:
        if key not in allowed:
            raise CatalogError(f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
        if not isinstance(data[key], allowed[key]):
            raise CatalogError(f"{where}: {key!r} must be a {allowed[key].__name__}")
    for key in required:
        if key not in data:
            raise CatalogError(f"{where}: missing required key {key!r}")


def _template(where: str, message: str, suggestion: str) -> Template:
    fields = set()
    for text in (message, suggestion):
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as error:
            raise CatalogError(f"{where}: bad template {text!r}: {error}") from None
        for _, field_name, spec, conversion in parsed:
            if field_name is None:
                continue
            if not field_name.isidentifier() or spec or conversion:
                raise CatalogError(f"{where}: template field {{{field_name}}} must be a plain name")
            fields.add(field_name)
    return Template(message.strip(), suggestion.strip(), frozenset(fields))


def _examples(where: str, kind: str, items: list[Any]) -> tuple[Example, ...]:
    examples = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise CatalogError(f"{where}: [[{kind}]] #{index + 1} must be a table")
        place = f"{where} [[{kind}]] #{index + 1}"
        _check_keys(place, item, _BAD_EXAMPLE_KEYS if kind == "bad" else _EXAMPLE_KEYS, ("code",))
        code = item["code"].strip("\n") + "\n"
        fixed = item["fixed"].strip("\n") + "\n" if "fixed" in item else None
        expect = item.get("expect")
        if expect is not None and not (expect and all(isinstance(c, str) and CODE_RE.match(c) for c in expect)):
            raise CatalogError(f"{place}: expect must be a list of rule codes")
        expected = tuple(expect) if expect is not None else None
        notebook, file = item.get("notebook", False), item.get("file")
        if "config" not in item:
            examples.append(
                Example(item.get("title", ""), code, fixed=fixed, expect=expected, notebook=notebook, file=file)
            )
            continue
        try:
            config = parse_table(item["config"], f"{place} config")
        except ConfigError as error:
            raise CatalogError(str(error)) from None
        examples.append(
            Example(
                item.get("title", ""),
                code,
                config,
                _config_toml(item["config"], place),
                fixed,
                expected,
                notebook,
                file,
            )
        )
    return tuple(examples)


_OPTION_KEYS = {"type": str, "default": object, "description": str, "minimum": int, "maximum": int}


def _options(where: str, table: Mapping[str, Any]) -> dict[str, Option]:
    options = {}
    for name, spec in table.items():
        place = f"{where} [options.{name}]"
        if not isinstance(spec, dict):
            raise CatalogError(f"{place} must be a table")
        _check_keys(place, spec, _OPTION_KEYS, ("type", "default", "description"))
        option = Option(
            name, spec["type"], spec["default"], spec["description"], spec.get("minimum"), spec.get("maximum")
        )
        if option.type not in ("integer", "boolean") or not option.accepts(option.default):
            raise CatalogError(f"{place}: type must be integer or boolean, and the default one of them")
        options[name] = option
    return options


def _config_toml(table: Mapping[str, Any], where: str) -> str:
    """An example's settings as the ``pyproject.toml`` text a user would write."""
    lines = ["[tool.asynclint]"]
    tables = []
    for key, value in table.items():
        if isinstance(value, dict):
            tables += ["", f"[tool.asynclint.{key}]"]
            tables += [f"{_toml_value(name, where)} = {_toml_value(item, where)}" for name, item in value.items()]
        else:
            lines.append(f"{key} = {_toml_value(value, where)}")
    return "\n".join((lines if len(lines) > 1 else []) + tables).strip("\n") + "\n"


def _toml_value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item, where) for item in value) + "]"
    raise CatalogError(f"{where} config: cannot show {value!r} in the docs")


def find_rule(catalog: Mapping[str, Rule], key: str) -> Rule | None:
    """Look a rule up by code (any case) or by name."""
    rule = catalog.get(key.upper())
    if rule is not None:
        return rule
    return next((r for r in catalog.values() if r.name == key.lower()), None)


def tests_note(rule: Rule) -> str:
    """Whether the rule reports in test and example code, in words (rule pages)."""
    if rule.tests and rule.examples:
        return "reports in test and example code too"
    where = " and ".join(kind for kind, reports in (("test", rule.tests), ("example", rule.examples)) if not reports)
    return f"silent in {where} code unless `include-tests` is set"


def render_markdown(rule: Rule) -> str:
    """The rule's documentation page, used by ``explain`` and the docs site."""
    state = "enabled by default" if rule.default else "opt-in (enable with `--select " + rule.code + "`)"
    parts = [
        f"# {rule.code} {rule.name}",
        "",
        f"{rule.summary}.",
        "",
        f"Severity: {rule.severity.value}; {state}; {tests_note(rule)}.",
        "",
        "## What it does",
        "",
        rule.docs.what,
        "",
        "## Why is this bad?",
        "",
        rule.docs.why,
        "",
    ]
    if rule.options:
        parts += ["## Options", "", "In `[tool.asynclint]`:", ""]
        for option in rule.options.values():
            default = str(option.default).lower() if option.type == "boolean" else option.default
            parts.append(f"- `{option.name}` ({option.expected()}, default `{default}`): {option.description}.")
        parts.append("")
    if rule.bad:
        parts += ["## Example", ""]
        unsafe = rule.fix is not None and rule.fix.applicability == Applicability.UNSAFE
        command = "asynclint fix --unsafe-fixes" if unsafe else "asynclint fix"
        parts += [_code_block(example, command) for example in rule.bad]
    if rule.good:
        parts += ["## Use instead", ""]
        parts += [_code_block(example) for example in rule.good]
    parts += ["## How to fix", "", rule.docs.fix, ""]
    if rule.fix is not None:
        safe = rule.fix.applicability == Applicability.SAFE
        safety = (
            "It is safe: `asynclint fix` applies it."
            if safe
            else "It is unsafe: only `asynclint fix --unsafe-fixes` applies it."
        )
        parts += ["## Fix safety", "", f"Automatic fix: {rule.fix.title}. {safety}", "", rule.fix.reason, ""]
    if rule.docs.traps:
        parts += ["## What is not flagged", "", rule.docs.traps, ""]
    if rule.docs.references:
        parts += ["## References", ""]
        parts += [f"- <{ref}>" for ref in rule.docs.references] + [""]
    return "\n".join(parts)


HOVER_LINES = 15
"""The most lines :func:`render_hover` gives: an editor's hover is a glance, not the page."""


def render_hover(rule: Rule) -> str:
    """The rule in brief, for editor hovers and SARIF ``help``: the summary, the first paragraph
    of the why, the start of the fix, and the link to the page that has the rest."""
    head = [f"**{rule.code} {rule.name}**: {rule.summary}.", first_paragraph(rule.docs.why)]
    link = f"[Full documentation]({docs_url(rule)})"
    for lead in _fix_leads(rule):
        blocks = [*head, *lead, link]
        if sum(block.count("\n") + 1 for block in blocks) + len(blocks) - 1 <= HOVER_LINES:
            break
    return "\n\n".join(blocks)


def first_paragraph(text: str) -> str:
    """The first paragraph of Markdown text, prose on one line (its wrapping only fits the TOML),
    and the block it introduces when it ends with a colon (a list), as written."""
    blocks = _blocks(text)
    first = _unwrap(blocks[0])
    return f"{first}\n{blocks[1]}" if first.endswith(":") and len(blocks) > 1 else first


def _fix_leads(rule: Rule) -> Iterable[list[str]]:
    """Starts of *How to fix*, longest first: its first prose paragraph with the code block it
    introduces (``...:``) or follows (a fix that opens with code); that paragraph alone; for a
    fix that is only code, the rule's suggestion, its fields shown as ``<name>``."""
    blocks = [_unwrap(block) for block in _blocks(rule.docs.fix)]
    prose = next((i for i, block in enumerate(blocks) if not block.startswith("```")), None)
    if prose is None:
        yield blocks[:1]
        yield [rule.template.suggestion.format_map({name: f"<{name}>" for name in rule.template.fields})]
        return
    yield blocks[: prose + 1] if prose else blocks[: 2 if blocks[0].endswith(":") else 1]
    paragraph = blocks[prose]
    yield [paragraph.removesuffix(":") + "." if paragraph.endswith(":") else paragraph]


def _blocks(text: str) -> list[str]:
    """Markdown split into paragraphs and whole fenced code blocks (which may hold blank lines)."""
    blocks: list[str] = []
    fenced = False
    for paragraph in text.split("\n\n"):
        if fenced:
            blocks[-1] += "\n\n" + paragraph
        else:
            blocks.append(paragraph)
        fenced ^= paragraph.count("```") % 2 == 1
    return blocks


def _unwrap(block: str) -> str:
    """A prose paragraph on one line; code blocks and lists keep their lines."""
    if block.startswith("```") or block.startswith("- "):
        return block
    return " ".join(block.split())


def _code_block(example: Example, fix_command: str = "asynclint fix") -> str:
    cell = " (a notebook cell)" if example.notebook else ""
    title = f"{example.title or 'Code'}{cell}:\n\n" if example.title or cell else ""
    settings = f"```toml\n# pyproject.toml\n{example.config_toml}```\n\n" if example.config_toml else ""
    fixed = f"\nAfter `{fix_command}`:\n\n```python\n{example.fixed}```\n" if example.fixed is not None else ""
    return f"{title}{settings}```python\n{example.code}```\n{fixed}"


DOCS_URL = "https://asynclint.readthedocs.io/en/latest/"
"""Root of the documentation site; each rule has its page at ``rules/<CODE>/`` under it."""


def docs_url(rule: Rule) -> str:
    """The rule's documentation page, linked from SARIF output and editor diagnostics."""
    return f"{DOCS_URL}rules/{rule.code}/"
