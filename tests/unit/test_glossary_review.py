"""A review of the glossary (issue 18) without an app: what a reader of the drawn text and
of `reader --define` expects, in the cases the first round of tests did not try.

Each case is one behaviour a user would notice; see tests/app/test_glossary_review_app.py
for the same review in the running reader.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style

from reader.cli import main
from reader.files import PackFile
from reader.glossary import Glossary, TermMatcher
from reader.render.blocks import BASE_STYLES, BuildContext
from reader.render.document import RenderedDocument
from reader.render.draw import BlockRenderer, RenderStyles

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTENT = REPO_ROOT / "content"

GLOSSARY = """\
# Glossary

Immunoglobulin E (IgE)
: The antibody class behind allergy.

Keratin
: A tough protein of the skin.
"""


def small_glossary() -> Glossary:
    return Glossary(
        [PackFile(Path("glossary.md"), "glossary.md", Path("/p/glossary.md"), GLOSSARY)]
    )


def drawn(
    markdown: str, glossary: Glossary, styles: dict[str, Style] | None = None
) -> tuple[RenderedDocument, BuildContext]:
    """The document as the reading pane draws it, filled, with its build context."""
    context = BuildContext(styles=styles, glossary=glossary)
    renderer = BlockRenderer(Console(width=200), RenderStyles())
    document = RenderedDocument(markdown, renderer, 80, context)
    document.fill()
    return document, context


def term_lines(document: RenderedDocument) -> list[str]:
    """The drawn line of each term mark a reader can see and reach with `f`."""
    lines = list(document.plain_lines())
    return [lines[spot.line].strip() for spot in document.items if spot.kind == "term"]


def test_a_term_first_used_inside_a_closed_details_is_marked_where_the_text_shows_it() -> None:
    """A closed `<details>` hides its text; its use of a term must not take the mark from
    the next use the reader does see (else the section shows the term unmarked)."""
    markdown = (
        "<details><summary>More</summary>\n\nKeratin hidden inside.\n\n</details>\n\n"
        "Keratin where the reader sees it.\n"
    )
    document, _ = drawn(markdown, small_glossary())
    assert term_lines(document) == ["Keratin where the reader sees it."]


def _segment(document: RenderedDocument, text: str) -> Segment:
    for row in range(document.line_count):
        for segment in document.line(row):
            if segment.text == text:
                return segment
    raise AssertionError(f"{text!r} not drawn as one piece")


def _without_colour(style: Style | None) -> tuple[object, ...]:
    style = style or Style()
    return (style.bold, style.dim, style.italic, style.underline, style.reverse, style.strike)


def test_a_term_in_emphasis_is_told_from_a_link_in_emphasis_without_colour() -> None:
    """The issue: the mark is "distinguishable without colour". A term is italic and
    underlined, a link underlined; inside `*emphasis*` both are italic and underlined."""
    document, _ = drawn(
        "*See [the link](x.md) and Keratin.*\n", small_glossary(), dict(BASE_STYLES)
    )
    link = _segment(document, "the link")
    term = _segment(document, "Keratin")
    around = _segment(document, "See ")
    assert "term" in term.style.meta and "link" in link.style.meta
    assert _without_colour(term.style) != _without_colour(link.style)
    assert _without_colour(term.style) != _without_colour(around.style)


@pytest.mark.parametrize(("name", "plural"), [("stomach", "stomachs"), ("epoch", "epochs")])
def test_the_plural_of_a_word_ending_in_a_hard_ch_is_found(name: str, plural: str) -> None:
    """`-ch` said as /k/ takes a plain `s`; only `-es` is tried today."""
    matcher = TermMatcher([[name]])
    text = f"Two {plural} here."
    assert [text[start:end] for start, end, _ in matcher.find(text)] == [plural]


def test_define_finds_a_term_written_as_the_glossary_and_glossary_listing_write_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`reader --glossary` prints `Immunoglobulin E (IgE)`; pasting that line into
    `reader --define` should find it, not say it is not in the glossary."""
    code = main(["--define", "Immunoglobulin E (IgE)", str(CONTENT)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("Immunoglobulin E (IgE)\n")


def test_a_reference_link_in_a_definition_is_printed_as_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reference links are ordinary Markdown; their definitions sit at the glossary file's
    end. The definition is drawn without them, so `[Intro][intro]` shows as written."""
    (tmp_path / "intro.md").write_text("# Intro\n\nA widget.\n")
    (tmp_path / "glossary.md").write_text(
        "# Glossary\n\nWidget\n: A thing; see [Intro][intro].\n\n[intro]: intro.md\n"
    )
    code = main(["--define", "widget", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "[intro]" not in out, out
    assert "Intro (intro.md)" in out, out
