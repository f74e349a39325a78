"""A review of the glossary (issue 18) in the running reader: the popover, the comparison
panel, a theme change and the palette, in the cases a reader meets that the first round
of tests did not try. Each case is one behaviour a user would notice.
"""

from __future__ import annotations

from pathlib import Path

from conftest import reader, ready, wait_rendered, wait_until
from rich.style import Style
from textual.pilot import Pilot

from reader.ui.app import ReaderApp
from reader.ui.screens.term_popover import TermPopover
from reader.ui.widgets.document_view import DocumentView

SIZE = (80, 24)


async def open_popover(pilot: Pilot, app: ReaderApp, name: str) -> DocumentView:
    """The popover of term `name` (the palette's way: centred), its definition drawn."""
    app.define(name)
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, TermPopover) and app.screen.query(DocumentView),
        what="the popover",
    )
    definition = app.screen.query_one(DocumentView)
    await wait_rendered(pilot, definition)
    await pilot.pause()
    return definition


def text_colours(view: DocumentView) -> list[tuple[object, object]]:
    """The colour and background of each piece of the definition's first line, as shown."""
    styles = [segment.style or Style() for segment in view.render_line(0)]
    return [(style.color, style.bgcolor) for style in styles]


async def test_the_popover_shows_the_whole_of_a_short_definition() -> None:
    """The box is measured for the text's width, but the pane inside it keeps a column
    for its scroll bar: 8 of the bundled 98 definitions (Dupilumab, Tacrolimus, ...)
    lose their last line, the one with the "See ..." link, below the box."""
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        definition = await open_popover(pilot, app, "Dupilumab")
        assert definition.document is not None
        assert definition.document.line_count <= definition.size.height, "room for it all"
        assert definition.max_scroll_y == 0, list(definition.plain_lines())[-1]


async def test_a_popover_open_while_the_theme_changes_takes_the_new_colours() -> None:
    """Only the reading screen's panes are redrawn on a theme change (`_restyle` queries
    `app.main`); the popover keeps the old theme's text colour: #e0e0e0 on #dcdcdc."""
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        app.theme = "textual-dark"
        await pilot.pause()
        definition = await open_popover(pilot, app, "Eczema")
        app.theme = "textual-light"
        await pilot.pause(0.5)
        await wait_rendered(pilot, definition)
        kept = text_colours(definition)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, what="the popover to close")
        fresh = text_colours(await open_popover(pilot, app, "Eczema"))
        assert kept == fresh, "the same definition, the same theme: the same colours"


async def test_the_text_under_the_popover_stays_on_screen_in_an_ansi_theme() -> None:
    """The popover's screen is see-through ($background 0%); with an ANSI theme the
    whole reading screen behind it goes blank."""
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        app.theme = "ansi-dark"
        await pilot.pause(0.3)
        assert "question" in app.export_screenshot(), "the first lines of the section"
        await open_popover(pilot, app, "Eczema")  # centred: below the first lines
        assert "question" in app.export_screenshot(), "the text around the popover"


async def test_terms_are_marked_in_the_comparison_panel() -> None:
    """The comparison table uses IgE, IgG, allergens and autoantibodies; the same table
    in its section marks them, the panel (`c`) marks none: `f` says "No links or terms"
    (and the app's `from_comparison` handling of a term is never reached)."""
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("c")
        panel = app.main.query_one("#comparison-document", DocumentView)
        await wait_rendered(pilot, panel)
        assert panel.document is not None
        assert panel.document.context.terms, "no term marked in the comparison panel"


async def test_the_palette_offers_the_term_typed_in_full_in_a_big_glossary(
    tmp_path: Path,
) -> None:
    """The palette stops after 50 "Define:" hits in glossary order, before scoring: with
    60 terms that fuzzy-match, "define: zeta" never offers the term Zeta itself."""
    terms = [f"Zeta {n}" for n in range(1, 61)] + ["Zeta"]
    glossary = "# Glossary\n\n" + "".join(f"{term}\n: Meaning of {term}.\n\n" for term in terms)
    (tmp_path / "glossary.md").write_text(glossary)
    (tmp_path / "a.md").write_text("# A\n\nZeta and Zeta 1.\n")
    app = reader(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.press(*"define: zeta")

        def offered() -> list[str]:
            options = app.screen.query_one("CommandList").options
            return [str(option.prompt).split("\n")[0] for option in options]

        await wait_until(pilot, lambda: any("Define:" in o for o in offered()), what="hits")
        await pilot.pause(0.5)
        assert "Define: Zeta" in offered()


async def test_a_reference_link_in_a_definition_is_a_link_in_the_popover(tmp_path: Path) -> None:
    """`[Intro][intro]` with `[intro]: intro.md` at the glossary's end: the popover draws
    the definition without the file's link definitions, so the link is literal text."""
    (tmp_path / "intro.md").write_text("# Intro\n\nA widget.\n")
    (tmp_path / "glossary.md").write_text(
        "# Glossary\n\nWidget\n: A thing; see [Intro][intro].\n\n[intro]: intro.md\n"
    )
    app = reader(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        definition = await open_popover(pilot, app, "Widget")
        words = " ".join(definition.plain_lines())
        assert "[intro]" not in words, words
        assert definition.has_links
