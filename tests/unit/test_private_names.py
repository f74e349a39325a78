"""No name of Textual's or Rich's that starts with `_` is used outside the one seam.

Textual and Rich keep what they may change behind a leading underscore. The reader uses
such names only in reader/ui/textual_compat.py, where each has a contract test
(tests/unit/test_textual_compat.py). This scan of reader/'s source fails, naming
file:line, on:

* `x._name` (or `getattr(x, "_name")`, `hasattr`, `setattr`, `delattr`) where Textual
  or Rich define `_name` (a module global, a class attribute or method, an attribute
  they set) and the reader, outside the seam, defines no `_name` of its own;
* an import of a private module (`textual._x`, `rich._x`) or of a private name
  (`from textual.x import _y`);
* a reader class deriving from a Textual or Rich class that defines, sets or reads a
  private name of one of those classes: an override of a private hook, or an attribute
  that silently shadows the framework's (the outline once shadowed
  `DOMNode._add_children`).

Nothing is allowed silently: ALLOWED names each exception and why.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rich
import textual

import reader

READER = Path(reader.__file__).parent
SEAM = READER / "ui" / "textual_compat.py"
FRAMEWORKS = ("textual", "rich")
FRAMEWORK_FOLDERS = (Path(textual.__file__).parent, Path(rich.__file__).parent)

#: Private-looking names the reader may use outside the seam, each with why.
ALLOWED: dict[str, str] = {
    "_replace": "typing.NamedTuple's documented copy-with-changes (collections.namedtuple), "
    "used on the reader's own tuples; Textual's tuples have it too, as the standard "
    "library documents it",
}

ATTRIBUTE_FUNCTIONS = {"getattr", "hasattr", "setattr", "delattr"}


def is_private(name: str) -> bool:
    """`_name` (not `__dunder__`): a name its owner may change without notice."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@dataclass(frozen=True, order=True)
class Finding:
    """One use of a framework's private name: where, and what."""

    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


# ---------------------------------------------------------------- what is defined
def scope_names(body: Iterable[ast.stmt]) -> Iterator[str]:
    """Names a module or class body makes attributes of it: definitions, assignments,
    imports, also inside module-level `if`/`try` blocks (not inside functions)."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
            if isinstance(node, ast.ClassDef):
                yield from scope_names(node.body)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        yield name.id
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                yield alias.asname or alias.name.split(".")[0]
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for block in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, block, []):
                    yield from scope_names(
                        child.body if isinstance(child, ast.ExceptHandler) else [child]
                    )


def self_attributes(tree: ast.AST, *, loads: bool = False) -> Iterator[ast.Attribute]:
    """`self._x` (or `cls._x`) set in `tree` (with `loads`: read instead)."""
    context = ast.Load if loads else (ast.Store, ast.Del)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, context)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls")
            and is_private(node.attr)
        ):
            yield node


def defined_names(tree: ast.Module, *, any_object: bool) -> set[str]:
    """Private names `tree` defines as attributes; `any_object`: also `x._y = ...` on
    objects other than self (a framework setting its own objects' attributes)."""
    names = {name for name in scope_names(tree.body) if is_private(name)}
    if any_object:
        names |= {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.ctx, (ast.Store, ast.Del))
            and is_private(node.attr)
        }
    else:
        names |= {node.attr for node in self_attributes(tree)}
    return names


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@cache
def framework_names() -> frozenset[str]:
    """Every private attribute name Textual's and Rich's installed source defines."""
    names: set[str] = set()
    for folder in FRAMEWORK_FOLDERS:
        for path in folder.rglob("*.py"):
            names |= defined_names(parse(path), any_object=True)
    return frozenset(names)


def reader_files() -> list[Path]:
    return sorted(path for path in READER.rglob("*.py") if path != SEAM)


@cache
def reader_names() -> frozenset[str]:
    """Private names the reader defines for itself, outside the seam."""
    names: set[str] = set()
    for path in reader_files():
        names |= defined_names(parse(path), any_object=False)
    return frozenset(names)


