"""The sidebar outline: the pack's sections as a tree, built lazily as it is unfolded.

A 20,000-heading file must not create 20,000 tree nodes before the first screen, so a
node's children are added the first time it is expanded.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reader.glyphs import UNICODE
from reader.glyphs import current as current_glyphs
from reader.pack import Pack, Section
from reader.progress import counts, is_complete
from reader.ui.outline_layout import GUIDE_DEPTH

__all__ = ["CURRENT_MARK", "Outline"]

READ_MARK = UNICODE.read_mark  # ASCII.read_mark on the Linux console (see reader.glyphs)
#: Before the section being read (and the label in bold), so it shows without colour.
CURRENT_MARK = "▸ "
ASCII_CURRENT_MARK = "@ "  # "> " is the ASCII fold arrow


class Outline(Tree[str]):
    """Sections of the pack; Enter opens one, ←/→ fold and unfold."""

    BINDINGS = [
        Binding("left", "fold", "Fold", show=False, id="outline.fold"),
        Binding("right", "unfold", "Unfold", show=False, id="outline.unfold"),
        Binding("h", "fold", "Fold", show=False, id="outline.fold-vi"),
        Binding("l", "unfold", "Unfold", show=False, id="outline.unfold-vi"),
        Binding("j", "cursor_down", "Down", show=False, id="outline.down"),
        Binding("k", "cursor_up", "Up", show=False, id="outline.up"),
        # Tree's own Enter, given an id so config.toml's [keymap] can move it.
        Binding("enter", "select_cursor", "Open section", show=False, id="outline.open"),
    ]

    class SectionSelected(Message):
        """The reader chose a section in the outline."""

        def __init__(self, outline: Outline, section_id: str) -> None:
            super().__init__()
            self.outline = outline
            self.section_id = section_id

        @property
        def control(self) -> Outline:
            return self.outline

    def __init__(self, pack: Pack, *, id: str | None = None) -> None:
        super().__init__(Text(pack.title), id=id)
        self.pack = pack
        self.show_root = False
        self.guide_depth = GUIDE_DEPTH
        self._section_nodes: dict[str, TreeNode[str]] = {}
        self._read: set[str] = set()
        self._due: dict[str, int] = {}  # cards due now, by top-level section
        self._current: str | None = None
        self.auto_expand = False
        glyphs = current_glyphs()
        self._read_mark = glyphs.read_mark
        self._current_mark = ASCII_CURRENT_MARK if glyphs.ascii else CURRENT_MARK
        self._ellipsis = glyphs.ellipsis
        #: Cells of the `3/4` count at the end of a chapter's label (kept when cut).
        self._count_cells: dict[str, int] = {}
        if glyphs.ascii:  # instance attributes Tree reads: ASCII arrows and guides
            self.ICON_NODE, self.ICON_NODE_EXPANDED = glyphs.fold_closed, glyphs.fold_open
            self.LINES = {**self.LINES, "default": glyphs.tree_lines}

    def on_mount(self) -> None:
        self._add_section_nodes(self.root, self.pack.top_level)
        self.root.expand()

    def _label(self, section: Section) -> Text:
        """`▸ ` if current (all bold), `✓ ` if read (a chapter: with all below it),
        the title, and a chapter's `read/total` count."""
        # The mark in the label's own colour: `dim` left it below 3:1 in several themes.
        current = section.id == self._current
        label = Text(style="bold" if current else "")
        if current:
            label.append(self._current_mark)
        # A chapter is read when all of it is: a tick never flatters.
        done = is_complete(section, self._read) if section.children else section.id in self._read
        if done:
            label.append(self._read_mark)
        label.append(section.title)
        tail = 0
        if section.children:
            read, total = counts(section, self._read)
            count = f"  {read}/{total}"
            label.append(count)
            tail += len(count)
        due = self._due.get(section.id, 0) if section.parent is None else 0
        if due:
            count = f"  {due} due"
            label.append(count, style="bold")
            tail += len(count)
        if tail:
            self._count_cells[section.id] = tail
        return label

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        """The label cut to the sidebar's width with an ellipsis, the count kept."""
        text = super().render_label(node, base_style, style)
        width = self.scrollable_content_region.width
        if not width or node.data is None:
            return text
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        room = width - depth * self.guide_depth  # a top-level row has no guide
        if text.cell_len <= room:
            return text
        count = self._count_cells.get(node.data, 0)
        tail = text[len(text) - count :] if count else Text()
        head = text[: len(text) - count] if count else text
        keep = max(0, room - count - cell_len(self._ellipsis))
        head.truncate(keep)
        head.append(self._ellipsis)
        return head + tail

    def _add_section_nodes(self, node: TreeNode[str], sections: Sequence[Section]) -> None:
        for section in sections:
            child = node.add(
                self._label(section), data=section.id, allow_expand=bool(section.children)
            )
            self._section_nodes[section.id] = child

    def _ensure_children(self, node: TreeNode[str]) -> None:
        if node.data is None or node.children:
            return
        section = self.pack.get(node.data)
        if section is not None and section.children:
            self._add_section_nodes(node, section.children)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[str]) -> None:
        event.stop()
        self._ensure_children(event.node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.SectionSelected(self, event.node.data))

    def action_fold(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_unfold(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            self._ensure_children(node)
            node.expand()

    def reveal(self, section_id: str) -> None:
        """Mark a section as the one being read, unfold down to it, put the cursor on it
        and scroll it into view (without opening it again).

        `move_cursor` takes the node's line from the tree's line cache, which expanding
        a node empties and only a render or `last_line` rebuilds: before, a node just
        unfolded had line -1, so the cursor stayed where it was (on "Start here") and
        `scroll_to_node` did nothing. And the scroll waits for the layout, whose height
        grew with the unfolded nodes.
        """
        section = self.pack.get(section_id)
        if section is None:
            return
        self._set_current(section)
        node = self.node_for(section_id)
        if node is not None:
            _ = self.last_line  # rebuilds the line cache, so node.line is right
            self.move_cursor(node, animate=False)
            self.call_after_refresh(self._scroll_node_into_view, node)

    def node_for(self, section_id: str) -> TreeNode[str] | None:
        """A section's node, unfolding the chapters above it (nothing else changes)."""
        section = self.pack.get(section_id)
        if section is None:
            return None
        for ancestor in section.ancestors:
            node = self._section_nodes.get(ancestor.id)
            if node is not None:
                self._ensure_children(node)
                node.expand()
        return self._section_nodes.get(section_id)

    def _scroll_node_into_view(self, node: TreeNode[str]) -> None:
        _ = self.last_line
        if node.line >= 0:
            self.scroll_to_node(node, animate=False)

    def _set_current(self, section: Section) -> None:
        previous, self._current = self._current, section.id
        if previous == section.id:
            return
        for section_id in (previous, section.id):
            self._relabel(section_id)

    def _relabel(self, section_id: str | None) -> None:
        node = self._section_nodes.get(section_id) if section_id is not None else None
        section = self.pack.get(section_id) if section_id is not None else None
        if node is not None and section is not None:
            node.set_label(self._label(section))

    def set_due(self, due: dict[str, int]) -> None:
        """Show how many cards are due beside each top-level section that has some."""
        changed = {
            key for key in due.keys() | self._due.keys() if due.get(key) != self._due.get(key)
        }
        self._due = dict(due)
        for section_id in changed:
            self._relabel(section_id)

    def set_read(self, read: set[str]) -> None:
        """Mark read sections with a tick, and the counts of the chapters above them;
        only changed labels are redrawn."""
        changed = read ^ self._read
        self._read = set(read)
        relabel: set[str] = set()
        for section_id in changed:
            section = self.pack.get(section_id)
            if section is not None:
                relabel.add(section_id)
                relabel.update(ancestor.id for ancestor in section.ancestors)
        for section_id in relabel:
            self._relabel(section_id)
