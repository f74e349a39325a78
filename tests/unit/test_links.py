"""Links resolve to sections inside the pack, and never to anything outside its root.

Textual's own MarkdownViewer follows `../../etc/passwd`; our reader must not. Every
hostile or odd link here must come back as something other than a section, and
`reader check` must name the file and line of each one.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.check import check_pack
from reader.markdown import iter_links, parse
from reader.pack import Pack, load_pack

MakePack = Callable[[Path, dict[str, str | bytes]], Path]
RunReader = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def linked_pack(tmp_path: Path, make_pack: MakePack) -> Pack:
    outside = make_pack(tmp_path / "outside", {"secret.md": "# Secret\n", "notes/n.md": "# N\n"})
    root = make_pack(
        tmp_path / "pack",
        {
            "a.md": "# Alpha\n\ntext\n\n## More alpha\n\n## More alpha\n",
            "b.md": "# Bee\n\n## Second part\n",
            "guide/README.md": "# Guide home\n\n## Install\n",
            "guide/setup.md": "# Setup\n",
            "plain/index.md": "# Plain index\n",
        },
    )
    (root / "escape.md").symlink_to(outside / "secret.md")
    (root / "guide" / "outdir").symlink_to(outside / "notes")
    (root / "alias.md").symlink_to(root / "b.md")
    return load_pack(root)


def resolve(pack: Pack, href: str, source: str = "a.md") -> tuple[str, str | None]:
    section = next(s for s in pack.sections if s.path == source)
    target = pack.resolve(section, href)
    assert target.followable == (target.kind == "section")
    return target.kind, target.section_id


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("b.md", "bee"),
        ("b.md#second-part", "second-part"),
        ("./b.md#Second-Part", "second-part"),
        ("b.md?plain=1#second-part", "second-part"),
        ("b%2Emd", "bee"),
        ("#more-alpha", "more-alpha"),
        ("#more-alpha-1", "more-alpha-1"),
        ("#alpha", "alpha"),
        ("a.md", "alpha"),
        ("guide", "guide-home"),
        ("guide/", "guide-home"),
        ("guide/#install", "install"),
        ("guide/README.md#install", "install"),
        ("guide/../b.md", "bee"),
        ("plain", "plain-index"),
        ("alias.md#second-part", "second-part"),
        # Root-relative and extension-less, as documentation sites (npm's) write them.
        ("/b.md#second-part", "second-part"),
        ("/guide/setup", "setup"),
        ("/guide/", "guide-home"),
        ("/guide#install", "install"),
        ("b", "bee"),
        ("guide/setup.html", "setup"),
        ("guide/index.html#install", "install"),  # mdBook builds a README as index.html
        ("%2Fb.md", "bee"),
    ],
)
def test_links_inside_the_pack_lead_to_sections(linked_pack: Pack, href: str, expected: str):
    assert resolve(linked_pack, href) == ("section", expected)


def test_relative_links_from_a_subfolder(linked_pack: Pack):
    assert resolve(linked_pack, "../b.md#second-part", "guide/setup.md") == (
        "section",
        "second-part",
    )
    assert resolve(linked_pack, "README.md", "guide/setup.md") == ("section", "guide-home")
    assert resolve(linked_pack, "#setup", "guide/setup.md") == ("section", "setup")


@pytest.mark.parametrize(
    "href",
    [
        "../outside/secret.md",
        "../../../../../../etc/passwd",
        "/etc/passwd",
        "%2e%2e/%2e%2e/etc/passwd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "%2Fetc%2Fpasswd",
        "escape.md",
        "guide/outdir/n.md",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>x</script>",
        "vbscript:x",
        "C:/Windows/win.ini",
        "-oProxyCommand=sh",
        "--help",
        "",
        "   ",
        "guide/nothing-here.md",
        "b.md#no-such-heading",
        "#no-such-heading",
        "a.md%00.png",
        "guide/outdir",
        "escape",  # escape.md, a symlink out of the pack, tried for a link without .md
        "/escape.html",
        "/guide/outdir/n",
    ],
)
def test_hostile_or_broken_links_never_lead_to_a_section(linked_pack: Pack, href: str):
    kind, _ = resolve(linked_pack, href)
    assert kind in ("outside", "missing")


@pytest.mark.parametrize(
    "href",
    ["../outside/secret.md", "%2e%2e/%2e%2e/etc/passwd", "escape.md", "/../outside/secret.md",
     "/../../etc/passwd", "/guide/outdir/n.md", "file:///etc/passwd", "javascript:alert(1)"],
)  # fmt: skip
def test_links_out_of_the_root_are_outside(linked_pack: Pack, href: str):
    assert resolve(linked_pack, href)[0] == "outside"


def test_a_root_relative_link_is_read_from_the_pack_root_never_the_host(linked_pack: Pack):
    """`/etc/passwd` means the pack's own etc/passwd, which this pack does not have."""
    target = linked_pack.resolve(linked_pack.sections[0], "/etc/passwd")
    assert target.kind == "missing" and target.reason == "no pack file /etc/passwd"
    assert resolve(linked_pack, "/guide/setup.md", "guide/setup.md") == ("section", "setup")


