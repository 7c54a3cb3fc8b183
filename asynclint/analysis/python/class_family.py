"""Whether code outside a class body may touch the attributes it sets on ``self``.

A check that concludes "this class never closes ``self.session``" or "never calls
``self.queue.task_done()``" has read only the class's own methods. A project base class or
a subclass anywhere in the project may do it instead, and then the conclusion is wrong.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.python.scope import ScopeTracker


def has_project_relatives(node: cst.ClassDef, scope: ScopeTracker, index: ProjectIndex) -> bool:
    """The class has a base class of this module or project (or one that cannot be resolved),
    or a subclass in this module or anywhere in the project."""
    symbols = scope.symbols
    for base in node.bases:
        if base.keyword is not None:
            continue  # ``metaclass=...``
        name = scope.qualified_name(base.value)
        if name is None or name in symbols.classes or index.resolve(name) is not None:
            return True
    own = node.name.value
    for info in symbols.classes.values():
        if any(isinstance(base.value, cst.Name) and base.value.value == own for base in info.node.bases):
            return True
    return index.has_subclasses(symbols.qualify(own))
