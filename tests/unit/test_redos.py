"""Hostile packs cannot hang the reader (issue 14): every regular expression in the
package, and every parsing entry point, runs in linear time on adversarial input.

Each check runs one input family at ~10 KB and ~100 KB and fails when the larger costs
more than `MAX_GROWTH` times the smaller: linear work grows ~10x, quadratic ~100x. It is
a growth ratio, not a time budget, so a slow machine does not fail it. Time is the
process's CPU time (`time.process_time`), not `perf_counter`'s wall clock: on a shared
machine a process is paused more often the longer it runs, which made 100 KB runs look
2-3x slower than they were. A ratio over the limit is measured again (best of several)
before it counts. A 10 KB input that already takes longer than the cap fails at once,
and one that would take seconds at 100 KB if quadratic is tried at 30 KB first, so a
quadratic case fails in seconds instead of hanging the run.

The patterns are found by walking every module of the package (module-level
`re.Pattern` and `LazyPattern` objects, and patterns in module-level tuples and lists),
so a new pattern is covered without touching this file. Its adversarial inputs are made
from the pattern itself: runs of every character it names, and each prefix of a string it
would match, repeated, or followed by a long run and a character that does not finish it.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import reader
from reader.lazy_pattern import LazyPattern

try:  # the parser `re` compiles with; only for deriving inputs from a pattern
    from re import _constants as sre_constants
    from re import _parser as sre_parser
except ImportError:  # pragma: no cover - older layouts
    import sre_constants  # type: ignore[no-redef]
    import sre_parse as sre_parser  # type: ignore[no-redef]

SMALL, LARGE = 10_000, 100_000
MAX_GROWTH = 20  # linear: ~10
PATTERN_CAP = 0.05  # seconds for one 10 KB scan: the slowest linear pattern takes ~4 ms
ENTRY_CAP = 2.0  # seconds for one 10 KB document through an entry point
MIN_SAMPLE = 3e-4  # time the small case over enough loops to measure at least this


# --- measuring -----------------------------------------------------------------------


def _time(run: Callable[[object], object], value: object, loops: int) -> float:
    """CPU seconds a call, collector off: its pauses grow with the heap, not the work."""
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(loops):
            run(value)
        return (time.process_time() - start) / loops
    finally:
        gc.enable()


def _loops(run: Callable[[object], object], small: object) -> tuple[int, float]:
    """Loops that make the small case measurable, and its time per loop so far."""
    loops, elapsed = 1, max(_time(run, small, 1), 1e-9)
    while elapsed * loops < MIN_SAMPLE and loops < 10_000:
        loops *= 4
        elapsed = _time(run, small, loops)
    return loops, elapsed


def growth(
    run: Callable[[object], object], make: Callable[[int], object], cap: float
) -> tuple[float, float, float]:
    """(seconds at 10 KB, seconds at 100 KB, their ratio) for `run` on `make(size)`.

    A 10 KB case slower than `cap` stops there (infinite ratio). One slow enough that a
    quadratic 100 KB case would take seconds is first tried at 30 KB: growth past 6x
    there (linear: 3x, quadratic: 9x) is reported as it extrapolates, without the wait.
    """
    small = make(SMALL)
    loops, small_time = _loops(run, small)  # its first call warms up (LazyPattern, caches)
    if small_time > cap:
        return small_time, float("inf"), float("inf")
    if small_time * MAX_GROWTH * 10 > 2.0:
        middle = make(3 * SMALL)
        middle_time = min(_time(run, middle, 1) for _ in range(2))
        if middle_time > 6 * small_time:
            return small_time, middle_time, middle_time / small_time * 10 / 3
    large = make(LARGE)
    large_loops = max(1, loops // 10)
    small_time = min(small_time, _time(run, small, loops))
    large_time = _time(run, large, large_loops)
    for _ in range(3):
        if large_time <= MAX_GROWTH * small_time:
            break
        if large_time > 3 * MAX_GROWTH * small_time and large_time > 0.1:
            break  # far past the limit, and too long to be a pause of the process
        # Over the limit: noise (the machine is shared, and a process is paused more
        # often the longer it runs) or real. Measure both again, in turn; best of each.
        for _ in range(3):
            small_time = min(small_time, _time(run, small, loops))
            large_time = min(large_time, _time(run, large, large_loops))
    return small_time, large_time, large_time / max(small_time, 1e-9)


# --- the package's patterns ------------------------------------------------------------


def _modules() -> Iterator[object]:
    """Every module, the shared Markdown definitions first: a pattern other modules
    import from there is named where it is defined."""
    yield importlib.import_module("reader.markdown_syntax")
    for info in pkgutil.walk_packages(reader.__path__, "reader."):
        if not info.name.endswith("__main__"):
            yield importlib.import_module(info.name)


def _patterns_in(value: object, name: str, depth: int = 0) -> Iterator[tuple[str, re.Pattern]]:
    if isinstance(value, LazyPattern):
        yield name, value.compiled()
    elif isinstance(value, re.Pattern):
        yield name, value
    elif isinstance(value, (tuple, list)) and depth < 2 and len(value) < 100:
        for index, item in enumerate(value):
            yield from _patterns_in(item, f"{name}[{index}]", depth + 1)


def package_patterns() -> dict[str, re.Pattern]:
    found: dict[str, re.Pattern] = {}
    seen: set[tuple[object, int]] = set()
    for module in _modules():
        for attribute, value in sorted(vars(module).items()):
            for name, pattern in _patterns_in(value, f"{module.__name__}.{attribute}"):
                if (pattern.pattern, pattern.flags) not in seen:
                    seen.add((pattern.pattern, pattern.flags))
                    found[name] = pattern
    # The search box's pattern is built per query: words, a phrase, a prefix.
    from reader.search_query import compile_matcher, parse_query

    for query in ("a", "ab", '"a b"', '"a a a"', "a b", "ab cd ef"):
        matcher = compile_matcher(parse_query(query))
        assert matcher is not None
        found[f"reader.search_query.compile_matcher({query!r})"] = matcher
    return found


PATTERNS = package_patterns()

_CANDIDATES = " a\t\n1_-#*>[]()<!|:=`~\\/.\"'x\x1b\x9b\x07\x00\x7f\u2028\ud800é"


def _category_chars(category: object) -> str:
    return {
        sre_constants.CATEGORY_SPACE: " \t\n",
        sre_constants.CATEGORY_NOT_SPACE: "a",
        sre_constants.CATEGORY_DIGIT: "1",
        sre_constants.CATEGORY_NOT_DIGIT: "a",
        sre_constants.CATEGORY_WORD: "a_",
        sre_constants.CATEGORY_NOT_WORD: " -",
    }.get(category, "a")


def _in_class(char: str, items: list) -> bool:
    negate, hit = False, False
    for op, av in items:
        if op is sre_constants.NEGATE:
            negate = True
        elif op is sre_constants.LITERAL:
            hit = hit or ord(char) == av
        elif op is sre_constants.RANGE:
            hit = hit or av[0] <= ord(char) <= av[1]
        elif op is sre_constants.CATEGORY:
            hit = hit or (av in _CATEGORY_TEST and bool(_CATEGORY_TEST[av](char)))
    return hit != negate


_CATEGORY_TEST = {
    sre_constants.CATEGORY_SPACE: re.compile(r"\s").match,
    sre_constants.CATEGORY_NOT_SPACE: re.compile(r"\S").match,
    sre_constants.CATEGORY_DIGIT: re.compile(r"\d").match,
    sre_constants.CATEGORY_NOT_DIGIT: re.compile(r"\D").match,
    sre_constants.CATEGORY_WORD: re.compile(r"\w").match,
    sre_constants.CATEGORY_NOT_WORD: re.compile(r"\W").match,
}


class _Shape:
    """What a pattern is made of: the characters it names, and strings it would match,
    as a list of pieces (so each prefix is a join of the first few)."""

    def __init__(self, pattern: re.Pattern) -> None:
        source = pattern.pattern
        if isinstance(source, bytes):
            source = source.decode("latin-1")
        self.chars: set[str] = set()
        parsed = sre_parser.parse(source, pattern.flags & ~re.LOCALE)
        self.samples = [self._sample(parsed, branch) for branch in range(3)]

    def _class_char(self, items: list) -> str:
        for op, av in items:
            if op is sre_constants.LITERAL:
                self.chars.add(chr(av))
            elif op is sre_constants.RANGE:
                self.chars.update((chr(av[0]), chr(av[1])))
            elif op is sre_constants.CATEGORY:
                self.chars.update(_category_chars(av))
        for char in _CANDIDATES:
            if _in_class(char, items):
                return char
        return ""

    def _sample(self, items: object, branch: int) -> list[str]:
        pieces: list[str] = []
        for op, av in items:  # type: ignore[attr-defined]
            if op is sre_constants.LITERAL:
                self.chars.add(chr(av))
                pieces.append(chr(av))
            elif op is sre_constants.NOT_LITERAL:
                self.chars.add(chr(av))
                pieces.append("b" if chr(av) == "a" else "a")
            elif op is sre_constants.ANY:
                pieces.append("a")
            elif op is sre_constants.IN:
                pieces.append(self._class_char(av))
            elif op in (
                sre_constants.MAX_REPEAT,
                sre_constants.MIN_REPEAT,
                getattr(sre_constants, "POSSESSIVE_REPEAT", None),
            ):
                body = self._sample(av[2], branch)
                for _ in range(min(max(av[0], 1), 8)):
                    pieces.extend(body)
            elif op is sre_constants.SUBPATTERN:
                pieces.extend(self._sample(av[-1], branch))
            elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
                pieces.extend(self._sample(av, branch))
            elif op is sre_constants.BRANCH:
                alternatives = av[1]
                for index, alternative in enumerate(alternatives):
                    sample = self._sample(alternative, branch)
                    if index == min(branch, len(alternatives) - 1):
                        pieces.extend(sample)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                self._sample(av[1], branch)  # only for its characters
        return [piece for piece in pieces if piece]


def _fill(unit: str, size: int) -> str:
    return unit * max(1, size // max(1, len(unit)))


def adversarial_inputs(pattern: re.Pattern) -> dict[str, Callable[[int], str]]:
    """Input families for one pattern, each a function of the size wanted."""
    shape = _Shape(pattern)
    families: dict[str, Callable[[int], str]] = {}
    for char in sorted(shape.chars | set(" \n\ta")):
        families[f"run of {char!r}"] = lambda n, c=char: c * n
        families[f"{char!r} and space"] = lambda n, c=char: _fill(c + " ", n)
    prefixes: list[str] = []
    for pieces in shape.samples:
        for end in range(1, len(pieces) + 1):
            prefix = "".join(pieces[:end])
            if prefix not in prefixes and len(prefix) < 200:
                prefixes.append(prefix)
    if len(prefixes) > 12:  # evenly spread, keeping the longest (most nearly a match)
        step = len(prefixes) / 12
        prefixes = [prefixes[int(index * step)] for index in range(12)] + [prefixes[-1]]
    for prefix in prefixes:
        last = prefix[-1]
        families[f"{prefix!r} repeated"] = lambda n, p=prefix: _fill(p, n)
        families[f"{prefix!r}, spaces, \\x01"] = lambda n, p=prefix: p + " " * n + "\x01"
        families[f"{prefix!r}, {last!r} run, \\x01"] = lambda n, p=prefix, c=last: (
            p + c * n + "\x01"
        )
    return families


# The reported reproductions, whatever the walk above derives.
REPRODUCTIONS: dict[str, dict[str, Callable[[int], str]]] = {
    "reader.scan._TABLE_DELIMITER": {"- spaces x": lambda n: "-" + " " * n + "x"},
    "reader.markdown_syntax.ATX_HEADING": {"# a spaces b": lambda n: "# a" + " " * n + "b"},
    "reader.scan._FRONT_MATTER_TITLE": {
        "title: a spaces b": lambda n: "title: a" + " " * n + "b",
        "title: spaces": lambda n: "title:" + " " * n,
    },
    "reader.markdown_syntax.SUMMARY": {"<summary>": lambda n: _fill("<summary>", n)},
    "reader.markdown_syntax.DETAILS_OPEN": {"<details ": lambda n: _fill("<details ", n)},
    "reader.markdown._IMAGE": {"![": lambda n: _fill("![", n)},
    "reader.markdown._LINK": {"[": lambda n: "[" * n, "[a](": lambda n: _fill("[a](", n)},
    "reader.markdown._AUTOLINK": {"<http:": lambda n: _fill("<http:", n)},
    "reader.render.wrap._WORD": {"spaces": lambda n: " " * n},
    "reader.markdown_syntax.DETAILS_ELEMENT": {
        "<details>": lambda n: _fill("<details>", n),
        "<details><summary>": lambda n: _fill("<details><summary>", n),
    },
}


def _scan(pattern: re.Pattern) -> Callable[[object], object]:
    """Every match, as `finditer`, `sub` and `findall` would find them: the most any
    use of a pattern scans (`match` and `search` scan less)."""

    def run(text: object) -> None:
        for _ in pattern.finditer(text):  # type: ignore[arg-type]
            pass

    return run


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_runs_in_linear_time(name: str):
    pattern = PATTERNS[name]
    families = adversarial_inputs(pattern)
    families.update(REPRODUCTIONS.get(name, {}))
    encode = isinstance(pattern.pattern, bytes)
    run = _scan(pattern)
    seen: set[str] = set()
    for family, make_text in families.items():
        if make_text(SMALL) in seen:
            continue
        seen.add(make_text(SMALL))

        def make(size: int, make_text: Callable[[int], str] = make_text) -> object:
            text = make_text(size)
            return text.encode("utf-8", "surrogatepass") if encode else text

        small_time, large_time, ratio = growth(run, make, PATTERN_CAP)
        assert ratio <= MAX_GROWTH, (
            f"{name} ({pattern.pattern!r}) on {family}: 10 KB {small_time * 1e3:.2f} ms, "
            f"100 KB {large_time * 1e3:.2f} ms, x{ratio:.0f}"
        )


def test_the_walk_finds_the_patterns_of_every_module():
    assert {
        "reader.markdown_syntax.ATX_HEADING",
        "reader.markdown._LINK",
        "reader.render.wrap._WORD",
    } <= set(PATTERNS)
    assert any(name.startswith("reader.markdown_syntax.HTML_BLOCK_KINDS") for name in PATTERNS)
    assert set(REPRODUCTIONS) <= set(PATTERNS), "every reproduction names a pattern"
    assert len(PATTERNS) >= 40


def test_a_quadratic_pattern_fails_the_check():
    """The check itself: the table delimiter pattern as it was took 30 s on 100 KB."""
    old = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
    make = REPRODUCTIONS["reader.scan._TABLE_DELIMITER"]["- spaces x"]
    # 1 KB and 10 KB keep this quick: the growth is as quadratic as at 100 KB.
    _, _, ratio = growth(_scan(old), lambda size: make(size // 10), PATTERN_CAP)
    assert ratio > MAX_GROWTH


# --- parsing entry points ----------------------------------------------------------------


def _lines(unit: Callable[[int], str]) -> Callable[[int], str]:
    """Lines made by `unit(i)` until the size is reached."""

    def make(size: int) -> str:
        parts, total, index = [], 0, 0
        while total < size:
            line = unit(index) + "\n"
            parts.append(line)
            total += len(line)
            index += 1
        return "".join(parts)

    return make


def _ladder(mark: str) -> Callable[[int], str]:
    """Runs of `mark` one longer each time: no run has a closing run of its length."""

    def make(size: int) -> str:
        parts, total, length = [], 0, 1
        while total < size:
            parts.append(mark * length + "a")
            total += length + 1
            length += 1
        return "".join(parts)

    return make


#: Documents a hostile pack could hold: markdown-it's costly constructs, the reader's own
#: line scanner's, and the reported reproductions as whole files.
DOCUMENTS: dict[str, Callable[[int], str]] = {
    "[ run": lambda n: "[" * n,
    "![ run": lambda n: _fill("![", n),
    "< run": lambda n: "<" * n,
    "* run": lambda n: "*" * n,
    "` run": lambda n: "`" * n,
    "backtick ladder": _ladder("`"),
    "*a_ mix": lambda n: _fill("*a_", n),
    "nested [[[a]]]": lambda n: "[" * (n // 2) + "a" + "]" * (n // 2),
    "[a]( unclosed": lambda n: _fill("[a](", n),
    "<http: unclosed": lambda n: _fill("<http:", n),
    "<a attributes": lambda n: "<a " + _fill("b=c ", n),
    "<details  unclosed": lambda n: _fill("<details ", n),
    "<details> unclosed": lambda n: _fill("<details>\n\n", n),
    "<summary> unclosed": lambda n: _fill("<summary>", n),
    "summary vs, no table": lambda n: "<details>\n" + _fill("<summary>vs </summary>\n", n),
    "</details> run": lambda n: _fill("</details>\n\n", n),
    "nested > quotes": lambda n: ">" * n + " a",
    "nested > quote lines": _lines(lambda i: "> " * min(i, 50) + "a"),
    "nested list items": lambda n: _fill("- ", n) + "a",
    "nested list lines": _lines(lambda i: "  " * min(i, 50) + "- a"),
    "task list": lambda n: _fill("- [ ] a\n", n),
    "footnotes": lambda n: _fill("[^1] ", n) + "\n\n[^1]: x\n",
    "reference uses": lambda n: _fill("[a] ", n) + "\n\n[a]: #x\n",
    "table, many rows": lambda n: "|a|b|\n|-|-|\n" + _fill("|x|y|\n", n),
    "table, many columns": lambda n: _fill("|a", n // 2) + "\n" + _fill("|-", n // 2) + "\n",
    "headings": lambda n: _fill("# h\n\ntext\n\n", n),
    "setext headings": lambda n: _fill("a\n=\n", n),
    "code fence lines": lambda n: _fill("```\n", n),
    "code line of spaces": lambda n: "```\n" + " " * n + "\n```\n",
    "indented code": lambda n: _fill("    a\n", n),
    "# a spaces b": lambda n: "# a" + " " * n + "b\n",
    "> # a spaces b": lambda n: "> # a" + " " * n + "b\n",
    "table delimiter spaces": lambda n: "a|b\n-" + " " * n + "x\n",
    "front matter title": lambda n: "---\ntitle: a" + " " * n + "b\n---\n\ntext\n",
    "escapes and entities": lambda n: _fill("\\*&#x41;&amp; ", n),
    # GitHub's extensions (issue 17): bare links, definitions gathered for a whole file,
    # alerts, definition lists, comments.
    "http: run": lambda n: _fill("http:", n),
    "https:// run": lambda n: _fill("https://", n),
    "www. run": lambda n: _fill("www.", n),
    "a@ run": lambda n: _fill("a@", n),
    "bare URLs": lambda n: _fill("see https://example.com/a_(b)). ", n),
    "URL of ) run": lambda n: "https://example.com/" + ")" * n,
    "reference definitions": lambda n: _fill("[a]: /x\n", n) + "\n" + _fill("[a][] ", n),
    "footnote definition lines": lambda n: "a[^a]\n\n[^a]: x\n" + _fill("    y\n\n", n),
    "footnote definitions": lambda n: _fill("[^a]: x\n", n) + "\n" + _fill("[^a] ", n),
    "alerts": lambda n: _fill("> [!NOTE]\n> a\n\n", n),
    "definition list": lambda n: _fill("Term\n: def\n", n),
    "<!-- unclosed": lambda n: _fill("<!--", n),
    "escaped references": lambda n: _fill("\\[a\\]\\[b\\] x[c][d] ", n),
    "<sup> run": lambda n: _fill(" a<sup>2</sup>", n),
    "<sup> links": lambda n: _fill(" a<sup>[a](b)</sup>", n),
}


def _parse(markdown: str) -> None:
    from reader.markdown import parse

    parse(markdown)


def _search_text(markdown: str) -> None:
    from reader.markdown import search_text

    search_text(markdown)


def _blocks(markdown: str) -> None:
    """The reading pane's pipeline without an app: parse, build blocks, draw lines."""
    from rich.console import Console

    from reader.markdown import definitions_of
    from reader.render.blocks import BuildContext, build_blocks, build_footnotes
    from reader.render.draw import BlockRenderer, RenderStyles

    console = Console(width=80, color_system="truecolor", force_terminal=True)
    renderer = BlockRenderer(console, RenderStyles(), load_lexers=False)
    context = BuildContext(definitions=definitions_of(markdown))
    for block in [*build_blocks(context.parse(markdown), context), *build_footnotes(context)]:
        renderer.render(block, 80)


