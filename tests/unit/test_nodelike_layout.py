"""The Node.js API docs as the reader shows them (issue 17), on a pack of their shape.

Node's docs define every reference (`[`fs.open()`][]`) once, at the end of each file, and
follow every API heading with a multi-line `<!-- YAML … -->` history. The reader cuts a
pack into sections (one per heading) and draws each alone, so a section must still get
its file's definitions, and no comment may show. tests/nodelike.py writes such a pack and
records every construct in it with its line; these tests draw every section through the
reading pane's pipeline (tests/pipeline_text.py) and hold it to what GitHub shows:

- a reference the file defines is a link (never `[text][]` or `[text]` left in brackets),
  whose href is the definition's URL and which leads to the section the URL names;
- a reference the file does not define stays literal, as on GitHub;
- no text of any HTML comment shows, even when it holds `<`, `>` or `=>`;
- a footnote shows as a `[n]` marker, its text at the end of the section using it;
- `reader check` names the undefined reference and the unused definition, nothing else;
- and cutting the pack into sections still parses nothing with markdown-it.

Inline links (`[text](fs.md#anchor)`) are followed already: their test is the control
that shows the link matching used here is right.
"""

from __future__ import annotations

import bisect
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

import reader.markdown
from reader.check import check_pack
from reader.markdown import Link
from reader.pack import Pack, Section, load_pack
from tests.nodelike import (
    INDEX,
    NodelikePack,
    build_nodelike_pack,
    display_text,
    normalize_label,
    write_nodelike_pack,
)
from tests.pipeline_text import section_lines

RunReader = Callable[..., subprocess.CompletedProcess[str]]
#: Failures listed in full before "... and N more".
SHOWN = 12


@pytest.fixture(scope="module")
def layout() -> NodelikePack:
    return build_nodelike_pack()


@pytest.fixture(scope="module")
def pack_root(tmp_path_factory: pytest.TempPathFactory, layout: NodelikePack) -> Path:
    return layout.write(tmp_path_factory.mktemp("nodelike"))


@pytest.fixture(scope="module")
def pack(pack_root: Path) -> Pack:
    return load_pack(pack_root)


class Drawn:
    """A section as the reading pane draws it: its lines, and the same text flattened
    (each line's whitespace collapsed, lines joined by one space) for searching across
    wrapped lines, with a way back from a place in the flat text to its line."""

    def __init__(self, section: Section, lines: list[str]) -> None:
        self.section = section
        self.lines = lines
        parts = [" ".join(line.split()) for line in lines]
        self.starts = [0]
        for part in parts:
            self.starts.append(self.starts[-1] + len(part) + 1)
        self.flat = " ".join(parts)
        self.folded = self.flat.casefold()  # same length: the text is ASCII

    def line_at(self, offset: int) -> str:
        return self.lines[bisect.bisect_right(self.starts, offset) - 1]

    @property
    def where(self) -> str:
        return f"{self.section.path}:{self.section.start_line} '{self.section.title}'"


@pytest.fixture(scope="module")
def drawn(pack: Pack) -> dict[int, Drawn]:
    """Every section drawn, by its index in the pack."""
    return {s.index: Drawn(s, section_lines(s)) for s in pack.sections}


def section_at(pack: Pack, file: str, line: int) -> Section:
    """The section of `file` holding its 1-based `line`."""
    for section in pack.sections:
        if section.path == file and section.start_line <= line <= section.end_line:
            return section
    raise AssertionError(f"no section holds {file}:{line}")


def section_named(pack: Pack, file: str, anchor: str) -> Section:
    for section in pack.sections:
        if section.path == file and section.anchor == anchor:
            return section
    raise AssertionError(f"no section #{anchor} in {file}")


def report(failures: list[str], what: str) -> str:
    shown = "\n".join(failures[:SHOWN])
    more = f"\n... and {len(failures) - SHOWN} more" if len(failures) > SHOWN else ""
    return f"{len(failures)} {what}:\n{shown}{more}"


