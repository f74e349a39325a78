"""Bare links as GitHub finds them (reader.autolink), and the contract with the matchers it
borrows from mdit-py-plugins' `gfm_autolink._match` (not public API: pinned below 0.8)."""

from __future__ import annotations

import pytest

from reader.autolink import URL_WINDOW
from reader.markdown import iter_links, parse


def hrefs(markdown: str) -> list[str]:
    return [link.href for link in iter_links(parse(markdown))]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        # The GFM spec's autolink extension examples (621-635 in its numbering).
        ("www.commonmark.org", ["http://www.commonmark.org"]),
        ("Visit www.commonmark.org/help for more.", ["http://www.commonmark.org/help"]),
        ("Visit www.commonmark.org.", ["http://www.commonmark.org"]),
        ("Visit www.commonmark.org/a.b.", ["http://www.commonmark.org/a.b"]),
        ("www.g.com/search?q=Markup+(business)", ["http://www.g.com/search?q=Markup+(business)"]),
        ("(www.g.com/search?q=Markup+(business))", ["http://www.g.com/search?q=Markup+(business)"]),
        ("www.g.com/search?q=(business))+ok", ["http://www.g.com/search?q=(business))+ok"]),
        ("www.g.com/search?q=commonmark&hl=en", ["http://www.g.com/search?q=commonmark&hl=en"]),
        ("www.g.com/search?q=commonmark&hl;", ["http://www.g.com/search?q=commonmark"]),
        ("www.commonmark.org/he<lp", ["http://www.commonmark.org/he"]),
        ("http://commonmark.org", ["http://commonmark.org"]),
        ("(Visit https://e.g.com/search?q=Markup+(x))", ["https://e.g.com/search?q=Markup+(x)"]),
        ("foo@bar.baz", ["mailto:foo@bar.baz"]),
        ("hello@mail+xyz.example no, hello+xyz@mail.example", ["mailto:hello+xyz@mail.example"]),
        ("a.b-c.d@a.b", ["mailto:a.b-c.d@a.b"]),
        ("a.b-c.d@a.b.", ["mailto:a.b-c.d@a.b"]),
        ("a.b-c.d@a.b-", []),
        ("a.b-c.d@a.b_", []),
        # GitHub links `a.b-c_d@a.b` whole; here an `_` in the local part leaves it text
        # (see reader.autolink), never a link to half of the address.
        ("a.b-c_d@a.b", []),
        ("mailto:foo@bar.baz", ["mailto:foo@bar.baz"]),
        ("xmpp:foo@bar.baz/txt", ["xmpp:foo@bar.baz/txt"]),
        # As cmark-gfm reads them: a scheme is the whole run of letters before its colon, in
        # any case and after anything; `www.` only after a space, a line start or `*_~(`.
        ('"http://a.org" a/http://b.org', ["http://a.org", "http://b.org"]),
        ("HTTPS://a.org/x and ftp://a.org/f", ["https://a.org/x", "ftp://a.org/f"]),
        ('x"www.a.org" xwww.example.com ahttp://example.com', []),
        ('"foo@bar.com"', ["mailto:foo@bar.com"]),
        # In emphasis, as cmark-gfm finds them (the marks are not part of the domain).
        ("_www.a.org_ and _http://b.org_", ["http://www.a.org", "http://b.org"]),
        ("www.a_b.org", []),
        ("`www.example.com` [www.a.org](/b)", ["/b"]),
    ],
)  # fmt: skip
def test_bare_links_are_found_as_github_finds_them(markdown: str, expected: list[str]) -> None:
    assert hrefs(markdown) == expected


def test_the_link_text_is_the_url_as_written() -> None:
    (link,) = iter_links(parse("see www.example.com/x, then"))
    assert link.text == "www.example.com/x"
    (link,) = iter_links(parse("HTTP://a.org/%20b"))
    assert (link.href, link.text) == ("http://a.org/%20b", "HTTP://a.org/%20b")


def test_a_link_longer_than_the_window_is_cut_at_it_not_read_to_its_end() -> None:
    url = "https://example.com/" + "a" * (2 * URL_WINDOW)
    (href,) = hrefs(f"see {url} end")
    assert len(href) == len("https") + URL_WINDOW  # the window starts at the colon


def test_the_borrowed_matchers_still_answer_as_this_module_expects() -> None:
    """mdit-py-plugins' private helpers: their names and answers, as reader.autolink uses
    them. A failure here means a new plugin version moved them: pin it, or port them."""
    from mdit_py_plugins.gfm_autolink._match import (
        check_prev,
        match_any_email,
        match_http,
        match_www,
    )

    assert match_http("https://a.org/x). tail") == ("https://a.org/x", 15)
    assert match_www("www.a.org/b, c") == ("http://www.a.org/b", 11)
    assert match_any_email("a@b.org!", 0, None) == ("mailto:a@b.org", 7)
    assert match_any_email("mailto:a@b.org", 7, "mailto") == ("mailto:a@b.org", 14)
    assert check_prev(" ") and check_prev("(") and not check_prev("x")
