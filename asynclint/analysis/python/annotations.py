"""The one class an annotation names: ``Path``, ``Optional[Path]``, ``Path | None``,
``Union[Path, None]``, ``"Path"``, ``Annotated[Path, ...]``, ``Queue[int]``.

Only an explicit annotation says what a name holds; its name must resolve through the file's
imports (a local ``class Path`` is not ``pathlib.Path``). A union of two classes names none.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import libcst as cst

from asynclint.analysis.tables.builtins import TYPE_WRAPPERS

_MAX_DEPTH = 6


def annotated_class(
    annotation: cst.BaseExpression | None,
    qualified_name: Callable[[cst.BaseExpression], str | None],
    depth: int = 0,
) -> str | None:
    """The qualified name of the class ``annotation`` names, None when it names no one class."""
    if annotation is None or depth > _MAX_DEPTH:
        return None
    if isinstance(annotation, cst.SimpleString):
        text = annotation.evaluated_value
        return annotated_class(_parsed(text.strip()), qualified_name, depth + 1) if isinstance(text, str) else None
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return _one_of([annotation.left, annotation.right], qualified_name, depth)
    if isinstance(annotation, cst.Subscript):
        name = qualified_name(annotation.value)
        if name is None:
            return None
        arguments = [element.slice.value for element in annotation.slice if isinstance(element.slice, cst.Index)]
        if name not in TYPE_WRAPPERS:
            return name  # a generic class: ``asyncio.Queue[int]``
        if name.endswith(".Union") or name.endswith(".Optional"):
            return _one_of(arguments, qualified_name, depth)
        return annotated_class(arguments[0], qualified_name, depth + 1) if arguments else None
    if isinstance(annotation, (cst.Name, cst.Attribute)):
        name = qualified_name(annotation)
        return None if name is None or name in TYPE_WRAPPERS else name
    return None


@lru_cache(maxsize=512)  # a parameter's annotation is read at every call on it
def _parsed(text: str) -> cst.BaseExpression | None:
    try:
        return cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return None


def _one_of(
    options: list[cst.BaseExpression], qualified_name: Callable[[cst.BaseExpression], str | None], depth: int
) -> str | None:
    """The class of a union whose other members are all ``None``."""
    named = [option for option in options if not (isinstance(option, cst.Name) and option.value == "None")]
    return annotated_class(named[0], qualified_name, depth + 1) if len(named) == 1 else None