def links_matching(section: Section, line: int, text: str) -> list[Link]:
    return [link for link in section.links if link.line == line and link.text == text]


# --- The test material itself ---------------------------------------------------------


def test_the_pack_is_the_same_for_a_seed_and_its_record_matches_its_files(
    layout: NodelikePack, tmp_path: Path
):
    assert build_nodelike_pack().files == layout.files
    assert build_nodelike_pack(seed=1).files != layout.files
    assert sum(map(len, layout.files.values())) < 150_000  # loads in milliseconds
    written = write_nodelike_pack(tmp_path, files=2, apis_per_file=3, seed=5)
    assert sorted(path.name for path in written.iterdir()) == [
        "deprecations.md", "fs.md", "index.md", "path.md",
    ]  # fmt: skip
    lines = {file: text.split("\n") for file, text in layout.files.items()}
    for use in layout.uses:
        assert use.markdown.split("\n")[0] in lines[use.file][use.line - 1], use
        defined = use.label in layout.defined_labels(use.file)
        assert defined == (use.url is not None) == (use.label != "nope"), use
    for definition in layout.definitions:
        written_line = lines[definition.file][definition.line - 1]
        assert written_line.startswith(f"[{definition.label}]: {definition.url}"), definition
        used = any(
            use.file == definition.file and use.label == normalize_label(definition.label)
            for use in layout.uses
        )
        assert used == (definition.label != "never-used"), definition
    for comment in layout.comments:
        first = comment.line - 1
        assert lines[comment.file][first : first + len(comment.lines)] == list(comment.lines)
    anchors = {(heading.file, heading.anchor) for heading in layout.headings}
    targets = [use.target for use in layout.uses if use.target]
    targets += [link.target for link in layout.inline_links]
    assert set(targets) <= anchors
    forms = Counter(use.form for use in layout.uses)
    assert forms["full"] and forms["collapsed"] and forms["shortcut"], forms
    assert any("\n" in use.markdown for use in layout.uses)  # a label over two lines
    assert any(use.via_html_anchor for use in layout.uses)
    assert any(use.in_footnote for use in layout.uses)
    assert len(layout.footnotes) == 3


# --- Cost ---------------------------------------------------------------------------


def test_loading_the_pack_and_listing_its_titles_parses_nothing(
    pack_root: Path,
    layout: NodelikePack,
    cut_files: list[str],
    monkeypatch: pytest.MonkeyPatch,
):
    """Cutting files into sections is a line scan: markdown-it parses a section only when
    it is drawn (a 3.5 MB pack must not be parsed whole before its first screen)."""
    calls: list[str] = []  # each call, named by its entry point and what it was given
    original = reader.markdown.parse

    def counting(markdown: str, *args: object, **kwargs: object) -> object:
        calls.append(f"reader.markdown.parse({len(markdown)} characters)")
        return original(markdown, *args, **kwargs)

    # Wherever `parse` was imported by name, and markdown-it's own entry point beneath it.
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "reader" and getattr(module, "parse", None) is original:
            monkeypatch.setattr(module, "parse", counting)
    parser_class = type(reader.markdown.markdown_parser())
    full_parse = parser_class.parse

    def counting_full(self: object, source: str, *args: object, **kwargs: object) -> object:
        calls.append(f"MarkdownIt.parse({len(source)} characters)")
        return full_parse(self, source, *args, **kwargs)

    monkeypatch.setattr(parser_class, "parse", counting_full)

    loaded = load_pack(pack_root)
    assert cut_files == [INDEX]
    titles = [section.title for section in loaded.sections]
    assert cut_files == list(layout.files)
    order = list(layout.files)
    headings = sorted(layout.headings, key=lambda h: (order.index(h.file), h.line))
    assert titles == ["Index", *(heading.title for heading in headings)]
    # One parse only: of index.md, a list of links that gives the pack's reading order
    # (reader.summary), once while loading.
    index_chars = len((pack_root / INDEX).read_text(encoding="utf-8"))
    assert calls == [
        f"reader.markdown.parse({index_chars} characters)",
        f"MarkdownIt.parse({index_chars} characters)",
    ], f"{len(calls)} parses while loading and listing titles: {calls[:8]}"


