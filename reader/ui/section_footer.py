"""What the reading pane shows for a section: its Markdown plus a way on.

Like a GNU info node's menu, a section with subsections ends with links to them, and
every section ends with a link to the next one, so the keyboard alone (f, Enter) walks
the whole pack.
"""

from __future__ import annotations

import re

from reader.pack import Pack, Section

__all__ = ["INTERNAL_LINK", "section_markdown"]

INTERNAL_LINK = "reader-section:"
#: A manual's chapter can have thousands of subsections; the outline lists them all.
MAX_LISTED_CHILDREN = 40
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def section_markdown(pack: Pack, section: Section) -> str:
    """The section's own Markdown followed by its subsections and the next section."""
    lines = [section.markdown.rstrip("\n"), "", "---", ""]
    if section.children:
        lines.append("**In this section**")
        lines.append("")
        lines.extend(f"- {_link(child)}" for child in section.children[:MAX_LISTED_CHILDREN])
        hidden = len(section.children) - MAX_LISTED_CHILDREN
        if hidden > 0:
            lines.append(f"- … and {hidden} more: `]` goes on, the outline lists them all")
        lines.append("")
    following = pack.following(section)  # not `pack.sections`: that cuts every file
    if following is not None:
        lines.append(f"Next: {_link(following)}  ·  `]` next, `[` previous")
    else:
        lines.append("*End of the pack.*  `[` goes back one section.")
    return "\n".join(lines) + "\n"


def _link(section: Section) -> str:
    title = _MARKDOWN_SPECIAL.sub(r"\\\1", section.title)
    return f"[{title}](<{INTERNAL_LINK}{section.id}>)"
