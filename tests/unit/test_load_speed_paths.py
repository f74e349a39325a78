"""Every shortcut that makes loading fast must give exactly what the slow way gives.

Loading a big pack skips work where a cheap test proves it changes nothing: a translate
instead of a regex pass over a whole file, one pass over all of a file's headings instead
of a call each, a first-character test before a block pattern. Each test here checks a
shortcut against the plain code it stands for (kept here as the reference), on seeded
random input built from the characters that could make them differ.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

from heading_oracle import markdown_it_headings, random_documents, scanner_headings

from reader.markdown import github_slug, github_slugs, heading_titles, strip_inline_markup
from reader.pack import Pack, load_pack
from reader.sanitize import _is_clean, sanitize, sanitize_line
from reader.scan import _atx

MakePack = Callable[[Path, dict[str, str]], Path]

# What the shortcuts replaced, word for word.
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_WHITESPACE_RUN = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^\w\- ]", re.UNICODE)
_SUMMARY = re.compile(r"<summary[^>]*>(.*?)</summary\s*>", re.IGNORECASE | re.DOTALL)
_VERSUS = re.compile(r"\b(?:vs\.?|versus)\s", re.IGNORECASE)


def reference_atx(line: str) -> tuple[int, str] | None:
    match = _ATX.match(line)
    return (len(match[1]), (match[2] or "").strip()) if match else None


def reference_is_clean(text: str) -> bool:
    return text.isprintable() or (
        _CONTROLS.search(text) is None and _SURROGATES.search(text) is None
    )


def reference_slug(text: str) -> str:
    return _NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")


def reference_comparison(pack: Pack) -> str | None:
    for section in pack.sections:
        markdown = section.markdown
        if "<details" not in markdown:
            continue
        for summary in _SUMMARY.finditer(markdown):
            if _VERSUS.search(summary[1]) and "|" in markdown[summary.end() :]:
                return section.id
    return None


def random_text(rng: random.Random, alphabet: list[str], longest: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))


_HEADING_PIECES = ["#", "#", "##", " ", " ", "\t", "a", "Word", "1.2", "\u00a0", "é", "*", "\n"]
_HEADING_PIECES += ["\u2003", "\x0c", "\r", "\x1c", "`", "\\#", "~"]


def test_atx_shortcut_gives_what_the_full_pattern_gives():
    rng = random.Random(1)
    for _ in range(30000):
        line = random_text(rng, _HEADING_PIECES, 9)
        assert _atx(line) == reference_atx(line), repr(line)


_TEXT_PIECES = [
    *"aZ09 -_.,!?#*`[]<>&~\\|", "  ", "\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\x85",
    "\x9b", "\x9c", "\xa0", "\xa9", "\xbd", "é", "—", "†", "©", "А", "Ω", "中", "\u2028",
    "\u2029", "\ud800", "\udc9b", "\U0001f600", "\u212a", "\u0130", "\u03a3",
]  # fmt: skip


def test_clean_text_shortcut_agrees_with_the_control_patterns():
    rng = random.Random(2)
    for _ in range(30000):
        text = random_text(rng, _TEXT_PIECES, 12)
        assert _is_clean(text) == reference_is_clean(text), repr(text)
        assert sanitize_line(text) == _WHITESPACE_RUN.sub(" ", sanitize(text)).strip()


def test_clean_text_shortcut_on_big_texts():
    plain = "Plain text \u2014 with \u201cquotes\u201d, \u00bd\u0410 and \u00a9 signs.\n" * 2000
    assert _is_clean(plain)  # "\u00bd\u0410" leaves C2 and 90 side by side: a false alarm
    assert sanitize(plain) is plain
    assert _is_clean(plain.encode("ascii", "ignore").decode("ascii"))
    rng = random.Random(3)
    for bad in ["\x1b[2J", "\x85", "\u2028", "\x00", "\ud83d", "\x9d0;x\x07", "\x7f"]:
        for text in (plain, plain.encode("ascii", "ignore").decode("ascii")):
            at = rng.randrange(len(text))
            assert not _is_clean(text[:at] + bad + text[at:]), repr(bad)


def test_slug_shortcuts_give_what_the_slug_pattern_gives():
    rng = random.Random(4)
    for _ in range(3000):
        texts = [random_text(rng, _TEXT_PIECES, 8) for _ in range(rng.randint(0, 6))]
        if rng.random() < 0.5:  # mostly plain, as real headings are
            texts = [re.sub(r"[^ -~]", "", text) for text in texts]
        assert [github_slug(text) for text in texts] == [reference_slug(text) for text in texts]
        assert github_slugs(texts) == [reference_slug(text) for text in texts], texts


def test_heading_titles_shortcut_gives_what_each_call_gives():
    rng = random.Random(5)
    for _ in range(3000):
        texts = [random_text(rng, _TEXT_PIECES, 8) for _ in range(rng.randint(0, 6))]
        if rng.random() < 0.7:
            texts = [re.sub(r"[^ -~]", "", text) for text in texts]
        expected = [sanitize_line(strip_inline_markup(text)) for text in texts]
        assert heading_titles(texts) == expected, texts


_LINES = [
    "Word", "Word | pipe", "word", "É", "", "", "  ", "\t", "# H", "## H ##", "#hashtag", "#",
    "   # three", "    # four", "\t# tab", "- Word", "* Word", "+ Word", "- word two", "-  Word",
    "- 1", "- - -", "* * *", "_ _ _", "---", "===", "*Emph*", "  - Nested", "    - Four",
    "\t- Tab", " \t- Mixed", "  Lazy", "1. One", "2. Two", "1) One", "```", "~~~", "  ```",
    "  ~~~", "> Quote", "> # q", "<div>", "</div>", "<details>", "</details>", "| a | b |",
    "|---|---|", "[r]: http://x", "  text\twith tab", "- \u00a0x",
]  # fmt: skip


def test_scanner_shortcuts_agree_with_markdown_it():
    """Lines each shortcut takes (and the ones it must leave), mixed at random.

    Left out: empty list items, and items indented so far that a line under them is
    neither their content nor indented code. There the scanner and markdown-it part ways
    with or without the shortcuts.
    """
    for markdown in random_documents(_LINES, count=2500, seed=6, most_lines=12):
        assert scanner_headings(markdown) == markdown_it_headings(markdown), repr(markdown)


_BLOCKS = [
    "# Title", "## Part", "text", "", "<details>", "</details>", "<summary>A vs B</summary>",
    "<summary>A versus\nB</summary>", "<SUMMARY>x VS. y</SUMMARY>", "<summary>none</summary>",
    "| a | b |", "|---|---|", "<details><summary>C vs D</summary>", "a | b", "vs ",
    "---\ntitle: T\n---", "<details", "Title\n===",
]  # fmt: skip


def test_comparison_search_finds_what_a_search_of_every_section_finds(
    tmp_path: Path, make_pack: MakePack
):
    rng = random.Random(7)
    found = 0
    for number in range(60):
        files = {
            f"{name}.md": "\n".join(rng.choice(_BLOCKS) for _ in range(rng.randint(1, 14)))
            for name in "abc"[: rng.randint(1, 3)]
        }
        pack = load_pack(make_pack(tmp_path / str(number), files))
        assert pack.comparison_id == reference_comparison(pack), files
        found += pack.comparison_id is not None
    assert found  # the random packs did hold comparisons
