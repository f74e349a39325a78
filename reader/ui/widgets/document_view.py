"""The reading pane: scrolling, focus, selection and messages over a `RenderedDocument`
(reader.render.document), which parses, measures and draws; `SectionLoader` decides when."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.selection import Selection
from textual.strip import Strip

from reader.glyphs import current as current_glyphs
from reader.render.document import Navigator, RenderedDocument
from reader.render.draw import Highlighter, Spot
from reader.render.wrap import Line
from reader.ui.styles import ROLES, PaneStyles
from reader.ui.widgets import document_messages as messages
from reader.ui.widgets.line_view import Frame, LineView, restyle, restyle_characters
from reader.ui.widgets.section_loader import Fill, SectionLoader

if TYPE_CHECKING:
    from reader.glossary import Glossary
    from reader.markdown import Definitions

__all__ = ["NO_LINKS", "DocumentView", "Fill"]

MAX_TEXT_WIDTH = 100
NO_LINKS = "No links, terms or cards in this section"  # what `f` says where it has nowhere to go


class DocumentView(LineView, can_focus=True):
    """Shows Markdown; focusable links, summaries and glossary terms; search matches
    highlighted."""

    COMPONENT_CLASSES = ROLES

    BINDINGS = [
        # The arrows, PgDn, Home and End are ScrollView's, declared here to have ids.
        Binding("j,down", "scroll_down", "Down", show=False, id="document.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="document.up"),
        Binding("space", "page_forward", "Page down", show=False, id="document.page-down"),
        Binding("pagedown", "page_down", "Page down", show=False, id="document.pgdn"),
        Binding("b,pageup", "page_backward", "Page up", show=False, id="document.page-up"),
        Binding("d", "half_page(1)", "Half page down", show=False, id="document.half-down"),
        Binding("u", "half_page(-1)", "Half page up", show=False, id="document.half-up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="document.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="document.bottom"),
        Binding("f", "next_item(1)", "Next link", id="document.next-link"),
        Binding("F", "next_item(-1)", "Previous link", show=False, id="document.previous-link"),
        Binding(
            "enter",
            "activate",
            "Follow a link, define a term, show an answer",
            show=False,
            id="document.follow",
        ),
        Binding("n", "next_match(1)", "Next match", show=False, id="document.next-match"),
        Binding("N", "next_match(-1)", "Previous match", show=False, id="document.previous-match"),
        Binding("y", "copy_section", "Copy the section's Markdown", show=False, id="document.copy"),
    ]

    LinkActivated: TypeAlias = messages.LinkActivated
    TermActivated: TypeAlias = messages.TermActivated
    MatchesChanged: TypeAlias = messages.MatchesChanged
    ReachedEdge: TypeAlias = messages.ReachedEdge
    EndSeen: TypeAlias = messages.EndSeen

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._styles = PaneStyles(self)
        self._loader = SectionLoader(self, self._styles)
        self._navigator = Navigator()
        self._end_seen = False
        self._links_offered: bool | None = None  # what the footer was last told
        #: Before the first layout, the owner's estimate of the text width: waiting for
        #: the layout costs the first screen a frame or more.
        self.width_hint: Callable[[], int] | None = None
        #: The widest the text is drawn; None: the pane's width (the comparison table).
        self.max_text_width: int | None = MAX_TEXT_WIDTH

    def show(
        self,
        markdown: str,
        *,
        highlighter: Highlighter | None = None,
        scroll_to: int | None = None,
        to_match: str | None = None,
        footer: str = "",
        definitions: Definitions | None = None,
        glossary: Glossary | None = None,
        cards: bool = False,
    ) -> None:
        """Replace the document (`footer` is drawn after `markdown`, which alone `y` copies;
        `definitions`: the references and footnotes of the file it comes from; `glossary`:
        whose terms to mark; `cards`: the file holds self-test cards, drawn as cards);
        `scroll_to` (a line) wins over `to_match` ("first" or "last" search match)."""
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._loader.cards = cards
        self._loader.show(markdown, footer, highlighter, scroll_to, to_match, definitions, glossary)

    def mark_terms(self, glossary: Glossary | None) -> None:
        """Mark `glossary`'s terms in the section on show, keeping the place (the text
        does not move: a mark only styles words)."""
        loader = self._loader
        loader.glossary = glossary
        if loader.document is not None:
            loader.target = round(self.scroll_y)
            loader.restart()

    def set_highlighter(self, highlighter: Highlighter | None, to_first_match: bool) -> None:
        """Change the highlighted search; keeps the place unless asked to jump."""
        self._loader.highlighter = highlighter
        jump = to_first_match and highlighter is not None
        self._loader.target = "first" if jump else round(self.scroll_y)
        self._navigator.current_match = None
        self._loader.rewrap(round(self.scroll_y))

    def pause_rendering(self) -> None:
        """Stop measuring between frames for a while (the rest of the screen is mounting)."""
        self._loader.paused = True

    def resume_rendering(self) -> None:
        self._loader.resume()

    def render_everything(self) -> None:
        """Finish measuring now (the reader jumped to the end before it was done)."""
        self._loader.finish_now()

    def go_to_line(self, line: int) -> None:
        self.scroll_to(0, line, animate=False, immediate=True)

    def arrived(self, document: RenderedDocument) -> None:
        """A new document: nothing focused, the end not seen yet, the footer to tell."""
        self._navigator = Navigator(document)
        self._end_seen, self._links_offered = False, None

    def select_match(self, index: int, spot: Spot) -> None:
        self._navigator.current_match = index
        self._scroll_to_spot(spot)

    def render_line(self, y: int) -> Strip:
        (scroll_x, scroll_y), width, base = self.frame
        row, document = scroll_y + y, self.document
        if document is None or row >= document.line_count:
            return Strip.blank(width, base)
        drawn = document.line(row)
        line = Strip(drawn.segments, drawn.cell_length)
        last = row == document.line_count - 1
        if last and self._loader.state is Fill.DONE and not self._end_seen:
            self._end_seen = True
            # Made later, in this widget's loop: made while painting, it would stop at the screen.
            self.call_later(lambda: self.post_message(self.EndSeen(self)))
        for spot, role in self._navigator.emphasis(row):
            line = restyle(line, spot.start, spot.end, self._styles.mark(role))
        selection = self.text_selection
        span = selection.get_span(row) if selection is not None else None
        if span is not None:
            selected = self.screen.get_component_rich_style("screen--selection")
            line = restyle_characters(line, *span, selected)
        line = line.crop_extend(scroll_x, scroll_x + width, base).apply_style(base)
        return line if self.painting else line.apply_offsets(scroll_x, row)

    def _frame_now(self) -> Frame:
        """The pane's base style with the body text's readable colour."""
        return (frame := super()._frame_now())._replace(base=frame.base + self._styles.body)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text as drawn, plain: what `ctrl+c` copies."""
        start, end = (None if point is None else (point.y, point.x) for point in selection)
        return None if self.document is None else (self.document.text_between(start, end), "\n")

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        loader = self._loader
        if loader.state is Fill.WAITING_FOR_SIZE and self.size.width:
            loader.restart()
        elif self.document is not None and loader.text_width() != self.document.width:
            self._navigator.current_match = None
            loader.rewrap(round(self.scroll_y))
        elif loader.target is not None:
            loader.after_growth()  # a place or match asked for before the first layout

    def restyle(self) -> None:
        """A theme change draws every line again, since colours live in them."""
        if self._loader.markdown:
            self.call_after_refresh(self._restyle_keeping_place)

    def _restyle_keeping_place(self) -> None:
        self._loader.target = round(self.scroll_y)
        self._loader.restart()

    def action_page_forward(self) -> None:
        if self.scroll_y >= self.max_scroll_y and self._loader.state is Fill.DONE:
            self.post_message(self.ReachedEdge(self, 1))
        else:
            self.scroll_page_down()

    def action_page_backward(self) -> None:
        """At the top, the previous section, from its end: reading back is continuous."""
        if self.scroll_y <= 0:
            self.post_message(self.ReachedEdge(self, -1))
        else:
            self.scroll_page_up()

    def action_half_page(self, direction: int) -> None:
        self.scroll_relative(y=direction * max(1, self.size.height // 2), animate=False)

    def action_scroll_end(self) -> None:
        """Straight to the end, like less: no animation across thousands of lines."""
        self.render_everything()
        self.scroll_end(animate=False, immediate=True)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False, immediate=True)

    def action_copy_section(self) -> None:
        """The section's Markdown to the clipboard (OSC 52: it reaches the reader's own
        terminal over SSH), plain text, as the file has it."""
        source = self._loader.markdown
        self.app.copy_to_clipboard(source)
        lines = source.count("\n") + 1
        self.notify(f"Copied the section's Markdown ({lines} lines)", markup=False, timeout=3)

    def action_next_item(self, direction: int) -> None:
        """Move the link/summary focus, scrolling it into view."""
        spot = self._navigator.next_item(direction, self.scroll_y)
        if spot is None:
            self.notify(NO_LINKS, markup=False, timeout=3)
        self._scroll_to_spot(spot)

    def action_activate(self) -> None:
        spot = self._navigator.focused_spot
        if spot is not None:
            self._activate(spot.kind, spot.number)

    def _activate(self, kind: str, number: int) -> None:
        links = self.document.links if self.document is not None else []
        if kind == "link" and number < len(links):
            self.post_message(self.LinkActivated(self, links[number]))
        elif kind == "details":
            self.toggle_details(number)
        elif kind in ("note", "noteback"):
            if kind == "note" and self.document is not None and self.document.unfinished:
                self.render_everything()  # the notes are drawn at the section's end
            self._scroll_to_spot(self._navigator.follow_note(kind, number))
        elif kind == "term":
            self._define(number)
        elif kind == "card":
            self.toggle_card(number)

    def _define(self, number: int) -> None:
        """Ask for term mark `number`'s definition, with where the term is on screen (the
        definition is shown beside it)."""
        document = self.document
        if document is None or number >= len(document.context.terms):
            return
        glossary = document.context.glossary
        names = glossary.names if glossary is not None else []
        entry = document.context.terms[number]
        if entry >= len(names):
            return
        spot = self._navigator.focus("term", number)
        if spot is None:
            return
        self._scroll_to_spot(spot)
        content = self.content_region
        x = content.x + spot.start - round(self.scroll_x)
        y = content.y + spot.line - round(self.scroll_y)
        region = Region(x, y, max(1, spot.end - spot.start), 1)
        self.post_message(self.TermActivated(self, names[entry][0], region))

    def toggle_details(self, number: int) -> None:
        if self.document is not None and self.document.toggle_details(number):
            self._folded("details", number)

    def toggle_card(self, number: int) -> None:
        """Show (or hide again) a card's answer."""
        if self.document is not None and self.document.toggle_card(number):
            self._folded("card", number)

    def _folded(self, kind: str, number: int) -> None:
        """A fold opened or closed: the lines below it moved; it keeps the focus."""
        self._loader.after_growth()
        self._focus_spot(kind, number)

    def _focus_spot(self, kind: str, number: int) -> None:
        self._scroll_to_spot(self._navigator.focus(kind, number))

    def action_next_match(self, direction: int) -> None:
        spot = self._navigator.next_match(direction)
        if spot is None:
            self.post_message(self.ReachedEdge(self, 2 * direction))
            return
        self._scroll_to_spot(spot)
        self.publish()

    def _scroll_to_spot(self, spot: Spot | None) -> None:
        """Bring a spot on screen (a third of the way down) and show its new mark."""
        top, height = round(self.scroll_y), max(1, self.size.height)
        if spot is not None and not top <= spot.line < top + height:
            self.scroll_to(0, max(0, spot.line - height // 3), animate=False, immediate=True)
        self.refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No links: f is not offered (and says why when pressed, see ReaderApp); under a
        dialog, the pane offers nothing (the dialog's keys win)."""
        if self.screen is not self.app.screen:
            return False
        return action != "next_item" or self.has_links

    def publish(self) -> None:
        if self.has_links is not self._links_offered:
            self._links_offered = self.has_links
            self.refresh_bindings()  # the footer offers f only with links to go to
        self.post_message(self.MatchesChanged(self, self.current_match, self.match_count))

    def on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        if "link" in meta:
            self._focus_spot("link", meta["link"])
            self._activate("link", meta["link"])
        elif "details" in meta:
            self.toggle_details(meta["details"])
        elif "note" in meta or "noteback" in meta:
            kind = "note" if "note" in meta else "noteback"
            self._activate(kind, meta[kind])
        elif "term" in meta:
            self._define(meta["term"])
        elif "card" in meta:
            self.toggle_card(meta["card"])

    @property
    def document(self) -> RenderedDocument | None:
        """The section on show, as measured so far (None before the first layout)."""
        return self._loader.document

    @property
    def fully_rendered(self) -> bool:
        return self._loader.state is Fill.DONE

    @property
    def first_screen_ready(self) -> bool:
        document, height = self.document, self.size.height
        return document is not None and (not document.unfinished or document.line_count >= height)

    @property
    def has_links(self) -> bool:
        return bool(self._navigator.items)

    @property
    def match_count(self) -> int:
        return len(self._navigator.matches)

    @property
    def current_match(self) -> int | None:
        return self._navigator.current_match

    @property
    def focused_href(self) -> str | None:
        return self._navigator.focused_href

    @property
    def line_count(self) -> int:
        return self.document.line_count if self.document is not None else 0

    def plain_lines(self) -> list[str]:
        """The drawn text, line by line, as far as it is measured (tests use it)."""
        return list(self.document.plain_lines()) if self.document is not None else []

    def table_head(self) -> tuple[int, list[Line]] | None:
        """The first table's top line and its lines to the rule under its header, or None."""
        middle = current_glyphs().table_middle[0]
        return None if self.document is None else self.document.table_head(middle)