# --- References ----------------------------------------------------------------------


def test_references_the_file_defines_never_show_in_brackets(
    pack: Pack, layout: NodelikePack, drawn: dict[int, Drawn]
):
    """`[`fs.open()`][]`, `[the caveats][Caveats]`, `[`fs.stat()`]` whose definitions
    are at the end of the file show as their link text, in every section."""
    failures: list[str] = []
    labels = {file: sorted(layout.defined_labels(file)) for file in layout.files}
    for section_drawn in drawn.values():
        for label in labels.get(section_drawn.section.path, []):
            shown = f"[{display_text(label).casefold()}]"
            at = section_drawn.folded.find(shown)
            if at >= 0:
                failures.append(
                    f"{section_drawn.where}: defined label {shown} shows as text:"
                    f" {section_drawn.line_at(at).strip()!r}"
                )
    assert not failures, report(failures, "defined references left in brackets")


def test_a_reference_the_file_does_not_define_shows_as_written(
    pack: Pack, layout: NodelikePack, drawn: dict[int, Drawn]
):
    """GitHub leaves `[nothing here][nope]` as it is when `nope` is defined nowhere."""
    use = layout.undefined_use
    section = section_at(pack, use.file, use.line)
    section_drawn = drawn[section.index]
    assert use.markdown in section_drawn.flat, (
        f"{section_drawn.where}: {use.markdown} not shown literally:\n"
        + "\n".join(line for line in section_drawn.lines if "nothing here" in line)
    )
    assert not links_matching(section, use.line, use.text)


def test_reference_links_lead_where_their_definitions_say(pack: Pack, layout: NodelikePack):
    """Each reference is a link in `section.links` on its own line, its href the
    definition's URL; one to a heading (`#anchor` or `path.md#anchor`) reaches that
    section, one to the web is external."""
    failures: list[str] = []
    for use in layout.uses:
        if use.url is None or use.in_footnote:
            continue
        section = section_at(pack, use.file, use.line)
        found = links_matching(section, use.line, use.text)
        where = f"{use.file}:{use.line} {use.markdown!r} in '{section.title}'"
        if not found:
            on_line = [link for link in section.links if link.line == use.line]
            failures.append(f"{where}: no link (links on that line: {on_line})")
            continue
        if found[0].href != use.url:
            failures.append(f"{where}: href {found[0].href!r}, defined as {use.url!r}")
            continue
        if use.via_html_anchor:  # its own test: the `<a id>` it names is not a heading
            continue
        target = pack.resolve(section, found[0].href)
        if use.target is None:
            if target.kind != "external":
                failures.append(f"{where}: {target.kind}, not external")
            continue
        expected = section_named(pack, *use.target)
        if (target.kind, target.section_id) != ("section", expected.id):
            failures.append(
                f"{where}: leads to {target.kind} {target.section_id!r} ({target.reason}),"
                f" not '{expected.id}'"
            )
    assert not failures, report(failures, "reference links not followable")


def test_inline_links_lead_where_they_point(pack: Pack, layout: NodelikePack):
    """The control: `[`path.join()`](path.md#pathjoin...)` and index.md's
    `[String decoder](string\\_decoder.md)` are followed today, so the matching of links
    by line and text above is sound."""
    failures: list[str] = []
    links = [link for link in layout.inline_links if not link.via_html_anchor]
    assert links
    for written in links:
        section = section_at(pack, written.file, written.line)
        found = links_matching(section, written.line, written.text)
        where = f"{written.file}:{written.line} [{written.text}]({written.href})"
        if not found or found[0].href != written.href:
            failures.append(f"{where}: got {[link for link in section.links]}")
            continue
        target = pack.resolve(section, found[0].href)
        expected = section_named(pack, *written.target)
        if (target.kind, target.section_id) != ("section", expected.id):
            failures.append(f"{where}: leads to {target}")
    assert not failures, report(failures, "inline links not followable")


