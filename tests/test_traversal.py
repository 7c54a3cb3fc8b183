"""The batched traversal calls every hook of every visitor on every node of its type, in
order, while not walking into nodes no hook wants and that hold no child node."""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.python.traversal import child_fields, visit_batched

SOURCE = "import os\n\n\ndef f(a, *args, b='x', **kw):\n    return os.path.join(a, *args, sep=b)[0]\n"


class _Seen(cst.BatchableCSTVisitor):
    def __init__(self) -> None:
        self.seen: list[str] = []


class _Names(_Seen):
    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(node.value)


class _Calls(_Seen):
    def visit_Call(self, node: cst.Call) -> None:
        self.seen.append("call")

    def leave_SimpleString(self, node: cst.SimpleString) -> None:
        self.seen.append(node.value)


def test_fields_typed_as_text_hold_no_child():
    assert child_fields(cst.Name) == ()
    assert child_fields(cst.SimpleString) == ()
    assert child_fields(cst.Arg) == ("value", "keyword")  # not ``star``, a string
    assert child_fields(cst.Attribute) == ("value", "attr")


def test_a_visitor_of_names_sees_every_name_and_the_others_their_nodes():
    module = cst.parse_module(SOURCE)
    names, calls = _Names(), _Calls()
    visit_batched(module, [calls, names])
    # every Name (of attributes and keywords too), each node before its children, in field order
    assert names.seen == ["os", "f", "a", "args", "b", "kw", "os", "path", "join", "a", "args", "b", "sep"]
    assert calls.seen == ["'x'", "call"]


def test_without_a_visitor_of_names_the_other_hooks_are_called_the_same():
    module = cst.parse_module(SOURCE)
    alone, beside = _Calls(), _Calls()
    visit_batched(module, [alone])
    visit_batched(module, [beside, _Names()])
    assert alone.seen == beside.seen == ["'x'", "call"]
