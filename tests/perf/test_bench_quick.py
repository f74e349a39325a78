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

from tests.perf.generate import (
    generate_big_section,
    generate_many_headings,
    generate_pack,
    markdown_bytes,
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
    assert {"machine", "settings", "packs", "rows", "search", "section_open"} <= set(report)
    assert {"nproc", "python", "textual", "date"} <= set(report["machine"])
    assert report["settings"]["quick"] is True
    assert set(report["packs"]) >= {"default", "pack_3_5mb", "big_section", "many_headings"}
    assert report["rows"], "no rows"
    for row in report["rows"]:
        assert set(row) == ROW_KEYS, row
        assert row["ok"] in (True, False, None)
        assert f"| {row['what']} | {row['shown']} |" in run.stdout
    for result in (report["search"], report["section_open"]):
        assert result["status"] in ("ok", "n/a", "error", "timeout")

    if has_tmux:
        bare = report["first_screen"]["bare"]
        assert bare["ok"] == bare["runs"] >= 1, bare  # the polling saw the bare app's line
        assert all(bare["quit_clean"]), "the bare app did not quit on q"
        typed = report["keystroke"]
        assert typed["status"] == "ok", typed  # every key's results reached the screen
        assert typed["keystrokes"] >= 50 and 0 < typed["p50_s"] <= typed["p95_s"], typed
        for used in (socket, f"{socket}-keys"):
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
