"""Names the language itself provides: builtins (of every supported Python) and the
decorators that keep an ``async def`` a coroutine function."""

import builtins

# Builtins of the running Python plus those added since 3.9 (``aiter``/``anext`` in 3.10,
# ``ExceptionGroup`` in 3.11...), so that code written for a newer Python resolves the same
# whichever Python runs asynclint.
BUILTINS = frozenset(dir(builtins)) | frozenset(
    {"aiter", "anext", "EncodingWarning", "BaseExceptionGroup", "ExceptionGroup", "PythonFinalizationError"}
)

# Decorators that keep an ``async def`` a coroutine function.
TRANSPARENT_DECORATORS = frozenset(
    {"staticmethod", "classmethod", "abc.abstractmethod", "typing.override", "typing_extensions.override"}
)
