"""Make any content-derived text safe to put on a terminal.

Textual and Rich strip only a handful of control characters; ESC, C1 controls, DEL and
NUL pass straight through to the terminal, where an OSC 52 sequence writes the
clipboard and a CSI 2J clears the screen. Every string that comes from a pack (text,
headings, code, table cells, link texts and URLs, file names, snippets, titles) goes
through :func:`sanitize` before it reaches a widget, and the pack loader applies it to
every file as it is read.
"""

from __future__ import annotations

from reader.lazy_pattern import LazyPattern

__all__ = ["sanitize", "sanitize_line"]

# String-type sequences end at BEL or ST (ESC \, or 8-bit 0x9C). One left open, or
# running over a line end, is cut at the end of its line: a stray `ESC ]` must not
# swallow the rest of a file, and removing newlines would shift every later line number.
_STRING_SEQUENCE = r"(?:\x1b[\]P_^X]|[\x90\x9d\x9e\x9f\x98])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
_CSI_SEQUENCE = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
_OTHER_ESCAPE = r"\x1b[\x20-\x2f]*[\x30-\x7e]?"
_ESCAPES = LazyPattern("|".join((_STRING_SEQUENCE, _CSI_SEQUENCE, _OTHER_ESCAPE)))
# Whatever is left: C0 controls except tab and newline, DEL, C1 controls, and the
# Unicode line/paragraph separators that some terminals treat as newlines.
_CONTROLS = LazyPattern("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_WHITESPACE_RUN = LazyPattern(r"\s+")
_SURROGATES = LazyPattern("[\ud800-\udfff]")
# Everything `sanitize` would change, in one pattern: one pass over a clean text, not two.
_UNSAFE = LazyPattern("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# ASCII text can hold only C0 controls and DEL of all that: bytes.translate deletes every
# other ASCII byte, and whatever is left is something `sanitize` removes.
_ASCII_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
_ASCII_SAFE = bytes(byte for byte in range(0x80) if byte not in _ASCII_CONTROLS)
# In UTF-8, a C1 control is C2 80..9F and U+2028/U+2029 are E2 80 A8/A9; deleting every
# byte that cannot be part of those (or a C0 control, or DEL) leaves a small residue that
# holds each of them intact, and bytes of other characters that may look like one.
_UTF8_SAFE = bytes(
    byte
    for byte in range(0x100)
    if byte not in _ASCII_CONTROLS
    and byte not in (0xC2, 0xE2, 0xA8, 0xA9)
    and not 0x80 <= byte <= 0x9F
)
_UTF8_UNSAFE = LazyPattern(b"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")


def sanitize(text: str) -> str:
    """Remove escape sequences and control characters, keeping tabs and newlines.

    A carriage return (alone, as old Mac files have it, or in a CRLF pair) becomes a
    plain newline rather than vanishing, so such files keep their line breaks, as
    CommonMark reads them.
    """
    if text.isprintable() or _is_clean(text):
        return text  # nothing to remove: a 3.5 MB pack skips the slow pass below
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    # Undecodable bytes in file names arrive as lone surrogates (U+DC80..U+DCFF); printed,
    # they turn back into raw bytes such as 0x9b, an 8-bit CSI.
    return _SURROGATES.sub("\ufffd", text)


def _is_clean(text: str) -> bool:
    """Whether `text` holds nothing `sanitize` removes, without a regex pass over all of it.

    Same answer as `_UNSAFE.search(text) is None`, which is 10 times slower on a big file:
    bytes.translate runs through memory at C speed. A residue that merely looks unsafe
    (bytes of different characters side by side) goes to the exact pattern.
    """
    if text.isascii():
        return not text.encode("ascii").translate(None, _ASCII_SAFE)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: let the exact pattern decide
        return _UNSAFE.search(text) is None
    residue = data.translate(None, _UTF8_SAFE)
    return _UTF8_UNSAFE.search(residue) is None or _UNSAFE.search(text) is None


def sanitize_line(text: str) -> str:
    """Sanitize and fold all whitespace, for titles, file names and snippets."""
    if text.isprintable() and "  " not in text:
        # Printable text is its own sanitized form, and its only whitespace is the plain
        # space (other spaces, tabs and line ends are not printable), so with no double
        # space there is no run to fold: all that is left to do is strip.
        return text.strip()
    return _WHITESPACE_RUN.sub(" ", sanitize(text)).strip()
