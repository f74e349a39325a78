"""The glossary on the command line (issue 18): `reader --define TERM`, `reader --glossary`
and what `reader check` says about a pack's glossary files.

Most cases call `reader.cli.main` with pytest's capture (stdout is then not a terminal,
as in a pipe); the few that must see the real thing, a pipe and a child process's
exit, run `python -m reader` (tests/conftest.py's `run_reader`). No case may end in a
traceback or print an escape sequence.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.cli import main
from reader.pack import load_pack

MakePack = Callable[[Path, dict[str, str | bytes]], Path]
RunReader = Callable[..., subprocess.CompletedProcess[str]]

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTENT = REPO_ROOT / "content"
ESCAPE = re.compile(r"[\x1b\x9b\x9d]")
INTERNAL_ERROR = 70


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """`reader ARGS` in this process: exit code, stdout, stderr; never a traceback and
    never an escape sequence."""
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    assert code != INTERNAL_ERROR, err
    assert "Traceback" not in out + err, err
    assert not ESCAPE.search(out + err), repr((out + err)[:300])
    return code, out, err


def default_entries() -> list[tuple[str, str]]:
    """(term, first words of its definition) of the default pack's glossary."""
    glossary = load_pack(CONTENT).glossary
    return [(entry.term, entry.definition) for entry in glossary.entries]


def plain_words(markdown: str) -> str:
    """The first words of a definition as print shows them (no markup)."""
    first = markdown.split("\n", 1)[0]
    first = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", first)
    return re.sub(r"[*_`]", "", first)[:40]


GLOSSARY = """\
# Glossary

Alpha (A1)
: First paragraph with **bold** and [a link](a.md#a).

    Second paragraph, long enough that a terminal would wrap it: it goes on and on \
past eighty columns and past a hundred and twenty, and piped it stays one line.

    - item one
    - item two
: Aliases: alef

Beta
: A definition with `code`.
"""


@pytest.fixture
def small_pack(make_pack: MakePack, tmp_path: Path) -> Path:
    return make_pack(
        tmp_path / "pack",
        {"a.md": "# A\n\nAlpha and Beta are used here.\n", "glossary.md": GLOSSARY},
    )


# --- --define ------------------------------------------------------------------------