def _loader(root: Path, folder: bool) -> Callable[[str], None]:
    """`load_pack` on a file (or a folder holding it and a README), every file cut, the
    check `reader check` runs, and the comparison panel's text when a section has one."""
    from reader.check import check_pack
    from reader.pack import PackError, load_pack
    from reader.ui.widgets.comparison import comparison_markdown

    path = root / "notes.md"
    if folder:
        (root / "README.md").write_text("# Notes\n\n[notes](notes.md)\n", encoding="utf-8")

    def run(markdown: str) -> None:
        path.write_text(markdown, encoding="utf-8")
        try:
            pack = load_pack(root if folder else path)
        except PackError:
            return  # only white space: not a pack
        pack.load_all()
        check_pack(pack)
        comparison_markdown(pack)

    return run


#: Which documents each entry point reads. markdown-it spends ~10-20 us a character on
#: links, images and footnotes (linear, but 100 KB takes a second or more): those go
#: through the parser alone, and the other entry points get the documents that exercise
#: their own code, so the file stays well under a minute on a busy two-core machine.
#: Measured once and not kept here (linear, x10): `![` runs, nested `[[[a]]]`, `[a](`,
#: `*a_`, setext headings, indented code, many table columns, through every entry point.
_INLINE = (
    "[ run",
    "task list",
    "footnotes",
    "reference uses",
    "http: run",
    "https:// run",
    "www. run",
    "a@ run",
    "bare URLs",
    "URL of ) run",
)
_DEFINITIONS = (
    "reference definitions",
    "footnote definition lines",
    "footnote definitions",
    "alerts",
    "definition list",
    "<!-- unclosed",
    "escaped references",
    "<sup> run",
    "<sup> links",
)
_CHEAP = (
    "* run",
    "` run",
    "backtick ladder",
    "<http: unclosed",
    "<a attributes",
    "<details  unclosed",
    "<details> unclosed",
    "<summary> unclosed",
    "summary vs, no table",
    "</details> run",
    "nested > quotes",
    "nested > quote lines",
    "nested list items",
    "nested list lines",
    "code fence lines",
    "code line of spaces",
    "# a spaces b",
    "> # a spaces b",
    "table delimiter spaces",
    "front matter title",
    "escapes and entities",
)
ENTRY_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "markdown-it parse": (*_INLINE, "< run", *_CHEAP, *_DEFINITIONS),
    "search_text": tuple(DOCUMENTS),
    "blocks and render": (*_CHEAP, "table, many rows", *_DEFINITIONS),
    "load_pack file": (*_CHEAP, "< run", "table, many rows", "headings", *_DEFINITIONS),
    "load_pack folder": ("headings", "summary vs, no table", "< run"),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_DOCUMENTS))
def test_entry_point_scales_linearly(entry: str, tmp_path: Path):
    runs: dict[str, Callable[[str], None]] = {
        "markdown-it parse": _parse,
        "search_text": _search_text,
        "blocks and render": _blocks,
    }
    run = runs.get(entry) or _loader(tmp_path, folder=entry.endswith("folder"))
    for document in ENTRY_DOCUMENTS[entry]:
        small_time, large_time, ratio = growth(run, DOCUMENTS[document], ENTRY_CAP)
        assert ratio <= MAX_GROWTH, (
            f"{entry} on {document}: 10 KB {small_time * 1e3:.1f} ms, "
            f"100 KB {large_time * 1e3:.1f} ms, x{ratio:.0f}"
        )