# ---------------------------------------------------------------- what is used
def is_framework_module(module: str) -> bool:
    return module.split(".")[0] in FRAMEWORKS


def uses_in(
    tree: ast.Module, path: str, framework: frozenset[str], own: frozenset[str]
) -> list[Finding]:
    """Private framework names that `tree` (the file at `path`) uses."""
    found: list[Finding] = []

    def attribute(name: str, line: int, how: str) -> None:
        if is_private(name) and name in framework and name not in own and name not in ALLOWED:
            found.append(Finding(path, line, f"{how} (Textual or Rich define it)"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            attribute(node.attr, node.lineno, f"attribute .{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ATTRIBUTE_FUNCTIONS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            attribute(node.args[1].value, node.lineno, f"{node.func.id}(…, {node.args[1].value!r})")
        elif isinstance(node, ast.ImportFrom) and node.module and is_framework_module(node.module):
            if any(is_private(part) for part in node.module.split(".")):
                found.append(
                    Finding(path, node.lineno, f"import from private module {node.module}")
                )
            for alias in node.names:
                if is_private(alias.name):
                    found.append(
                        Finding(path, node.lineno, f"private name {alias.name} from {node.module}")
                    )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if is_framework_module(alias.name) and any(is_private(part) for part in parts):
                    found.append(
                        Finding(path, node.lineno, f"import of private module {alias.name}")
                    )
    return found


# ------------------------------------------------------------ framework subclasses
@cache
def class_names(cls: type) -> frozenset[str]:
    """Private names a class defines: its own attributes and methods, and the
    attributes its methods set on self."""
    names = {name for name in vars(cls) if is_private(name)}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return frozenset(names)
    node = tree.body[0]
    if isinstance(node, ast.ClassDef):
        names |= {name for name in scope_names(node.body) if is_private(name)}
        names |= {attribute.attr for attribute in self_attributes(node)}
    return frozenset(names)


def framework_bases(cls: type) -> list[type]:
    return [base for base in cls.__mro__ if is_framework_module(base.__module__)]


def subclass_uses(node: ast.ClassDef, cls: type, path: str) -> list[Finding]:
    """A reader class (`node`, `cls`) that defines, sets or reads on self a private name
    of a Textual or Rich class it derives from."""
    bases = framework_bases(cls)
    if not bases:
        return []
    found: list[Finding] = []

    def owner(name: str) -> type | None:
        if name in ALLOWED:
            return None
        return next((base for base in reversed(bases) if name in class_names(base)), None)

    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_private(item.name):
            base = owner(item.name)
            if base is not None:
                what = f"{cls.__name__}.{item.name} overrides {base.__qualname__}.{item.name}"
                found.append(Finding(path, item.lineno, what))
    for name in {n for n in scope_names(node.body) if is_private(n)}:
        base = owner(name)
        defined_here = any(
            isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == name
            for item in node.body
        )
        if base is not None and not defined_here:
            line = next(
                item.lineno for item in node.body if name in {n for n in scope_names([item])}
            )
            what = f"{cls.__name__}.{name} shadows {base.__qualname__}.{name}"
            found.append(Finding(path, line, what))
    readers_own = set().union(
        *(class_names(klass) for klass in cls.__mro__ if not is_framework_module(klass.__module__))
    )
    for attribute in self_attributes(node):
        base = owner(attribute.attr)
        if base is not None:
            what = f"{cls.__name__} sets self.{attribute.attr}, {base.__qualname__}'s own"
            found.append(Finding(path, attribute.lineno, what))
    for attribute in self_attributes(node, loads=True):
        base = owner(attribute.attr)
        if base is not None and attribute.attr not in readers_own:
            what = f"{cls.__name__} reads self.{attribute.attr}, {base.__qualname__}'s"
            found.append(Finding(path, attribute.lineno, what))
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(READER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def classes_in(tree: ast.Module) -> Iterator[tuple[ast.ClassDef, list[str]]]:
    """Each class with its qualified name's parts (nested classes too)."""

    def walk(body: list[ast.stmt], outer: list[str]) -> Iterator[tuple[ast.ClassDef, list[str]]]:
        for node in body:
            if isinstance(node, ast.ClassDef):
                yield node, [*outer, node.name]
                yield from walk(node.body, [*outer, node.name])

    yield from walk(tree.body, [])


def subclass_findings() -> list[Finding]:
    found: list[Finding] = []
    for path in reader_files():
        if path.name == "__main__.py":
            continue  # importing it would run the reader
        tree = parse(path)
        module = None
        for node, qualified in classes_in(tree):
            module = module or importlib.import_module(module_name(path))
            cls: object = module
            for part in qualified:
                cls = getattr(cls, part, None)
            if isinstance(cls, type):
                found += subclass_uses(node, cls, str(path.relative_to(READER.parent)))
    return found


# ------------------------------------------------------------------------ tests
def test_no_private_textual_or_rich_name_is_used_outside_the_seam() -> None:
    framework, own = framework_names(), reader_names()
    found = sorted(
        finding
        for path in reader_files()
        for finding in uses_in(parse(path), str(path.relative_to(READER.parent)), framework, own)
    )
    assert not found, (
        "Textual's or Rich's private names outside reader/ui/textual_compat.py (move each "
        "behind a named function there, with a contract test):\n"
        + "\n".join(str(finding) for finding in found)
    )


def test_no_reader_class_overrides_or_shadows_a_private_name_of_its_framework_bases() -> None:
    found = sorted(set(subclass_findings()))
    assert not found, (
        "Reader classes that override, shadow or read a private name of the Textual or "
        "Rich class they derive from (rename it, or move the use into textual_compat):\n"
        + "\n".join(str(finding) for finding in found)
    )


def test_every_allowed_name_says_why_and_is_still_used() -> None:
    used = {
        node.attr
        for path in reader_files()
        for node in ast.walk(parse(path))
        if isinstance(node, ast.Attribute)
    }
    for name, reason in ALLOWED.items():
        assert reason.strip(), f"ALLOWED[{name!r}] needs its reason"
        assert name in used, f"ALLOWED[{name!r}] is no longer used: remove it"


# ------------------------------------------------------- the scan finds what it should
SAMPLE = """
from textual.widgets._footer import FooterKey
from textual.app import _private_helper
import textual._partition
from textual.widget import Widget

class Pane(Widget):
    def grow(self, size):
        self._scroll_update(size)
        self._mine = 1
        return self._mine

def late(widget):
    getattr(widget, "_check_refresh")()
    return widget.size._replace(width=1)
"""


def test_the_scan_finds_private_attributes_imports_and_getattr() -> None:
    framework = framework_names()
    found = [
        finding.what
        for finding in uses_in(ast.parse(SAMPLE), "sample.py", framework, frozenset({"_mine"}))
    ]
    assert sorted(found) == sorted(
        [
            "import from private module textual.widgets._footer",
            "private name _private_helper from textual.app",
            "import of private module textual._partition",
            "attribute ._scroll_update (Textual or Rich define it)",
            "getattr(…, '_check_refresh') (Textual or Rich define it)",
        ]
    ), found


def test_the_class_scan_finds_overrides_and_shadowed_attributes() -> None:
    from textual.widget import Widget

    source = textwrap.dedent(
        """
        class Pane(Widget):
            _nodes = None
            def _scroll_update(self, size): ...
            def grow(self):
                self._size = 3
                self._own = self._layout_cache
        """
    )
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.ClassDef)
    namespace: dict[str, object] = {"Widget": Widget}
    exec(compile(source, "sample.py", "exec"), namespace)
    found = [finding.what for finding in subclass_uses(node, namespace["Pane"], "sample.py")]  # type: ignore[arg-type]
    assert sorted(found) == sorted(
        [
            "Pane._scroll_update overrides Widget._scroll_update",
            "Pane._nodes shadows DOMNode._nodes",
            "Pane sets self._size, Widget's own",
            "Pane reads self._layout_cache, Widget's",
        ]
    ), found
