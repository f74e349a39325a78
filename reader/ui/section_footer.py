"""What the reading pane shows for a section: its Markdown plus a way on.

Like a GNU info node's menu, a section with subsections ends with links to them, and
every section ends with a link to the next one, so the keyboard alone (f, Enter) walks
the whole pack.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping

from reader.pack import Pack, Section

__all__ = [
    "INTERNAL_LINK",
    "internal_href",
    "internal_target",
    "section_footer",
    "section_markdown",
]

#: The scheme of the footer's links to other sections: random for each run, so no pack
#: can write one. A link the author wrote (`reader-section:…` included) is resolved like
#: any other and never taken for the reader's own navigation.
INTERNAL_LINK = f"reader-{os.urandom(16).hex()}:"
#: A manual's chapter can have thousands of subsections; the outline lists them all.
MAX_LISTED_CHILDREN = 40
#: At the end of the pack, the sections still unread are listed up to this many.
MAX_LISTED_UNREAD = 20
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")
#: The keys the footer names, unless config.toml's [keymap] moved them.
DEFAULT_KEYS = {"next": "]", "previous": "[", "unread": "U"}


def section_markdown(pack: Pack, section: Section, read: Collection[str] | None = None) -> str:
    """The section's own Markdown followed by its footer (see `section_footer`)."""
    return section.markdown.rstrip("\n") + "\n\n" + section_footer(pack, section, read)


def section_footer(
    pack: Pack,
    section: Section,
    read: Collection[str] | None = None,
    keys: Mapping[str, str] = DEFAULT_KEYS,
) -> str:
    """What follows a section on screen: its subsections and the next section; at the
    end of the pack, what is still unread (when `read` is given). Markdown of its own,
    parsed apart from the section's, so a big section is never copied to append it.
    `keys`: the keys it names ("next", "previous", "unread"), as the keymap has them."""
    next_key, previous_key = keys["next"], keys["previous"]
    lines = ["---", ""]
    if section.children:
        lines.append("**In this section**")
        lines.append("")
        lines.extend(f"- {_link(child)}" for child in section.children[:MAX_LISTED_CHILDREN])
        hidden = len(section.children) - MAX_LISTED_CHILDREN
        if hidden > 0:
            lines.append(f"- … and {hidden} more: `{next_key}` goes on, the outline lists them all")
        lines.append("")
    following = pack.following(section)  # not `pack.sections`: that cuts every file
    if following is not None:
        lines.append(f"Next: {_link(following)}  ·  `{next_key}` next, `{previous_key}` previous")
    else:
        lines.append(f"*End of the pack.*  `{previous_key}` goes back one section.")
        if read is not None:
            lines.extend(["", *_unread_list(pack, section, read, keys["unread"])])
    return "\n".join(lines) + "\n"


def _unread_list(
    pack: Pack, last: Section, read: Collection[str], unread_key: str = "U"
) -> list[str]:
    from reader.progress import unread

    left = [s for s in unread(pack, read) if s is not last]  # this one is being read
    if not left:
        return ["Everything is read."]
    lines = [f"**Not read yet** ({len(left)}, `{unread_key}` opens the next one)", ""]
    lines.extend(f"- {_link(s)}" for s in left[:MAX_LISTED_UNREAD])
    hidden = len(left) - MAX_LISTED_UNREAD
    if hidden > 0:
        lines.append(f"- … and {hidden} more: the outline shows what each chapter has left")
    return lines


def internal_href(section_id: str) -> str:
    """The footer's href for a section: its id in hex, which no URL encoding changes."""
    return INTERNAL_LINK + section_id.encode("utf-8").hex()


def internal_target(href: str) -> str | None:
    """The section an href of the footer points at; None for any other href."""
    if not href.startswith(INTERNAL_LINK):
        return None
    try:
        return bytes.fromhex(href.removeprefix(INTERNAL_LINK)).decode("utf-8")
    except ValueError:  # UnicodeDecodeError included
        return None


def _link(section: Section) -> str:
    title = _MARKDOWN_SPECIAL.sub(r"\\\1", section.title)
    return f"[{title}](<{internal_href(section.id)}>)"
