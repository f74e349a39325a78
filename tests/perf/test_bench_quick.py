"""The benchmark harness works end to end (`--quick`): it proves the machinery, not the speed.

Nothing here looks at a time: CI machines are too noisy for that, and budgets are judged
by the full run on the documented machine kind. What must hold everywhere is that the
harness finishes, prints its table, writes well-formed JSON, and leaves no tmux server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.glossary import TermMatcher, parse_glossary
from tests.perf.bench import QUICK, RATING_P95_BUDGET
from tests.perf.generate import (
    generate_big_section,
    generate_many_headings,
    generate_pack,
    glossary_markdown,
    markdown_bytes,
    pick_glossary_terms,
)

REPO = Path(__file__).resolve().parents[2]
TABLE_HEADER = "| what | value | ratio vs bare | budget | ok? |"
ROW_KEYS = {"what", "value", "unit", "shown", "ratio", "budget", "budget_unit", "ok"}


def _tmux_or_skip() -> bool:
    """tmux present; a developer machine without it skips, CI (CI=true) must have it."""
    if shutil.which("tmux"):
        return True
    if os.environ.get("CI") == "true":
        pytest.fail("tmux is required in CI (.ci/run installs it)")
    return False


def test_quick_run_prints_a_table_and_writes_json(tmp_path: Path) -> None:
    has_tmux = _tmux_or_skip()
    out = tmp_path / "bench.json"
    socket = f"reader-bench-test-{os.getpid()}"
    command = [sys.executable, "-m", "tests.perf", "--quick", "--json", str(out)]
    run = subprocess.run(
        [*command, "--tmux-socket", socket],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert TABLE_HEADER in run.stdout
    assert "machine:" in run.stdout

    report = json.loads(out.read_text(encoding="utf-8"))
    assert {
        "machine",
        "settings",
        "packs",
        "rows",
        "search",
        "section_open",
        "review_rating",
    } <= set(report)
    assert {"nproc", "python", "textual", "date"} <= set(report["machine"])
    assert report["settings"]["quick"] is True
    assert set(report["packs"]) >= {
        "default",
        "pack_3_5mb",
        "pack_3_5mb_glossary",
        "big_section",
        "many_headings",
        "review",
    }
    review_pack = report["packs"]["review"]
    assert review_pack["path"] == report["packs"]["default"]["path"]
    # The review's title and keys, and the first card's question (from a worker).
    assert review_pack["expect"][:2] == ["done", "show answer"] and len(review_pack["expect"]) == 3
    glossary_pack, base_pack = report["packs"]["pack_3_5mb_glossary"], report["packs"]["pack_3_5mb"]
    assert glossary_pack["glossary_terms"] == 100 and base_pack["glossary_terms"] == 0
    assert glossary_pack["files"] == base_pack["files"] + 1
    assert report["rows"], "no rows"
    for row in report["rows"]:
        assert set(row) == ROW_KEYS, row
        assert row["ok"] in (True, False, None)
        assert f"| {row['what']} | {row['shown']} |" in run.stdout
    for result in (report["search"], report["section_open"]):
        assert result["status"] in ("ok", "n/a", "error", "timeout")
    opened = report["section_open"]
    assert opened["status"] == "ok", opened
    assert set(opened["cases"]) == {
        "normal",
        "big",
        "big_glossary",
        "normal_no_glossary",
        "normal_glossary",
    }
    assert all(case["status"] == "ok" for case in opened["cases"].values()), opened
    rows = {row["what"]: row for row in report["rows"]}
    first_card = rows["reader review: first card (default pack)"]
    assert (first_card["budget"], first_card["budget_unit"]) == (1.3, "×"), first_card
    rating = rows["review: rating to the next card, p95"]
    assert rating["budget"] == RATING_P95_BUDGET == 0.05 and rating["ok"] is None, rating
    assert not any(what.startswith("whole screen") and "review" in what for what in rows)
    assert "load_pack (before the first screen): default pack" in rows  # not twice
    costs = [row for row in report["rows"] if "the glossary's own cost" in row["what"]]
    assert len(costs) == 5, costs  # the first screen, and two open cases × two flags
    assert all(row["value"] and row["value"] > 0 for row in costs[1:]), costs

    if has_tmux:
        bare = report["first_screen"]["bare"]
        assert bare["ok"] == bare["runs"] >= 1, bare  # the polling saw the bare app's line
        assert all(bare["quit_clean"]), "the bare app did not quit on q"
        typed = report["keystroke"]
        assert typed["status"] == "ok", typed  # every key's results reached the screen
        assert typed["keystrokes"] >= 50 and 0 < typed["p50_s"] <= typed["p95_s"], typed
        review = report["first_screen"]["packs"]["review"]
        assert review["reader"]["ok"] == review["reader"]["runs"] >= 1, review  # a card drawn
        assert all(review["reader"]["quit_clean"]), "reader review did not quit on q, Enter, q"
        assert first_card["value"] and first_card["ratio"], first_card
        rated = report["review_rating"]
        assert rated["status"] == "ok", rated  # every rating drew the next card, and was saved
        assert rated["ratings"] == rated["logged"] == QUICK.ratings, rated
        assert 0 < rated["p50_s"] <= rated["p95_s"] and rated["reveal"]["p95_s"] > 0, rated
        assert rated["quit_clean"], rated
        assert rating["value"] == rated["p95_s"]
        for used in (socket, f"{socket}-keys", f"{socket}-review"):
            left = subprocess.run(["tmux", "-L", used, "list-sessions"], capture_output=True)
            assert left.returncode != 0, f"the harness left its tmux server {used} running"
            assert not (Path(f"/tmp/tmux-{os.getuid()}") / used).exists()


def test_generators_are_deterministic_and_sized(tmp_path: Path) -> None:
    first = generate_pack(tmp_path / "a", sections=30, files=3, target_bytes=60_000, seed=5)
    second = generate_pack(tmp_path / "b", sections=30, files=3, target_bytes=60_000, seed=5)
    names = sorted(path.name for path in first.glob("*.md"))
    assert names == sorted(path.name for path in second.glob("*.md"))
    assert len(names) == 3
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert 50_000 < markdown_bytes(first) < 70_000
    headings = sum(
        line.startswith("#") for name in names for line in (first / name).read_text().splitlines()
    )
    assert headings == 30

    big = generate_big_section(tmp_path / "big", kb=20)
    assert big.stat().st_size >= 20 * 1024
    assert [line for line in big.read_text().splitlines() if line.startswith("#")] == [
        "# A long chapter on barrier repair"
    ]
    many = generate_many_headings(tmp_path / "many", count=300)
    assert sum(line.startswith("#") for line in many.read_text().splitlines()) == 300


def test_generated_glossary_terms_occur_in_the_text_and_parse_as_written(tmp_path: Path) -> None:
    text = generate_big_section(tmp_path, kb=30).read_text(encoding="utf-8")
    entries = pick_glossary_terms(text, 200, seed=4)
    assert entries == pick_glossary_terms(text, 200, seed=4)
    assert entries[:50] == pick_glossary_terms(text, 50, seed=4)  # sizes share their terms
    assert len({entry[0].casefold() for entry in entries}) == 200
    assert {len(entry[0].split()) for entry in entries} == {1, 2, 3}
    abbreviations = [entry[1] for entry in entries if len(entry) > 1]
    assert abbreviations and all(name.isupper() for name in abbreviations)
    assert any(entry[0][0].isupper() for entry in entries)
    # Every term (not its abbreviation: the prose never writes one) is used in the text;
    # a few only where a longer term overlaps them, so those are looked for alone.
    found = {entry for _, _, entry in TermMatcher([entry[:1] for entry in entries]).find(text)}
    alone = {i for i in set(range(200)) - found if TermMatcher([entries[i][:1]]).find(text)}
    assert len(found) > 150 and found | alone == set(range(200))

    parsed, problems = parse_glossary(glossary_markdown(entries), "glossary.md")
    assert problems == []
    assert [entry.names for entry in parsed] == entries