def test_links_to_an_html_id_reach_the_heading_after_it(pack: Pack, layout: NodelikePack):
    """deprecations.md puts `<a id="DEP0001"></a>` before `### DEP0001: …`, and the newer
    Node docs link `deprecations.md#DEP0001`, not the heading's `#dep0001-…`: GitHub
    follows the id. Written both inline (so this fails today only for the id) and as
    references."""
    failures: list[str] = []
    links = [(link.file, link.line, link.text, link.href, link.target)
             for link in layout.inline_links if link.via_html_anchor]  # fmt: skip
    links += [(use.file, use.line, use.text, use.url or "", use.target)
              for use in layout.uses if use.via_html_anchor]  # fmt: skip
    assert links
    for file, line, text, href, heading in links:
        section = section_at(pack, file, line)
        found = links_matching(section, line, text)
        where = f"{file}:{line} [{text}] -> {href}"
        if not found:
            failures.append(f"{where}: no link")
            continue
        assert heading is not None
        target = pack.resolve(section, found[0].href)
        expected = section_named(pack, *heading)
        if (target.kind, target.section_id) != ("section", expected.id):
            failures.append(f"{where}: {target.kind} ({target.reason}), not '{expected.id}'")
    lines = {(file, line) for file, line, *_ in links}
    reported = [str(p) for p in check_pack(pack) if (p.path, p.line) in lines]
    failures += [f"reader check: {problem}" for problem in reported]
    assert not failures, report(failures, "links to HTML ids not followed")


# --- Comments ------------------------------------------------------------------------

_TOKEN = "(?<![\\w.]){}(?!\\w)"


def _comment_line(line: str) -> str:
    """A comment line's words as they would show if drawn as text."""
    line = line.strip().removeprefix("<!--").removesuffix("-->").strip()
    return " ".join(line.removeprefix("- ").replace("`", "").split())


def test_no_text_of_an_html_comment_shows(
    pack: Pack, layout: NodelikePack, drawn: dict[int, Drawn]
):
    """`<!-- YAML … -->` histories (with `<`, `>`, `=>` in their descriptions, a blank line
    inside one, a doubled `<!-- YAML` opener in another), `<!--introduced_in=…-->`,
    `<!-- source_link=… -->`, `<!-- eslint-skip -->`: GitHub shows none of it."""
    failures: list[str] = []
    for section_drawn in drawn.values():
        for marker in ("<!--", "-->"):
            at = section_drawn.flat.find(marker)
            if at >= 0:
                failures.append(
                    f"{section_drawn.where}: {marker!r} shows: {section_drawn.line_at(at)!r}"
                )
    for comment in layout.comments:
        section_drawn = drawn[section_at(pack, comment.file, comment.line).index]
        for token in sorted(comment.tokens):
            found = re.search(_TOKEN.format(re.escape(token)), section_drawn.flat)
            if found:
                failures.append(
                    f"{section_drawn.where}: {token!r} of the comment at"
                    f" {comment.file}:{comment.line} shows:"
                    f" {section_drawn.line_at(found.start()).strip()!r}"
                )
        for line in map(_comment_line, comment.lines):
            at = section_drawn.flat.find(line) if len(line) >= 6 else -1
            if at >= 0:
                failures.append(
                    f"{section_drawn.where}: comment line {line!r} ({comment.file}:"
                    f"{comment.line}) shows: {section_drawn.line_at(at).strip()!r}"
                )
    assert not failures, report(failures, "comment texts shown")


# --- Footnotes -----------------------------------------------------------------------


