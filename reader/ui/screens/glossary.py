"""The glossary: every term, filtered as you type, with its definition and the sections
that use it.

Typing filters the terms with Textual's fuzzy matcher (the palette's); up and down move
through them while the cursor stays in the filter. The highlighted term's definition is
drawn beside the list by a reading pane of its own (its links work), and under it the
sections whose text uses the term: Enter (or Tab) moves there, Enter opens one, and the
reader's back key returns to where reading was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from reader.files import PackChanged
from reader.glossary import fold
from reader.glyphs import current as current_glyphs
from reader.sanitize import sanitize_line
from reader.ui.key_hints import key_hint
from reader.ui.styles import use_stylesheet
from reader.ui.textual_compat import fuzzy_offsets
from reader.ui.widgets.document_view import DocumentView

if TYPE_CHECKING:
    from reader.glossary import GlossaryEntry
    from reader.pack import Pack

__all__ = ["GlossaryChoice", "GlossaryScreen"]


class GlossaryChoice(NamedTuple):
    """What the reader chose in the glossary: a section to open, or a link of a
    definition to follow (from the glossary file's section)."""

    kind: str  # "section" or "link"
    target: str  # the section id, or the link's href
    entry: GlossaryEntry


class GlossaryScreen(ModalScreen[GlossaryChoice | None]):
    """Lists the pack's terms; see the module docstring."""

    BINDINGS = [
        Binding("escape", "back_out", "Close", id="glossary.close"),
        Binding("down", "move(1)", "Next term", show=False, id="glossary.down"),
        Binding("up", "move(-1)", "Previous term", show=False, id="glossary.up"),
        Binding("pagedown", "move_page(1)", "Page of terms", show=False, id="glossary.page-down"),
        Binding("pageup", "move_page(-1)", "Page of terms", show=False, id="glossary.page-up"),
        Binding("enter", "choose", "Sections", show=False, id="glossary.choose"),
    ]
    #: Printable keys go to the filter here: the reading screen's letters are not offered.
    TAKES_TYPING = True

    def __init__(self, pack: Pack, start: str | None = None) -> None:
        """`start`: the name of a term to show first (the popover's `t`)."""
        super().__init__()
        use_stylesheet(self.app, "glossary.tcss")
        self.pack = pack
        self.entries = pack.glossary.entries
        self.start = start
        self.shown: list[GlossaryEntry] = list(self.entries)
        #: Section ids using each term, by the term's first name folded; None: counting.
        self.usage: dict[str, list[str]] | None = None
        self._showing: GlossaryEntry | None = None
        #: Enter has moved to the sections, whose focus may not have landed yet: keys
        #: typed together ("Enter Enter" over SSH) both reach the filter, and the second
        #: must open the section, as typed.
        self._in_sections = False

    def compose(self) -> ComposeResult:
        with Vertical(id="glossary-dialog"):
            yield Static(id="glossary-title")
            yield Input(placeholder="Type to filter the terms", id="glossary-filter")
            with Horizontal(id="glossary-body"):
                yield OptionList(id="glossary-terms")
                with Vertical(id="glossary-detail"):
                    yield Static(id="glossary-term")
                    yield DocumentView(id="glossary-definition")
                    yield Static(id="glossary-used")
                    yield OptionList(id="glossary-sections")
            arrows = "Up/Down" if current_glyphs().ascii else "↑↓"
            choose = key_hint(self.app, "glossary.choose", "Enter")
            close = key_hint(self.app, "glossary.close", "Esc")
            hint = f"Type filter   {arrows} term   {choose} sections   {close} close"
            yield Static(Text(hint), id="glossary-keys")

    def on_mount(self) -> None:
        self.app.clear_notifications()
        count = len(self.entries)
        title = f"Glossary: {count} term{'s' if count != 1 else ''}"
        self.query_one("#glossary-title", Static).update(Text(title, style="bold"))
        self.query_one("#glossary-definition", DocumentView).max_text_width = None
        self._fill("")
        if self.start is not None:
            wanted = fold(self.start)
            for index, entry in enumerate(self.shown):
                if any(fold(name) == wanted for name in entry.names):
                    self.query_one("#glossary-terms", OptionList).highlighted = index
        self.query_one("#glossary-filter", Input).focus()
        self._count_usage()
        self.app.main.refresh_bindings()  # type: ignore[attr-defined]

    def on_unmount(self) -> None:
        self.app.main.refresh_bindings()  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="glossary-usage")
    def _count_usage(self) -> dict[str, list[str]]:
        """Which sections use each term: every section's words are read, so off the UI
        thread (the default pack: ~10 ms; a 3.5 MB pack: a few tenths of a second)."""
        pack = self.pack
        glossary = pack.glossary
        sections = []
        for section in pack.sections:
            if pack.in_glossary(section):
                continue
            try:
                sections.append((section.id, section.markdown))
            except PackChanged:
                continue  # changed on disk since loading: the app says so and offers a reload
        used = glossary.usage(sections)
        # Returned, not handed over with call_from_thread: a thread waiting on the app's
        # loop after the app stopped would hold the process at exit.
        return {fold(names[0]): ids for names, ids in zip(glossary.names, used, strict=True)}

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        usage = event.worker.result
        if event.worker.group == "glossary-usage" and event.state is WorkerState.SUCCESS:
            self._usage_counted(usage if isinstance(usage, dict) else {})

    def _usage_counted(self, usage: dict[str, list[str]]) -> None:
        self.usage = usage
        self._show(self._showing, force=True)

    # ------------------------------------------------------------------ the list
    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Back in the filter or the terms: Enter goes to the sections again."""
        if event.widget is not self.query_one("#glossary-sections"):
            self._in_sections = False

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._in_sections = False
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        """The terms matching `query` (all, in the glossary's order, for none), best
        first, the matched letters of the best-matching name marked."""
        terms = self.query_one("#glossary-terms", OptionList)
        terms.clear_options()
        query = query.strip()
        if not query:
            self.shown = list(self.entries)
            terms.add_options(Option(Text(sanitize_line(entry.term))) for entry in self.shown)
        else:
            matcher = Matcher(query)
            scored: list[tuple[float, int, GlossaryEntry, Text]] = []
            for order, entry in enumerate(self.entries):
                best, label = 0.0, Text(sanitize_line(entry.term))
                for candidate in (entry.term, *entry.names):
                    score = matcher.match(candidate)
                    if score > best:
                        best, label = score, _highlighted(matcher, candidate, entry.term)
                if best > 0:
                    scored.append((best, -order, entry, label))
            scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
            self.shown = [item[2] for item in scored]
            terms.add_options(Option(item[3]) for item in scored)
        if self.shown:
            terms.highlighted = 0
        else:
            terms.add_option(Option(Text("No term matches"), disabled=True))
        self._show(self.shown[0] if self.shown else None)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_list.id == "glossary-terms" and event.option_index < len(self.shown):
            self._show(self.shown[event.option_index])

    def _show(self, entry: GlossaryEntry | None, *, force: bool = False) -> None:
        """The entry beside the list: its definition and the sections that use it."""
        if entry is self._showing and not force:
            return
        if entry is not self._showing:
            self._in_sections = False  # another term: its sections are not chosen yet
        self._showing = entry
        heading = self.query_one("#glossary-term", Static)
        used = self.query_one("#glossary-used", Static)
        sections = self.query_one("#glossary-sections", OptionList)
        definition = self.query_one("#glossary-definition", DocumentView)
        sections.clear_options()
        if entry is None:
            heading.update("")
            used.update("")
            definition.show("")
            return
        if not force:
            heading.update(_heading(entry))
            definitions = self.pack.definitions_of(entry.path)
            definition.show(entry.definition or "*No definition.*", definitions=definitions)
        if self.usage is None:
            counting = f"Counting the sections that use it{current_glyphs().ellipsis}"
            used.update(Text(counting, style="italic"))
            return
        ids = self.usage.get(fold(entry.names[0]), [])
        sections.display = bool(ids)
        count = len(ids)
        used.update(Text(f"Used in {count} section{'s' if count != 1 else ''}", style="bold"))
        between = f" {current_glyphs().breadcrumb.strip()} "
        for section_id in ids:
            section = self.pack.get(section_id)
            if section is not None:
                path = between.join(part.title for part in [*section.ancestors, section])
                sections.add_option(Option(Text(sanitize_line(path)), id=section_id))

    # ------------------------------------------------------------------ keys
    def action_move(self, step: int) -> None:
        """Up and down move through the terms while the cursor is in the filter."""
        terms = self.query_one("#glossary-terms", OptionList)
        if self.focused is self.query_one("#glossary-filter") and self.shown:
            current = terms.highlighted or 0
            terms.highlighted = max(0, min(len(self.shown) - 1, current + step))
        elif isinstance(self.focused, OptionList):
            if step > 0:
                self.focused.action_cursor_down()
            else:
                self.focused.action_cursor_up()

    def action_move_page(self, direction: int) -> None:
        """PgDn/PgUp page through the terms while the cursor is in the filter."""
        terms = self.query_one("#glossary-terms", OptionList)
        page = max(1, terms.scrollable_content_region.height - 1)
        if self.focused is self.query_one("#glossary-filter") and self.shown:
            current = terms.highlighted or 0
            terms.highlighted = max(0, min(len(self.shown) - 1, current + direction * page))

    def action_choose(self, *, say_why: bool = True) -> None:
        """Enter: from the filter or the terms, to the sections that use the term; on a
        section, open it. (`say_why`: a term no section uses says so; not for a click,
        which may only be choosing a term to read.)"""
        sections = self.query_one("#glossary-sections", OptionList)
        if self.focused is sections or (self._in_sections and sections.option_count):
            self._open_highlighted_section()
        elif sections.option_count:
            sections.highlighted = sections.highlighted or 0
            self._in_sections = True
            sections.focus()
        elif say_why and self._showing is not None and self.usage is not None:
            self.notify("No section uses this term", markup=False, timeout=3)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "glossary-sections":
            self._open_highlighted_section()
        else:
            self.action_choose(say_why=False)

    def _open_highlighted_section(self) -> None:
        sections = self.query_one("#glossary-sections", OptionList)
        entry = self._showing
        if entry is None or sections.highlighted is None:
            return
        option = sections.get_option_at_index(sections.highlighted)
        if option.id is not None:
            self.dismiss(GlossaryChoice("section", option.id, entry))

    def on_document_view_link_activated(self, event: DocumentView.LinkActivated) -> None:
        event.stop()
        if self._showing is not None:
            self.dismiss(GlossaryChoice("link", event.href, self._showing))

    def on_document_view_reached_edge(self, event: DocumentView.ReachedEdge) -> None:
        event.stop()

    def action_back_out(self) -> None:
        """Esc: from the sections or the definition back to the filter; from there, close."""
        filter_box = self.query_one("#glossary-filter", Input)
        if self.focused is not filter_box:
            filter_box.focus()
        else:
            self.dismiss(None)

    def on_key(self, event: events.Key) -> None:
        """A letter typed outside the filter goes to the filter: typing always filters."""
        filter_box = self.query_one("#glossary-filter", Input)
        if self.focused is not filter_box and event.is_printable and event.character:
            if isinstance(self.focused, DocumentView) and event.character in "fjkFgGbdu ":
                return  # the definition's own keys (f: its links)
            filter_box.focus()
            filter_box.insert_text_at_cursor(event.character)
            event.stop()


def _heading(entry: GlossaryEntry) -> Text:
    text = Text(sanitize_line(entry.term), style="bold")
    if entry.unshown_names:
        also = ", ".join(sanitize_line(name) for name in entry.unshown_names)
        text.append(f"\nalso: {also}", style="italic")
    return text


def _highlighted(matcher: Matcher, candidate: str, term: str) -> Text:
    """The term's label, the letters the query matched marked; a name that matched
    better and is not already in the label is named after it."""
    label = Text(sanitize_line(term))
    shown = candidate if candidate.casefold() not in term.casefold() else term
    score, offsets = fuzzy_offsets(matcher, term)
    for offset in offsets if score else ():
        if offset < len(label) and not term[offset].isspace():
            label.stylize("bold underline", offset, offset + 1)
    if shown != term:
        label.append(f"  ({sanitize_line(candidate)})", style="italic")
    return label
