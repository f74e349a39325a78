"""The sidebar outline: the pack's sections as a tree, built lazily as it is unfolded.

A 20,000-heading file must not create 20,000 tree nodes before the first screen, so a
node's children are added the first time it is expanded.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reader.glyphs import UNICODE
from reader.glyphs import current as current_glyphs
from reader.pack import Pack, Section

__all__ = ["Outline"]

READ_MARK = UNICODE.read_mark  # ASCII.read_mark on the Linux console (see reader.glyphs)


class Outline(Tree[str]):
    """Sections of the pack; Enter opens one, ←/→ fold and unfold."""

    BINDINGS = [
        Binding("left", "fold", "Fold", show=False, id="outline.fold"),
        Binding("right", "unfold", "Unfold", show=False, id="outline.unfold"),
        Binding("h", "fold", "Fold", show=False, id="outline.fold-vi"),
        Binding("l", "unfold", "Unfold", show=False, id="outline.unfold-vi"),
        Binding("j", "cursor_down", "Down", show=False, id="outline.down"),
        Binding("k", "cursor_up", "Up", show=False, id="outline.up"),
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
        self.guide_depth = 2
        self._section_nodes: dict[str, TreeNode[str]] = {}
        self._read: set[str] = set()
        self.auto_expand = False
        glyphs = current_glyphs()
        self._read_mark = glyphs.read_mark
        if glyphs.ascii:  # instance attributes Tree reads: ASCII arrows and guides
            self.ICON_NODE, self.ICON_NODE_EXPANDED = glyphs.fold_closed, glyphs.fold_open
            self.LINES = {**self.LINES, "default": glyphs.tree_lines}

    def on_mount(self) -> None:
        self._add_children(self.root, self.pack.top_level)
        self.root.expand()

    def _label(self, section: Section) -> Text:
        # The mark in the label's own colour: `dim` left it below 3:1 in several themes.
        label = Text(self._read_mark) if section.id in self._read else Text()
        return label.append(section.title)

    def _add_children(self, node: TreeNode[str], sections: list[Section]) -> None:
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
            self._add_children(node, section.children)

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
        """Unfold down to a section and put the cursor on it (without opening it again)."""
        section = self.pack.get(section_id)
        if section is None:
            return
        for ancestor in section.ancestors:
            node = self._section_nodes.get(ancestor.id)
            if node is not None:
                self._ensure_children(node)
                node.expand()
        node = self._section_nodes.get(section_id)
        if node is not None:
            self.move_cursor(node, animate=False)

    def set_read(self, read: set[str]) -> None:
        """Mark read sections with a tick; only changed labels are redrawn."""
        changed = read ^ self._read
        self._read = set(read)
        for section_id in changed:
            node = self._section_nodes.get(section_id)
            section = self.pack.get(section_id)
            if node is not None and section is not None:
                node.set_label(self._label(section))
