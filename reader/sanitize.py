"""Make any content-derived text safe to put on a terminal.

Textual and Rich strip only a handful of control characters; ESC, C1 controls, DEL and
NUL pass straight through to the terminal, where an OSC 52 sequence writes the
clipboard and a CSI 2J clears the screen. Every string that comes from a pack (text,
headings, code, table cells, link texts and URLs, file names, snippets, titles) goes
through :func:`sanitize` before it reaches a widget, and the pack loader applies it to
every file as it is read. The reading pane applies it again to the text markdown-it
decoded: a character reference such as `&#x202E;` becomes its character only then.

Invisible characters, a policy rather than a list of bytes:

- Bidi controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, the
  marks U+200E, U+200F and U+061C) would make a terminal that reorders text show it in
  another order than it is stored ("Trojan Source"). Each is shown instead, as a visible
  placeholder such as `⟨U+202E⟩` (less shows `<U+202E>`): a reader sees that the text
  holds one, and where.
- Zero-width characters (U+200B space, U+2060 word joiner, U+2061-U+2064 invisible
  operators, U+FEFF byte order mark) are removed: they hide inside words (a search for
  "eczema" would miss "ec<U+200B>zema") and terminals disagree about their width.
- The joiners U+200C (ZWNJ) and U+200D (ZWJ) stay between two non-ASCII characters,
  where emoji sequences (woman, ZWJ, staff of Aesculapius: a health worker) and Persian
  or Indic spelling need them; next to ASCII, next to another joiner or at either end
  of a text they join nothing and can only hide, so there they are removed.
- U+2028 and U+2029 (line and paragraph separators) are removed, with the controls.
"""

from __future__ import annotations

import re

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
_ZERO_WIDTH = "\u200b\u2060-\u2064\ufeff"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROLS = LazyPattern("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029" + _ZERO_WIDTH + "]")
_BIDI_CONTROLS = LazyPattern(f"[{_BIDI}]")
# A joiner with ASCII, nothing or another joiner on either side joins nothing: it can
# only hide (of "a", three ZWNJ, "b", the middle one would be left between two letters).
_STRAY_JOINERS = LazyPattern(
    "(?<![^\x00-\x7f\u200c\u200d])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f\u200c\u200d])"
)
_WHITESPACE_RUN = LazyPattern(r"\s+")
_SURROGATES = LazyPattern("[\ud800-\udfff]")
# Everything `sanitize` would change, in one pattern: one pass over a clean text, not two.
_UNSAFE = LazyPattern(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u200c\u200d" + _ZERO_WIDTH + _BIDI + "]"
)
# ASCII text can hold only C0 controls and DEL of all that: bytes.translate deletes every
# other ASCII byte, and whatever is left is something `sanitize` removes.
_ASCII_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
_ASCII_SAFE = bytes(byte for byte in range(0x80) if byte not in _ASCII_CONTROLS)
# In UTF-8, a C1 control is C2 80..9F, U+061C is D8 9C, U+200B..U+200F and U+2028..U+202E
# are E2 80 8B..AE, U+2060..U+2069 are E2 81 A0..A9 and U+FEFF is EF BB BF; deleting every
# byte that cannot be part of those (or a C0 control, or DEL) leaves a small residue that
# holds each of them intact, and bytes of other characters that may look like one.
_UTF8_SAFE = bytes(
    byte
    for byte in range(0x100)
    if byte not in _ASCII_CONTROLS
    and byte not in (0xC2, 0xD8, 0xE2, 0xEF, 0xBB, 0xBF)
    and not 0x80 <= byte <= 0xAE
)
_UTF8_UNSAFE = LazyPattern(
    b"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8b-\x8f\xa8-\xae]"
    b"|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xef\xbb\xbf"
)


def sanitize(text: str) -> str:
    """Remove escape sequences and control characters, keeping tabs and newlines; show
    bidi controls as `⟨U+202E⟩` and remove zero-width characters (see the module).

    A carriage return (alone, as old Mac files have it, or in a CRLF pair) becomes a
    plain newline rather than vanishing, so such files keep their line breaks, as
    CommonMark reads them.
    """
    if text.isprintable() or _is_clean(text):
        return text  # nothing to remove: a 3.5 MB pack skips the slow pass below
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    text = _STRAY_JOINERS.sub("", text)
    text = _BIDI_CONTROLS.sub(_placeholder, text)
    # Undecodable bytes in file names arrive as lone surrogates (U+DC80..U+DCFF); printed,
    # they turn back into raw bytes such as 0x9b, an 8-bit CSI.
    return _SURROGATES.sub("\ufffd", text)


def _placeholder(match: re.Match[str]) -> str:
    return f"⟨U+{ord(match[0]):04X}⟩"


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
