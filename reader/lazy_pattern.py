"""Regular expressions compiled on first use.

Compiling a pattern costs ~0.1-0.5 ms, in Python code that runs at import. The reader's
modules define ~40 patterns for cases most packs never meet (details blocks, tables,
front matter, search snippets), and the first screen waits for every import.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, AnyStr, Generic

__all__ = ["LazyPattern"]

#: Bound to the instance at first use, so later calls cost what a compiled pattern's do.
_METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split")


class LazyPattern(Generic[AnyStr]):
    """Stands in for `re.compile(pattern, flags)` until a method is first called."""

    __slots__ = ("_compiled", "_flags", "_source", *_METHODS)

    def __init__(self, pattern: AnyStr, flags: int = 0) -> None:
        self._source: AnyStr = pattern
        self._flags = flags
        self._compiled: re.Pattern[AnyStr] | None = None

    if TYPE_CHECKING:
        # What the type checker sees of the methods `compiled` binds to the instance (until
        # then `__getattr__` answers): those of the compiled `re.Pattern`.
        def match(
            self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
        ) -> re.Match[AnyStr] | None: ...
        def fullmatch(
            self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
        ) -> re.Match[AnyStr] | None: ...
        def search(
            self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
        ) -> re.Match[AnyStr] | None: ...
        def finditer(
            self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
        ) -> Iterator[re.Match[AnyStr]]: ...
        def findall(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]: ...
        def sub(
            self,
            repl: AnyStr | Callable[[re.Match[AnyStr]], AnyStr],
            string: AnyStr,
            count: int = 0,
        ) -> AnyStr: ...
        def subn(
            self,
            repl: AnyStr | Callable[[re.Match[AnyStr]], AnyStr],
            string: AnyStr,
            count: int = 0,
        ) -> tuple[AnyStr, int]: ...
        def split(self, string: AnyStr, maxsplit: int = 0) -> list[AnyStr | Any]: ...

    def compiled(self) -> re.Pattern[AnyStr]:
        if self._compiled is None:
            compiled = re.compile(self._source, self._flags)
            for name in _METHODS:
                setattr(self, name, getattr(compiled, name))
            self._compiled = compiled
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        """Only reached for names not set yet: the methods before first use, or the
        pattern's other attributes (`groups`, `pattern`, ...)."""
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source!r}, {self._flags!r})"
