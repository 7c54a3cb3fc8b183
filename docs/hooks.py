"""MkDocs hooks: the pages generated at build time (nothing generated is committed).

- ``rules/<CODE>.md`` (served at ``rules/<CODE>/``, the address ``asynclint.catalog.docs_url``
  gives editors and SARIF viewers): each rule's page, rendered from the catalog by
  :func:`asynclint.catalog.render_markdown`, the same text ``asynclint explain`` prints;
- ``rules/index.md``: the table of every rule;
- ``cli.md``: the command-line reference, read from the click commands themselves;
- ``changelog.md``: the repository's ``CHANGELOG.md`` (the package's ``Changelog`` URL);
- in ``blocking-calls.md``, the ``{{ blocking-calls }}`` line: every call of the blocking table
  with its rule, and the argument forms that do not block, read from the tables themselves.

The rule pages are added to the navigation under "Rules".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from asynclint.analysis.tables import blocking_calls, nonblocking
from asynclint.catalog import Rule, load_catalog, render_markdown
from asynclint.cli import cli

RULES_SECTION = "Rules"
BLOCKING_CALLS_PAGE = "blocking-calls.md"
BLOCKING_CALLS_MARKER = "{{ blocking-calls }}"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """List the generated rule pages in the "Rules" section of the navigation."""
    for entry in config.nav or []:
        if isinstance(entry, dict) and RULES_SECTION in entry:
            pages: list[Any] = ["rules/index.md"]
            pages += [{f"{rule.code} {rule.name}": rule_path(rule)} for rule in load_catalog().values()]
            entry[RULES_SECTION] = pages
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    generated = {"rules/index.md": rules_index(), "cli.md": cli_reference(), "changelog.md": changelog()}
    generated.update({rule_path(rule): rule_page(rule) for rule in load_catalog().values()})
    for path, content in generated.items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri == BLOCKING_CALLS_PAGE:
        return markdown.replace(BLOCKING_CALLS_MARKER, blocking_calls_tables())
    return markdown


def blocking_calls_tables() -> str:
    """The blocking table by rule and by module or receiver type, then the forms that do not block."""
    catalog = load_catalog()
    groups: dict[tuple[str, str], list[str]] = {}
    for name, code in blocking_calls.BLOCKING_CALLS.items():
        owner, _, call = name.rpartition(".")
        groups.setdefault((code, owner), []).append(call)
    lines = ["| Rule | Module or receiver type | Calls |", "|---|---|---|"]
    for (code, owner), calls in sorted(groups.items(), key=lambda item: item[0][0]):
        rule = catalog[code]
        calls_text = ", ".join(f"`{call}`" for call in sorted(calls, key=str.lower))
        lines.append(f"| [{code}](rules/{code}.md) {rule.name} | `{owner}` | {calls_text} |")
    lines += ["", "Forms that return without waiting (not reported):", ""]
    lines += ["| Call | Not reported when |", "|---|---|"]
    for name, where in sorted(_non_blocking_forms().items()):
        lines.append(f"| `{name}` | {'; '.join(where)} |")
    return "\n".join(lines) + "\n"


def _non_blocking_forms() -> dict[str, list[str]]:
    forms: dict[str, list[str]] = {}
    for name, arguments in nonblocking.NON_BLOCKING_WHEN.items():
        for argument in arguments:
            told = f"mentions `{argument.flag}`" if argument.flag else "is `False` or `0`"
            forms.setdefault(name, []).append(f"`{argument.keyword}` {told}")
    for name, arguments in nonblocking.BLOCKS_ONLY_WITH.items():
        given = " or ".join(f"`{argument.keyword}`" for argument in arguments)
        forms.setdefault(name, []).append(f"called without {given} (or with `None`)")
    for name, (argument, literal) in nonblocking.NON_BLOCKING_LITERAL.items():
        forms.setdefault(name, []).append(f"`{argument.keyword}` is `{literal!r}`")
    for name, argument in blocking_calls.BLOCKS_WHEN_BUILT_WITH.items():
        forms.setdefault(name, []).append(f"the receiver is built without `{argument.keyword}` (or with `0`)")
    for type_name, switch in blocking_calls.NON_BLOCKING_MODE.items():
        forms.setdefault(f"{type_name}.*", []).append(
            f"`.{switch}(...)` is called in the function (in the class, for a `self.` attribute)"
        )
    return forms


def changelog() -> str:
    return (Path(__file__).resolve().parent.parent / "CHANGELOG.md").read_text(encoding="utf-8")


def rule_path(rule: Rule) -> str:
    return f"rules/{rule.code}.md"


def rule_page(rule: Rule) -> str:
    page = render_markdown(rule)
    if rule.fix is None:
        page += "\n## Fix safety\n\n`asynclint fix` has no automatic fix for this rule: follow *How to fix* above.\n"
    return page


def rules_index() -> str:
    lines = [
        "# Rules",
        "",
        "Every rule asynclint has. Rules marked *off* are opt-in: enable them with `--select`, "
        "`--extend-select` or `extend-select` in the [configuration](../configuration.md).",
        "",
        "The *tests* and *examples* columns say whether a rule reports in test and example code by",
        "default; *fix* whether `asynclint fix` has an automatic fix and whether it is safe.",
        "",
        "| Code | Name | Default | Tests | Examples | Severity | Fix | What it flags |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rule in load_catalog().values():
        link = f"[{rule.code}]({rule.code}.md)"
        default = "on" if rule.default else "off"
        tests, examples = ("yes" if reports else "no" for reports in (rule.tests, rule.examples))
        fix = f"{rule.fix.applicability.value}: {_cell(rule.fix.title)}" if rule.fix else "—"
        lines.append(
            f"| {link} | {rule.name} | {default} | {tests} | {examples} | {rule.severity.value} | {fix} "
            f"| {_cell(rule.summary)} |"
        )
    return "\n".join(lines) + "\n"


def cli_reference() -> str:
    """Every command of the ``asynclint`` group with its usage, help and options, as click
    itself describes them (what ``asynclint COMMAND --help`` prints)."""
    root = click.Context(cli, info_name="asynclint", **cli.context_settings)
    parts = [
        "# Command-line reference",
        "",
        "Generated from the commands themselves; `asynclint COMMAND --help` prints the same.",
        "",
        "**Exit status** of every command: `0` no findings, `1` findings, `2` usage, configuration or internal error.",
        "",
    ]
    parts += _command("asynclint", cli, root)
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        if command is not None and not command.hidden:
            parts += _command(f"asynclint {name}", command, click.Context(command, info_name=name, parent=root))
    return "\n".join(parts)


def _command(title: str, command: click.Command, context: click.Context) -> list[str]:
    lines = [f"## `{title}`", "", "```text", command.get_usage(context), "```", ""]
    if command.help:
        lines += [click.unstyle(command.help).strip(), ""]
    options = [
        record
        for param in command.get_params(context)
        if isinstance(param, click.Option) and (record := param.get_help_record(context))
    ]
    if options:
        lines += ["| Option | Description |", "|---|---|"]
        lines += [f"| `{' '.join(names.split())}` | {_cell(text)} |" for names, text in options]
        lines.append("")
    return lines


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
