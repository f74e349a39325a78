"""Make any content-derived text safe to put on a terminal.

Textual and Rich strip only a handful of control characters; ESC, C1 controls, DEL and
NUL pass straight through to the terminal, where an OSC 52 sequence writes the
clipboard and a CSI 2J clears the screen. Every string that comes from a pack (text,
headings, code, table cells, link texts and URLs, file names, snippets, titles) goes
through :func:`sanitize` before it reaches a widget, and the pack loader applies it to
every file as it is read.
"""

from __future__ import annotations

import re

__all__ = ["sanitize", "sanitize_line"]

# String-type sequences end at BEL or ST (ESC \, or 8-bit 0x9C). One left open, or
# running over a line end, is cut at the end of its line: a stray `ESC ]` must not
# swallow the rest of a file, and removing newlines would shift every later line number.
_STRING_SEQUENCE = r"(?:\x1b[\]P_^X]|[\x90\x9d\x9e\x9f\x98])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
_CSI_SEQUENCE = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
_OTHER_ESCAPE = r"\x1b[\x20-\x2f]*[\x30-\x7e]?"
_ESCAPES = re.compile("|".join((_STRING_SEQUENCE, _CSI_SEQUENCE, _OTHER_ESCAPE)))
# Whatever is left: C0 controls except tab and newline, DEL, C1 controls, and the
# Unicode line/paragraph separators that some terminals treat as newlines.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_WHITESPACE_RUN = re.compile(r"\s+")
_SURROGATES = re.compile("[\ud800-\udfff]")


def sanitize(text: str) -> str:
    """Remove escape sequences and control characters, keeping tabs and newlines.

    A carriage return (alone, as old Mac files have it, or in a CRLF pair) becomes a
    plain newline rather than vanishing, so such files keep their line breaks, as
    CommonMark reads them.
    """
    if text.isprintable() or (_CONTROLS.search(text) is None and _SURROGATES.search(text) is None):
        return text  # nothing to remove: a 3.5 MB pack skips the slow pass below
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    # Undecodable bytes in file names arrive as lone surrogates (U+DC80..U+DCFF); printed,
    # they turn back into raw bytes such as 0x9b, an 8-bit CSI.
    return _SURROGATES.sub("\ufffd", text)


def sanitize_line(text: str) -> str:
    """Sanitize and fold all whitespace, for titles, file names and snippets."""
    return _WHITESPACE_RUN.sub(" ", sanitize(text)).strip()