@pytest.mark.parametrize("asked", ["IgE", "ige", "IGE", "immunoglobulin e", " Immunoglobulin  E "])
def test_define_prints_the_term_then_its_definition_indented_by_four(
    asked: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--define", asked)
    assert (code, err) == (0, "")
    lines = out.rstrip("\n").split("\n")
    assert lines[0] == "Immunoglobulin E (IgE)"
    assert len(lines) >= 2
    for line in lines[1:]:
        assert line == "" or (line.startswith("    ") and not line.startswith("     ")), line
    definition = dict(default_entries())["Immunoglobulin E (IgE)"]
    assert lines[1].startswith("    " + plain_words(definition))


def test_define_finds_a_name_from_an_aliases_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--define", "ATOPIC")
    assert code == 0
    lines = out.split("\n")
    assert lines[0] == "Atopy"
    assert "    also: atopic" in lines


def test_define_prints_markdown_plainly_and_a_paragraph_a_line_when_piped(
    small_pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--define", "alef", small_pack)
    assert (code, err) == (0, "")
    second = (
        "Second paragraph, long enough that a terminal would wrap it: it goes on and on past "
        "eighty columns and past a hundred and twenty, and piped it stays one line."
    )
    assert [line for line in out.split("\n") if line] == [
        "Alpha (A1)",
        "    also: alef",
        "    First paragraph with bold and a link (a.md#a).",
        "    " + second,
        "    • item one",
        "    • item two",
    ]
    assert "**" not in out and "Aliases" not in out


def test_define_an_unknown_term_offers_up_to_three_close_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    known = {fold_name for names in load_pack(CONTENT).glossary.names for fold_name in names}
    for asked in ("Interleukin-5", "IgX", "keratinn", "corticosteriod"):
        code, out, err = run(capsys, "--define", asked)
        assert (code, out) == (1, ""), asked
        match = re.search(r"did you mean: (.*)\?$", err.strip())
        assert match is not None, err
        offered = match[1].split(", ")
        assert 1 <= len(offered) <= 3, offered
        assert set(offered) <= known, offered
        assert f"'{asked}'" in err


def test_define_a_term_nothing_resembles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--define", "zzqxv")
    assert (code, out) == (1, "")
    assert "no term 'zzqxv'" in err and "reader --glossary" in err
    assert "did you mean" not in err


def test_define_unknown_in_a_child_process(run_reader: RunReader) -> None:
    result = run_reader("--define", "no such term at all")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "no term 'no such term at all'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("option", [["--define", "Alpha"], ["--glossary"]])
def test_a_pack_without_a_glossary_says_so(
    option: list[str], make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(tmp_path, {"a.md": "# A\n\nAlpha\n: not a glossary file.\n"})
    code, out, err = run(capsys, *option, root)
    assert (code, out) == (1, "")
    assert "no glossary" in err


@pytest.mark.parametrize(
    "asked",
    [
        "",
        "   ",
        "\x1b[2J\x1b[31mred",
        "\x1b]52;c;ZXZpbA==\x07",
        "\x9b6n",
        "a" * 20_000,
        "(",
        "[",
        "*",
        ".*",
        "\\",
        "e\u0301",
        "\u202eevil",
        "ige\n",
        "IgE (",
    ],
    ids=lambda value: repr(value)[:16],
)
def test_define_never_fails_badly_on_strange_input(
    asked: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--define", asked)
    assert code in (0, 1, 2)
    if code == 1:
        assert out == "" and "no term" in err
    if code == 2:  # nothing asked at all: a usage error
        assert not asked.strip() and out == "" and "needs a term" in err


@pytest.mark.parametrize("option", [["--define", "IgE"], ["--glossary"]])
def test_a_missing_pack_is_one_line(option: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *option, REPO_ROOT / "no-such-pack")
    assert (code, out) == (1, "")
    assert len(err.strip().split("\n")) == 1


def test_a_hostile_glossary_prints_and_checks_cleanly(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = (
        f"Deep\n: {'>' * 1000} x\n\nBrackets\n: {'[' * 5000}\n\nStars\n: {'*a' * 2000}\n\n"
        f"{'(' * 500}\n: parentheses\n\n{'x ' * 5000}\n: a long term\n\n"
        f"Nested\n: {'- ' * 200}x\n"
    )
    root = make_pack(tmp_path, {"glossary.md": hostile})
    code, out, _ = run(capsys, "--glossary", root)
    assert code == 0
    assert [line for line in out.split("\n") if line and not line.startswith(" ")] == [
        "Deep",
        "Brackets",
        "Stars",
        "Nested",
    ]
    code, out, _ = run(capsys, "--define", "stars", root)
    assert code == 0 and out.startswith("Stars\n")
    code, out, _ = run(capsys, "check", root)
    assert code == 1
    lines = out.split("\n")
    assert "glossary.md:10: a glossary term longer than 120 characters" in lines
    assert "glossary.md:13: a glossary term longer than 120 characters" in lines
    assert all(len(line) < 200 for line in lines), "a problem quotes a long term shortened"


def test_define_and_glossary_do_not_go_together(run_reader: RunReader) -> None:
    result = run_reader("--define", "IgE", "--glossary")
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


# --- --glossary ----------------------------------------------------------------------


def test_glossary_piped_prints_every_term_unindented_and_definitions_by_four(
    run_reader: RunReader,
) -> None:
    result = run_reader("--glossary")
    assert result.returncode == 0
    assert result.stderr == ""
    assert not ESCAPE.search(result.stdout)
    lines = result.stdout.rstrip("\n").split("\n")
    entries = default_entries()
    assert [line for line in lines if line and not line.startswith(" ")] == [
        term for term, _ in entries
    ]
    for line in lines:
        assert line == "" or not line.startswith(" ") or line.startswith("    "), line
        assert not line.startswith("     "), line  # paragraphs are not wrapped
    # Each term's first definition line follows it (after an "also:" line of aliases).
    for term, definition in entries:
        at = lines.index(term)
        following = [line for line in lines[at + 1 : at + 3] if not line.startswith("    also:")]
        assert following[0].startswith("    " + plain_words(definition)[:20]), term


def test_glossary_of_a_small_pack_in_file_order(
    small_pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--glossary", small_pack)
    assert (code, err) == (0, "")
    lines = [line for line in out.split("\n") if line]
    assert [line for line in lines if not line.startswith(" ")] == ["Alpha (A1)", "Beta"]
    assert lines[-1] == "    A definition with code."


def test_glossary_never_passes_escape_sequences(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(
        tmp_path,
        {
            "glossary.md": "Red \x1b[31mterm\n: Evil \x1b]52;c;ZXZpbA==\x07 and \x9b6n text.\n"
            ": Aliases: \x1b[2Jwipe\n"
        },
    )
    code, out, _ = run(capsys, "--glossary", root)
    assert code == 0
    assert "Red" in out and "Evil" in out


# --- reader check --------------------------------------------------------------------

BROKEN_GLOSSARY = """\
# Glossary

IgE
: An antibody.

Keratin
: A protein.

Empty
:

Unused
: Never used in the pack.

IgE
: Defined again.
"""


def test_check_reports_each_glossary_problem_with_path_and_line(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(
        tmp_path,
        {
            "01-a.md": "# A\n\nIgE and Keratin. `Unused` is only code here.\n",
            "glossary.md": BROKEN_GLOSSARY,
            "sub/glossary.md": "# More\n\nNo definition list here.\n",
            "sub/words.md": "---\nglossary: true\n---\n\n# Words\n\nkeratin\n: Again.\n",
        },
    )
    code, out, err = run(capsys, "check", root)
    assert code == 1
    lines = out.strip().split("\n")
    expected = [
        "glossary.md:9: glossary term 'Empty' has an empty definition",
        "glossary.md:12: glossary term 'Unused' is defined but no section uses it",
        "glossary.md:15: glossary term 'IgE' is defined twice (first at glossary.md:3)",
        "sub/words.md:7: glossary term 'keratin' is defined twice (first at glossary.md:6)",
    ]
    for line in expected:
        assert line in lines, out
    assert any(
        line.startswith("sub/glossary.md") and "no definition list" in line for line in lines
    ), out
    assert len(lines) == len(expected) + 1, out
    assert "4 problems" in err and "glossary term" in err


def test_an_unused_term_is_a_note_that_does_not_fail_the_check(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(
        tmp_path,
        {
            "01-a.md": "# A\n\nKeratin is used; `Unused` only in code.\n\n```\nUnused\n```\n",
            "glossary.md": "# Glossary\n\nKeratin\n: A protein.\n\nUnused\n: Named only in "
            "the glossary: Keratin's entry does not count as a use of Unused.\n\nOther\n"
            ": Used only inside the glossary, by Unused's definition? No: by this one, Other.\n",
        },
    )
    code, out, err = run(capsys, "check", root)
    assert (code, err) == (0, "")
    assert "glossary.md:6: glossary term 'Unused' is defined but no section uses it" in out
    assert "glossary.md:9: glossary term 'Other' is defined but no section uses it" in out
    assert "'Keratin'" not in out
    # Each glossary entry is also a derived card.
    assert out.strip().split("\n")[-1].endswith("3 glossary terms, 3 cards: 0 problems")


def test_the_default_pack_passes_check(capsys: pytest.CaptureFixture[str]) -> None:
    terms = len(load_pack(CONTENT).glossary)
    assert terms >= 35
    code, out, err = run(capsys, "check")
    assert (code, err) == (0, "")
    cards = len(load_pack(CONTENT).cards())
    summary = out.strip().split("\n")[-1]
    assert summary.endswith(f", {terms} glossary terms, {cards} cards: 0 problems")
    assert "defined twice" not in out and "empty definition" not in out
