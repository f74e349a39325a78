"""The fidelity harness itself: what counts as visible, what counts as a word, the case files.

If these rules drifted, the fidelity rate would measure something else; each test pins one
rule of harness.py's module doc or of the mismatch list's round trip.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fidelity import mismatch_list
from tests.fidelity.harness import (
    GFM,
    PACK_FOLDER,
    SPEC,
    Case,
    Outcome,
    first_difference,
    gfm_cases,
    github_words,
    pack_cases,
    spec_cases,
    visible_text,
    without_image_framing,
    words,
)

# --- visible text -------------------------------------------------------------------------


def test_comments_tags_and_script_content_are_not_visible() -> None:
    html = (
        "<p>one <!-- a\ncomment < b --> two</p>"
        "<script>var hidden = 1;</script><style>p { color: red }</style>"
        "<p><em>three</em> <span class='x'>four</span></p>"
    )
    assert words(visible_text(html)) == ["one", "two", "three", "four"]


def test_abruptly_closed_comments_hide_nothing_after_them() -> None:
    html = "<p>foo <!--> bar --&gt;</p><p>baz <!---> qux</p>"
    assert words(visible_text(html)) == ["foo", "bar", "-", "-", ">", "baz", "qux"]


def test_an_image_shows_its_alt_and_a_checkbox_shows_nothing() -> None:
    html = (
        '<div><img src="a.png" alt="Project logo"></div>'
        '<ul><li><input type="checkbox" checked="" disabled="" /> done</li></ul>'
    )
    assert words(visible_text(html)) == ["project", "logo", "done"]


def test_ordered_items_show_the_browsers_numbers() -> None:
    html = '<ol start="3"><li>a<ul><li>inner</li></ul></li><li>b</li></ol>'
    assert words(visible_text(html)) == ["3", ".", "a", "inner", "4", ".", "b"]


def test_a_closed_details_shows_only_its_summary_and_an_open_one_everything() -> None:
    closed = "<details><summary>More</summary><p>Hidden body</p></details><p>after</p>"
    opened = "<details open><summary>More</summary><p>Shown body</p></details>"
    assert words(visible_text(closed)) == ["more", "after"]
    assert words(visible_text(opened)) == ["more", "shown", "body"]


def test_footnote_markers_stand_alone_and_back_links_are_chrome() -> None:
    # cmark-gfm's footnotes: a superscript marker, and a list whose items end in `↩`
    # links (a second back-link also carries a superscript 2).
    assert github_words("A claim[^n] and again[^n].\n\n[^n]: The note.\n") == (
        ["a", "claim", "1", "and", "again", "1", ".", "1", ".", "the", "note", "."]
    )


def test_a_top_level_alert_shows_its_title_as_github_com_does() -> None:
    assert github_words("> [!WARNING]\n> Mind the gap.\n") == ["warning", "mind", "the", "gap", "."]
    # Not one of the five kinds, not alone on its line, or not top-level: a plain quote.
    assert github_words("> [!DANGER]\n> x\n")[:4] == ["[", "!", "danger", "]"]
    assert github_words("> [!NOTE] same line\n")[:4] == ["[", "!", "note", "]"]
    assert github_words("- > [!NOTE]\n  > x\n")[:4] == ["[", "!", "note", "]"]


def test_task_list_checkboxes_and_strikethrough_are_github_extensions_here() -> None:
    assert github_words("- [x] done\n- [ ] open\n\n~~gone~~ and ~also~\n") == (
        ["done", "open", "gone", "and", "also"]
    )


# --- words --------------------------------------------------------------------------------


def test_drawing_characters_are_not_words_and_punctuation_is() -> None:
    drawn = "╭───╮\n│ ☑ done │\n╰───╯\n▌ ⓘ Note\n• item ↩ …"
    assert words(drawn) == ["done", "note", "item"]
    assert words("This is ~gone~ here.") == ["this", "is", "~", "gone", "~", "here", "."]
    assert words("This is ~gone~ here.") != words("This is gone here.")


def test_words_are_normalised_case_folded_and_split_at_underscores() -> None:
    assert words("E = mc² and NOTE snake_case") == (
        ["e", "=", "mc2", "and", "note", "snake", "_", "case"]
    )


def test_a_bracketed_number_is_the_number_on_both_sides() -> None:
    assert words("claim[1] more") == words("claim 1 more") == ["claim", "1", "more"]
    assert words("[note]") == ["[", "note", "]"]


def test_the_readers_image_framing_leaves_the_alt() -> None:
    assert without_image_framing("a[image: logo]b [image] c") == "a logo b   c"
    assert without_image_framing("[image: [foo](uri)] tail") == " [foo](uri)  tail"
    assert without_image_framing("[imagery] stays") == "[imagery] stays"


def test_the_first_difference_shows_both_sides_from_where_they_part() -> None:
    github = ["zero", "one", "two", "three", "four"]
    reader = ["zero", "one", "two", "3", "four"]
    assert first_difference(github, reader) == (
        "at word 4: GitHub «… one two three four (end)» / reader «… one two 3 four (end)»"
    )
    assert first_difference(github, reader, context=1) == (
        "at word 4: GitHub «… one two three …» / reader «… one two 3 …»"
    )
    assert first_difference(github, github) == "no difference"
    assert first_difference(["a"], ["a", "b"]).startswith("at word 2:")


# --- the corpora --------------------------------------------------------------------------


def test_the_corpora_are_complete() -> None:
    spec = spec_cases()
    assert len(spec) == 652 and spec[0].key == "spec:1" and spec[0].corpus == SPEC
    gfm = gfm_cases()
    names = [case.key for case in gfm]
    assert len(gfm) >= 60 and len(set(names)) == len(names)
    assert all(case.corpus == GFM and case.section and case.markdown for case in gfm)
    assert [case.file_name for case in pack_cases()] == sorted(
        path.name for path in PACK_FOLDER.rglob("*.md")
    )


def test_a_gfm_case_keeps_its_markdown_exactly(tmp_path: Path) -> None:
    fence = "````````"
    text = f"# x\n\n## Group\n\n### name\n{fence}markdown\n## not a group\n\n  two  \n{fence}\n"
    (tmp_path / "cases.md").write_text(text, encoding="utf-8")
    assert gfm_cases(tmp_path / "cases.md") == [
        Case("gfm:name", GFM, "Group", "## not a group\n\n  two  \n")
    ]
    (tmp_path / "open.md").write_text(f"### open\n{fence}markdown\nx\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no closing fence"):
        gfm_cases(tmp_path / "open.md")


def test_spec_cases_read_the_vendored_json(tmp_path: Path) -> None:
    example = {"markdown": "*a*\n", "html": "", "example": 7, "section": "Tabs"}
    (tmp_path / "spec.json").write_text(json.dumps([example]), encoding="utf-8")
    assert spec_cases(tmp_path / "spec.json") == [Case("spec:7", SPEC, "Tabs", "*a*\n")]


# --- the mismatch list --------------------------------------------------------------------


def _outcome(key: str, github: str = "a b", reader: str = "a c") -> Outcome:
    case = Case(key, GFM, "Group", "markdown\n")
    return Outcome(case, tuple(github.split()), tuple(reader.split()))


def test_rewriting_the_list_keeps_reasons_drops_fixed_cases_and_flags_new_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mismatches.md"
    path.write_text(
        "# Fidelity mismatches\n\nintro\n\n"
        "## Old reason\n\nWhy it differs.\n\n- `gfm:kept` old detail\n- `gfm:fixed` old\n\n"
        "## Gone reason\n\n- `gfm:also-fixed`\n",
        encoding="utf-8",
    )
    mismatch_list.write([_outcome("gfm:kept"), _outcome("gfm:new")], path)
    reasons = mismatch_list.read_reasons(path)
    assert [(r.title, r.keys) for r in reasons] == [
        (mismatch_list.REASON_NEEDED, ["gfm:new"]),
        ("Old reason", ["gfm:kept"]),
    ]
    assert reasons[1].explanation == ["Why it differs."]
    text = path.read_text(encoding="utf-8")
    assert "at word 2: GitHub «a b (end)» / reader «a c (end)»" in text
    assert "| Old reason | 1 |" in text and "Gone reason" not in text


def test_the_list_file_exists_and_every_entry_has_a_reason() -> None:
    reasons = mismatch_list.read_reasons()
    assert reasons, f"{mismatch_list.MISMATCH_FILE} is missing or lists nothing"
    assert all(reason.title != mismatch_list.REASON_NEEDED for reason in reasons)
