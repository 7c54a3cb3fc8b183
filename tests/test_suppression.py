"""Stale suppressions (AIO002) are looked for only where one can be: the comments' places take
a tokenize pass (tens of milliseconds a file), so a file whose comments name no asynclint code
or rule skips it, and one that does, in any letter case, is still checked."""

from __future__ import annotations

from conftest import lint

from asynclint import suppression

CODE = "import time\n\n\nasync def main():\n    time.sleep(1)  {comment}\n"


def _found(comment: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in lint(CODE.format(comment=comment), ["AIO2", "AIO3", "AIO002"])]


def test_a_stale_code_is_found_in_any_letter_case():
    assert _found("# NoQA: aio200, aio300") == [("AIO002", 5, 36)]
    assert _found("# asynclint: ignore[blocking-sleeep]") == [("AIO200", 5, 5), ("AIO002", 5, 40)]
    assert _found("# NOQA: E501, Aio300") == [("AIO200", 5, 5), ("AIO002", 5, 34)]


def test_comments_that_name_no_asynclint_code_are_not_tokenized(monkeypatch):
    def refuse(source):
        raise AssertionError("tokenized")

    monkeypatch.setattr(suppression, "_line_facts", refuse)
    assert _found("# noqa: E501, RUF006") == [("AIO200", 5, 5)]
    assert _found("# a comment") == [("AIO200", 5, 5)]
