"""libcst node constructors that do what the dataclass-generated ones do, at half the cost.

A libcst node is a frozen dataclass with slots, so its generated ``__init__`` sets each field
with ``object.__setattr__(self, "name", value)``, which looks the field up by name on every
call. The parser builds every node of a tree through these constructors: they were 13% of a
parse's time on the real-code benchmark. The constructors made here take the same arguments,
apply the same defaults and end with the same ``__post_init__`` (validation), but set each
field through its slot's own setter, found once. A class whose fields this cannot reproduce
exactly (``init=False`` fields, init-only variables, a field without a slot) keeps its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from libcst._nodes.base import CSTNode

_DEFAULT_FROM_FACTORY = object()  # the dataclass's own sentinel is private: this one stands in


def install() -> int:
    """Give every libcst node class a faster constructor; the number of classes given one.
    The constructors are compiled together: one ``exec`` costs a few milliseconds of start-up,
    one per class several times that."""
    namespace: dict[str, Any] = {"_DEFAULT_FROM_FACTORY": _DEFAULT_FROM_FACTORY}
    sources: dict[type, str] = {}
    for cls in _node_classes():
        source = _constructor_source(cls, f"_{len(sources)}", namespace)
        if source is not None:
            sources[cls] = source
    exec("\n".join(sources.values()), namespace)  # noqa: S102 - code generated above from the fields
    for number, cls in enumerate(sources):
        constructor = namespace[f"__init___{number}"]
        constructor.__qualname__ = f"{cls.__qualname__}.__init__"
        setattr(cls, "__init__", constructor)  # noqa: B010 - mypy rejects assigning a method
    return len(sources)


def _node_classes() -> Iterator[type]:
    """The node classes with a dataclass constructor of their own. ``add_slots`` replaces each
    class with a copy, so the slot-less originals are subclasses too: they are left out."""
    seen: set[type] = set()
    stack: list[type] = [CSTNode]
    subclass: type
    while stack:
        for subclass in stack.pop().__subclasses__():
            if subclass in seen:
                continue
            seen.add(subclass)
            stack.append(subclass)
            own = subclass.__dict__
            if "__slots__" in own and "__init__" in own and "__dataclass_fields__" in own:
                yield subclass


def _constructor_source(cls: type, suffix: str, namespace: dict[str, Any]) -> str | None:
    """The source of ``__init__{suffix}`` for ``cls``, with the generated constructor's signature
    and effect (its defaults and setters put in ``namespace``), or None."""
    fields = dataclasses.fields(cls)
    code = getattr(cls.__dict__["__init__"], "__code__", None)
    taken = code.co_varnames[1 : code.co_argcount] if code is not None and not code.co_kwonlyargcount else None
    if taken != tuple(field.name for field in fields) or any(not field.init for field in fields):
        return None  # init-only variables, fields it does not take: not what the original does
    parameters: list[str] = []
    body: list[str] = []
    for position, field in enumerate(fields):
        setter = _slot_setter(cls, field.name)
        if setter is None:
            return None
        key = f"{suffix}_{position}"
        namespace[f"_set{key}"] = setter
        value = field.name
        if field.default is not dataclasses.MISSING:
            namespace[f"_default{key}"] = field.default
            parameters.append(f"{field.name}=_default{key}")
        elif field.default_factory is not dataclasses.MISSING:
            namespace[f"_factory{key}"] = field.default_factory
            parameters.append(f"{field.name}=_DEFAULT_FROM_FACTORY")
            value = f"_factory{key}() if {field.name} is _DEFAULT_FROM_FACTORY else {field.name}"
        else:
            parameters.append(field.name)
        body.append(f"    _set{key}(self, {value})")
    body.append("    self.__post_init__()")
    return f"def __init__{suffix}(self, {', '.join(parameters)}):\n" + "\n".join(body) + "\n"


def _slot_setter(cls: type, name: str) -> Callable[[Any, Any], None] | None:
    """The ``__set__`` of the slot that holds ``name`` (the nearest class in the MRO)."""
    for klass in cls.__mro__:
        slot = klass.__dict__.get(name)
        if slot is not None:
            return slot.__set__ if type(slot).__name__ == "member_descriptor" else None
    return None
