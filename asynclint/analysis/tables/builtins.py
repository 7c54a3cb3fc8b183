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

# Annotation forms that wrap the type of the value they describe: ``Optional[T]``,
# ``Union[T, None]``, ``Annotated[T, ...]``, ``Final[T]``, ``ClassVar[T]`` (``T | None`` is syntax).
TYPE_WRAPPERS = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions")
    for name in ("Optional", "Union", "Annotated", "Final", "ClassVar")
)
# The standard streams: an object annotated as a file but given one of these is not a disk file.
STANDARD_STREAMS = frozenset(f"sys.{name}" for name in ("stdout", "stderr", "stdin", "__stdout__", "__stderr__"))