@pytest.mark.parametrize(
    "href", ["https://example.org/x", "http://example.org", "mailto:someone@example.org",
             "HTTPS://EXAMPLE.ORG"],
)  # fmt: skip
def test_web_links_are_external(linked_pack: Pack, href: str):
    assert resolve(linked_pack, href) == ("external", None)


def test_a_single_file_pack_does_not_reach_its_siblings(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"one.md": "# One\n\n## Part\n", "other.md": "# Other\n"})
    pack = load_pack(root / "one.md")
    assert resolve(pack, "#part", "one.md") == ("section", "part")
    assert resolve(pack, "other.md", "one.md")[0] == "missing"


def test_check_names_file_and_line_of_each_bad_link(tmp_path: Path, make_pack: MakePack):
    root = make_pack(
        tmp_path,
        {
            "a.md": "# A\n\nFine [b](b.md) link.\nBroken [x](nope.md) on line four,\n"
            "and [up](../../etc/passwd) on line five.\n\n## Sub\n\n"
            "| col | link |\n|---|---|\n| 1 | [anchor](b.md#nope) |\n",
            "b.md": "# B\n\n[ok](#b) [same](a.md#sub) [web](https://example.org)\n",
        },
    )
    problems = [str(p) for p in check_pack(load_pack(root))]
    assert problems == [
        "a.md:4: link 'nope.md' is broken (no pack file nope.md)",
        "a.md:5: link '../../etc/passwd' leaves the pack (points outside the pack)",
        "a.md:11: link 'b.md#nope' is broken (no heading '#nope' in b.md)",
    ]


def test_reader_check_exits_1_and_lists_problems(
    tmp_path: Path, make_pack: MakePack, run_reader: RunReader
):
    root = make_pack(
        tmp_path,
        {"a.md": "# A\n\n[gone](gone.md)\n\nmore\n[out](/etc/passwd)\n", "b.md": "# B\n"},
    )
    result = run_reader("check", root)
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert "a.md:3: link 'gone.md' is broken (no pack file gone.md)" in lines
    assert "a.md:6: link '/etc/passwd' is broken (no pack file /etc/passwd)" in lines
    assert "2 problems" in result.stderr


def test_reader_check_passes_on_the_default_pack(run_reader: RunReader):
    result = run_reader("check", "content")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 problems" in result.stdout
    assert result.stderr == ""


def test_link_lines_and_texts_inside_one_paragraph():
    markdown = "one [a](a.md)\ntwo <span\nclass=x> [b](b.md)\nthree [multi\nline](c.md)\n"
    links = [(link.href, link.text, link.line) for link in iter_links(parse(markdown))]
    assert links == [("a.md", "a", 0), ("b.md", "b", 2), ("c.md", "multi line", 3)]
