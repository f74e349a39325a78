"""Bare URLs and e-mail addresses as links, as GitHub's autolink extension finds them.

mdit-py-plugins' `gfm_autolink` has the GFM rules (which characters may precede a link,
the domain's checks, trailing punctuation); its inline rules copy the rest of the
paragraph at every `:` and search all text seen so far, which makes a paragraph of many
colons quadratic (100 KB of `<http:` took seconds). These rules ask its matchers the
same questions on a bounded window after a cheap test of the text just before, so a
paragraph is read in linear time. A link longer than the window is cut at it; an
address whose local part holds `_` or `*` is left as text (those characters start
emphasis, which takes them out of the text these rules look back over).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.gfm_autolink._match import (
    check_prev,
    match_any_email,
    match_http,
    match_www,
)

__all__ = ["URL_WINDOW", "autolink_plugin"]

#: The longest bare link found, in characters.
URL_WINDOW = 2048
#: The schemes of bare links: the letters before a `:`, whole (`xhttp:` is none of them).
_SCHEME = re.compile(r"(?<![A-Za-z])(?:https?|ftp|mailto|xmpp)\Z", re.IGNORECASE)
_FIRST_WORD = re.compile(r"\S*+")
_EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_")


def autolink_plugin(md: MarkdownIt) -> None:
    """Find `www.` and `http(s)://` links, `mailto:`/`xmpp:` and bare e-mail addresses."""
    md.inline.add_terminator_char("w")  # `www.` must be seen from its first letter
    md.inline.ruler.push("reader_autolink_www", _www)
    md.inline.ruler.push("reader_autolink_protocol", _protocol)
    md.inline.ruler.push("reader_autolink_email", _email)


def _www(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if silent or state.linkLevel > 0 or not state.src.startswith("www.", pos):
        return False
    before = state.pending[-1:] or (state.src[pos - 1] if pos > 0 else "")
    if before and not check_prev(before):
        return False
    window = state.src[pos : min(state.posMax, pos + URL_WINDOW)]
    found = match_www(window)
    if found is None and (shorter := _before_closing_marks(window)) is not None:
        found = match_www(shorter)
    if found is None:
        return False
    url, length = found
    return _link(state, url, state.src[pos : pos + length], 0, length)


def _protocol(state: StateInline, silent: bool) -> bool:
    """`scheme:` links. As cmark-gfm reads them, the scheme is the run of letters before
    the colon, in any case, whatever comes before it (`"https://a.org"`, `see:http://…`);
    `mailto:` and `xmpp:` only after a space or `*_~(`, as the GFM spec says."""
    pos = state.pos
    if silent or state.linkLevel > 0 or state.src[pos] != ":":
        return False
    scheme = _SCHEME.search(state.pending[-8:])
    if scheme is None:
        return False
    written = scheme[0]
    protocol = written.lower()
    start = pos - len(written)
    end = min(state.posMax, pos + URL_WINDOW)
    if protocol in ("mailto", "xmpp"):
        if start > 0 and not check_prev(state.src[start - 1]):
            return False
        window = protocol + state.src[pos:end]
        found = match_any_email(window, len(protocol) + 1, protocol)
    else:  # the matcher knows `http://` and `https://`: `ftp://` is matched as `http://`
        as_http = "http" if protocol == "ftp" else protocol
        found = match_http(as_http + state.src[pos:end])
        if found is None and (shorter := _before_closing_marks(state.src[pos:end])):
            found = match_http(as_http + shorter)
        if found is not None:
            found = (found[0], found[1] - len(as_http) + len(written))
    if found is None:
        return False
    length = found[1]
    label = state.src[start : start + length]
    return _link(state, protocol + label[len(written) :], label, len(written), length)


def _before_closing_marks(window: str) -> str | None:
    """The window up to the emphasis marks that end its first word (`_www.a.org_`: the
    link is in emphasis, and the matcher would take `org_` for the domain), or None."""
    word = _FIRST_WORD.match(window)[0]  # type: ignore[index]  # always matches
    shorter = word.rstrip("_*~")
    return shorter if len(shorter) < len(word) else None


def _email(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if silent or state.linkLevel > 0 or state.src[pos] != "@" or pos + 1 >= state.posMax:
        return False
    pending = state.pending
    local = 0
    while local < len(pending) and local < URL_WINDOW and pending[-1 - local] in _EMAIL_LOCAL:
        local += 1
    if not local:
        return False
    start = pos - local
    # The local part must all be pending text: after `_` or `*` (taken as emphasis marks,
    # which end the pending text) part of it is gone, and no address beats half of one.
    if start > 0 and state.src[start - 1] in _EMAIL_LOCAL:
        return False
    window = state.src[start : min(state.posMax, pos + URL_WINDOW)]
    found = match_any_email(window, 0, None)
    if found is None:
        return False
    url, length = found
    return _link(state, url, window[:length], local, length)


def _link(state: StateInline, url: str, label: str, behind: int, length: int) -> bool:
    """Emit a link for `label`: its first `behind` characters are already in the pending
    text (a protocol, an address's local part), its other ones start at `state.pos`."""
    href = state.md.normalizeLink(url)
    if not state.md.validateLink(href):
        return False
    if behind:
        state.pending = state.pending[:-behind]
    token = state.push("link_open", "a", 1)
    token.attrs = {"href": href}
    token.markup = "autolink"
    token.info = "auto"
    token = state.push("text", "", 0)
    token.content = label  # as written (`%20` stays `%20`), as GitHub shows it
    token = state.push("link_close", "a", -1)
    token.markup = "autolink"
    token.info = "auto"
    state.pos += length - behind
    return True