def test_footnotes_show_as_markers_with_their_texts_at_the_sections_end(
    pack: Pack, layout: NodelikePack, drawn: dict[int, Drawn]
):
    """`[^1]` in a section, `[^1]: …` at the end of the file: the section shows a `[n]`
    marker, and the note's text after its last paragraph (not another section's notes)."""
    failures: list[str] = []
    files = {footnote.file for footnote in layout.footnotes}
    using: dict[int, set[str]] = {}
    for footnote in layout.footnotes:
        section = section_named(pack, footnote.file, footnote.section_anchor)
        using.setdefault(section.index, set()).add(footnote.text)
        section_drawn = drawn[section.index]
        where = f"{section_drawn.where} [^{footnote.label}]"
        marker = re.search(re.escape(footnote.before_marker) + r"\[\d+\]", section_drawn.flat)
        if not marker:
            shown = [line for line in section_drawn.lines if footnote.before_marker in line]
            failures.append(f"{where}: no [n] marker after {footnote.before_marker!r}: {shown}")
        closing = section_drawn.flat.rfind(footnote.closing)
        text = section_drawn.flat.find(footnote.text[:40])
        if closing < 0 or text <= closing:
            failures.append(
                f"{where}: the note's text {footnote.text[:40]!r} is not after the last"
                f" paragraph ({'at ' + str(text) if text >= 0 else 'missing'};"
                f" the last paragraph at {closing})"
            )
    for index, texts in using.items():
        section_drawn = drawn[index]
        for footnote in layout.footnotes:
            if footnote.text not in texts and footnote.text[:40] in section_drawn.flat:
                failures.append(f"{section_drawn.where}: shows another section's note")
    for section_drawn in drawn.values():
        if section_drawn.section.path in files and "[^" in section_drawn.flat:
            at = section_drawn.flat.find("[^")
            failures.append(f"{section_drawn.where}: '[^' shows: {section_drawn.line_at(at)!r}")
    assert not failures, report(failures, "footnote failures")


# --- What else the docs' markup shows ------------------------------------------------


def test_the_docs_markup_shows_as_on_github(pack: Pack, drawn: dict[int, Drawn]):
    """Stability notes are quotes, `{string|Buffer|URL}` is plain text (Node's own tools
    turn it into links; GitHub shows the braces), `\\[` is a bracket, and neither the
    `<a id>` anchors nor the `<hr>` rules of index.md show as tags."""
    everything = [section_drawn.flat for section_drawn in drawn.values()]
    joined = "\n".join(everything)
    assert "Stability: 2 - Stable" in joined
    assert "Stability: 0 - Deprecated: Use" in joined
    assert "{string|Buffer|URL}" in joined
    assert "{ArrayBufferView[]}" in joined
    assert "[0, " in joined and "\\[" not in joined
    assert "<a id" not in joined and 'id="DEP' not in joined
    assert "<hr" not in joined


# --- reader check ----------------------------------------------------------------------


def _reported(stdout: str) -> list[tuple[str, int, str]]:
    found = (re.match(r"(\S+?):(\d+): (.*)", line) for line in stdout.splitlines())
    return [(match[1], int(match[2]), match[3]) for match in found if match]


def test_check_reports_the_undefined_reference_and_the_unused_definition(
    pack_root: Path, layout: NodelikePack, run_reader: RunReader
):
    """`reader check` on the pack: `[nothing here][nope]` and `[never-used]: …` are named
    at their file:line; no well-formed reference or definition is reported, nor anything
    else (links to HTML ids aside: their own test covers them)."""
    result = run_reader("check", pack_root)
    assert "Traceback" not in result.stderr, result.stderr
    reported = _reported(result.stdout)
    undefined, unused = layout.undefined_use, layout.unused_definition
    expected = {(undefined.file, undefined.line): "nope", (unused.file, unused.line): "never-used"}
    missing = [
        f"{file}:{line}: … {label}"
        for (file, line), label in expected.items()
        if not any((f, n) == (file, line) and label in message for f, n, message in reported)
    ]
    html_ids = {(use.file, use.line) for use in layout.uses if use.via_html_anchor}
    html_ids |= {(link.file, link.line) for link in layout.inline_links if link.via_html_anchor}
    unexpected = [
        f"{file}:{line}: {message}"
        for file, line, message in reported
        if (file, line) not in expected and (file, line) not in html_ids
    ]
    assert not missing and not unexpected, (
        f"not reported: {missing}\nreported but well-formed: {unexpected}\nstdout:\n{result.stdout}"
    )
