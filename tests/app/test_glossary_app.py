"""The glossary in the reader (issue 18): terms marked where the text first uses them,
focused with f like links, Enter shows the definition beside the term; `t` lists every
term with a filter and the sections that use it; search shows a term's definition first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import document, reader, ready, record_notifications, wait_rendered, wait_until
from textual.pilot import Pilot

from reader.ui.screens.glossary import GlossaryScreen
from reader.ui.screens.term_popover import TermPopover
from reader.ui.widgets.document_view import DocumentView

SIZE = (80, 24)


def term_names(view: DocumentView) -> list[str]:
    """The first name of each term marked in the section on show, in reading order."""
    assert view.document is not None
    glossary = view.document.context.glossary
    assert glossary is not None
    return [glossary.names[entry][0] for entry in view.document.context.terms]


async def focus_first_term(pilot: Pilot, view: DocumentView) -> None:
    for _ in range(40):
        await pilot.press("f")
        spot = view._navigator.focused_spot
        if spot is not None and spot.kind == "term":
            return
    pytest.fail("f never reached a glossary term")


async def test_first_use_of_each_term_is_marked_and_later_ones_are_not() -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        view = await ready(pilot, app)
        assert "Eczema" in term_names(view), "the start page's first term"
        app.open_section("t-helper-cells-and-cytokines")
        await wait_until(pilot, lambda: app.current.id == "t-helper-cells-and-cytokines")
        await wait_rendered(pilot, view)
        marked = term_names(view)
        assert len(marked) == len(set(marked)) >= 5, marked
        spots = [spot for spot in view._navigator.items if spot.kind == "term"]
        assert len({spot.number for spot in spots}) == len(marked)
        # Terms the section uses again and again are still marked once.
        matcher = app.pack.glossary.matcher
        uses: dict[int, int] = {}
        for _, _, entry in matcher.find(" ".join(view.plain_lines())):
            uses[entry] = uses.get(entry, 0) + 1
        repeated = [app.pack.glossary.names[e][0] for e, count in uses.items() if count > 2]
        assert repeated and set(repeated) <= set(marked), (repeated, marked)


async def test_enter_on_a_focused_term_shows_its_definition_beside_it() -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        view = await ready(pilot, app)
        await focus_first_term(pilot, view)
        spot = view._navigator.focused_spot
        assert spot is not None
        before = view.scroll_y
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TermPopover), what="the popover")
        popover = app.screen
        assert isinstance(popover, TermPopover)
        name = app.pack.glossary.names[view.document.context.terms[spot.number]][0]
        assert popover.entry is app.pack.glossary.lookup(name)
        box = popover.query_one("#term-popover").region
        term_row = view.content_region.y + spot.line - round(view.scroll_y)
        assert box.y in (term_row + 1, term_row - box.height), "the box sits next to the term"
        definition = popover.query_one(DocumentView)
        await wait_rendered(pilot, definition)
        words = " ".join(definition.plain_lines())
        assert words.split()[:3] == popover.entry.definition.split()[:3]
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, what="the popover to close")
        assert view.scroll_y == before, "the reading position does not move"
        assert view._navigator.focused_spot == spot, "the term stays focused"


async def test_a_link_in_the_popover_is_followed_from_the_glossary() -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        view = await ready(pilot, app)
        app.define("IgE")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, TermPopover) and app.screen.query(DocumentView),
            what="the popover",
        )
        definition = app.screen.query_one(DocumentView)
        await wait_rendered(pilot, definition)
        assert definition.has_links
        await pilot.press("f", "enter")
        await wait_until(pilot, lambda: app.screen is app.main, what="the popover to close")
        # IgE's definition links to 04-…#no-defining-autoantibody, relative to glossary.md.
        assert app.current is not None
        assert app.current.path == "04-how-eczema-differs-from-autoimmunity.md"
        assert app.current.anchor == "no-defining-autoantibody"
        await pilot.press("backspace")
        await wait_until(pilot, lambda: app.current.id == "start-here", what="back")
        assert view is document(app)


async def test_t_filters_terms_and_opens_a_section_that_uses_one() -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, GlossaryScreen), what="glossary")
        screen = app.screen
        assert isinstance(screen, GlossaryScreen)
        assert len(screen.shown) == len(app.pack.glossary.entries) >= 35
        await pilot.press(*"ige")
        await wait_until(pilot, lambda: screen.shown[:1] and screen.shown[0].names[1] == "IgE")
        assert len(screen.shown) < len(screen.entries), "typing filters"
        await wait_until(pilot, lambda: screen.usage is not None, what="the usage count")
        used = screen.query_one("#glossary-used").render()
        assert "Used in" in str(used) and "section" in str(used)
        await pilot.press("enter")  # to the sections that use the term
        sections = screen.query_one("#glossary-sections")
        assert screen.focused is sections
        await pilot.press("enter")  # open the first
        await wait_until(pilot, lambda: app.screen is app.main, what="the glossary to close")
        opened = app.current
        assert opened is not None and opened.id != "start-here"
        assert "IgE" in opened.markdown
        await pilot.press("backspace")  # the usual way back
        await wait_until(pilot, lambda: app.current.id == "start-here", what="back")


async def test_escape_steps_back_out_of_the_glossary() -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, GlossaryScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.usage is not None)
        await pilot.press(*"filaggrin", "enter")
        assert screen.focused is screen.query_one("#glossary-sections")
        await pilot.press("escape")
        assert screen.focused is screen.query_one("#glossary-filter")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main)
        assert app.current.id == "start-here"


async def test_a_query_that_is_a_term_shows_its_definition_first() -> None:
    app = reader()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        await wait_until(pilot, lambda: app.search.index is not None, 10, "the index")
        await pilot.press("slash", *"ige")
        await wait_until(pilot, lambda: app.search.query == "ige" and bool(app.search.hits))
        first = app.search.hits[0]
        assert first.title == "Definition: Immunoglobulin E (IgE)"
        assert "antibody" in first.snippet
        assert len(app.search.hits) > 1, "the sections still follow"
        assert all(hit.kind == "section" for hit in app.search.hits[1:])
        await pilot.press("down", "enter")  # into the results: the definition, chosen
        await wait_until(pilot, lambda: isinstance(app.screen, TermPopover), what="the popover")
        assert app.screen.entry.names[1] == "IgE"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main)
        assert app.current.id == "start-here", "the definition opened no section"
        best = app.search.hits[1].id
        await pilot.press("slash", *"ige")
        await wait_until(pilot, lambda: app.search.query == "ige" and bool(app.search.hits))
        await pilot.press("enter")  # Enter in the box: the best section, not the definition
        await wait_until(pilot, lambda: app.current.id == best, what="the best section")
        assert app.main.results is not None and app.main.results.highlighted == 1, (
            "the results' cursor is on the section opened, past the definition"
        )


async def test_a_query_that_is_not_a_term_shows_no_definition() -> None:
    app = reader()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        await wait_until(pilot, lambda: app.search.index is not None, 10, "the index")
        await pilot.press("slash", *"barrier")
        await wait_until(pilot, lambda: app.search.query == "barrier" and bool(app.search.hits))
        assert not any(hit.title.startswith("Definition:") for hit in app.search.hits)


async def test_the_glossary_itself_has_no_marks() -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        view = await ready(pilot, app)
        glossary_section = app.pack.section_at("glossary.md", 1)
        assert glossary_section is not None
        app.open_section(glossary_section.id)
        await wait_until(pilot, lambda: app.current is glossary_section)
        await wait_rendered(pilot, view)
        assert view.document is not None and view.document.context.terms == []
        assert not any(spot.kind == "term" for spot in view._navigator.items)


async def test_restricted_mode_allows_every_glossary_command() -> None:
    app = reader(restricted=True)
    async with app.run_test(size=SIZE) as pilot:
        view = await ready(pilot, app)
        await focus_first_term(pilot, view)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TermPopover), what="the popover")
        await pilot.press("t")  # from the popover to the whole glossary
        await wait_until(pilot, lambda: isinstance(app.screen, GlossaryScreen), what="glossary")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, GlossaryScreen), what="t again")


async def test_a_pack_without_a_glossary_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.md").write_text("# Notes\n\nIgE and cytokines, undefined here.\n")
    app = reader(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = await ready(pilot, app)
        said = record_notifications(app, monkeypatch)
        assert view.document is not None and view.document.context.glossary is None
        await pilot.press("t")
        await pilot.pause()
        assert app.screen is app.main
        assert any("no glossary" in message for _, message in said), said
        assert app.allowed_on_reading_screen("glossary") is None  # the palette: disabled


async def test_the_palette_defines_a_term() -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.press(*"define: ige")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TermPopover), what="the popover")
        assert "IgE" in app.screen.entry.names


async def test_the_help_lists_the_glossary_key() -> None:
    from reader.ui.screens.help import HelpScreen

    app = reader()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = " ".join(str(widget.render()) for widget in app.screen.query("*"))
        assert "Glossary" in shown
