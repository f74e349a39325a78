"""The load benchmark works end to end on two sessions: the machinery, never the speed.

`python -m tests.perf load` at its documented size loads a shared machine for minutes;
here two readers behind the real sshd prove that the harness reaches their first
screens, counts the readers' memory and CPU (and only theirs), times keys typed by two
users at once, prints every row of its table, writes its JSON and leaves nothing
running. No assertion looks at a time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.ssh

REPO = Path(__file__).resolve().parents[2]
SESSIONS = 2
ROW_STARTS = [
    f"| sessions on their first screen (of {SESSIONS}) | {SESSIONS} |",
    f"| PSS, all {SESSIONS} readers |",
    "| PSS per session, mean |",
    "| PSS per session, largest |",
    f"| idle CPU, all {SESSIONS} readers over ",
    f"| first screen of the last session to start (#{SESSIONS}) |",
    f"| keystroke to results, 1 active + {SESSIONS - 1} idle, p95 |",
    f"| keystroke to results, {SESSIONS} active + 0 idle, p95 |",
]


def _require(name: str, path: str | None = None) -> None:
    """A program the benchmark drives; skip without it, but fail on CI."""
    if (path and os.access(path, os.X_OK)) or shutil.which(name):
        return
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"CI=true but {name} is not installed")
    pytest.skip(f"{name} is not installed")


def _left_behind(marker: str) -> list[str]:
    """Live processes whose command line or environment names the run's temp folder."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            seen = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker.encode() in seen and state != "Z":
            found.append(f"{entry.name}: {(entry / 'cmdline').read_bytes()[:200]!r}")
    return found


def test_two_sessions_give_every_row_and_leave_nothing_running(tmp_path: Path) -> None:
    _require("tmux")
    _require("sshd", "/usr/sbin/sshd")
    _require("ssh")
    out = tmp_path / "load.json"
    socket = f"reader-load-test-{os.getpid()}"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "tests.perf", "load", "--sessions", str(SESSIONS)),
            *("--active", str(SESSIONS), "--idle-seconds", "2", "--json", str(out)),
            *("--tmux-socket", socket),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "| what | value | budget | ok? |" in run.stdout
    for start in ROW_STARTS:
        assert start in run.stdout, f"{start!r} missing from:\n{run.stdout}"
    assert "machine:" in run.stdout and "search index open in" in run.stdout

    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["settings"] == report["settings"] | {"sessions": SESSIONS, "judged": False}
    assert {"nproc", "cpu", "memory_kb", "date"} <= set(report["machine"])
    assert report["pack"]["sections"] == 2000 and report["pack"]["bytes"] > 3_000_000

    screens = report["first_screen"]
    assert screens["ok"] == SESSIONS and not screens["failures"], screens
    assert screens["last_s"] > 0 and len(screens["per_session_s"]) == SESSIONS

    memory = report["memory"]
    assert memory["readers"] == SESSIONS, memory  # one reader per session, nothing else
    assert not memory["not_readers"], memory["not_readers"]
    for session in memory["sessions"]:
        assert session["is_reader"] and "--restricted" in session["command"], session
        # A reader is tens of MB: far more than an ssh or sshd, far less than a leak.
        assert 10 * 1024 < session["Pss"] <= session["Rss"] < 1024 * 1024, session
    assert memory["pss_total_kb"] == sum(s["Pss"] for s in memory["sessions"])
    assert memory["pss_max_kb"] >= memory["pss_mean_kb"] > 0

    cpu = report["idle_cpu"]
    assert cpu["readers"] == SESSIONS and cpu["window_s"] >= 2, cpu
    assert 0 <= cpu["percent_of_core"] <= 100 * (os.cpu_count() or 1), cpu

    for users in ("1", str(SESSIONS)):
        typed = report["keystroke"][users]
        assert typed["status"] == "ok" and not typed["timeouts"], typed
        assert typed["users"] == int(users) and typed["keystrokes"] >= 10, typed
        assert 0 < typed["p50_s"] <= typed["p95_s"] <= typed["max_s"], typed
        assert {key["session"] for key in typed["keys"]} == {
            f"k{number:03d}" for number in range(1, int(users) + 1)
        }

    rows = {row["what"]: row for row in report["rows"]}
    for row in rows.values():
        assert row["ok"] is None, row  # budgets are judged only at 50 sessions
        assert f"| {row['what']} | {row['shown']} |" in run.stdout

    left = subprocess.run(["tmux", "-L", socket, "list-sessions"], capture_output=True)
    assert left.returncode != 0, "the benchmark left its tmux server running"
    folder = re.search(r"temp folder: (\S+)", run.stderr)
    assert folder, run.stderr
    root = folder[1]
    assert not Path(root).exists(), f"{root} was not removed"
    assert not _left_behind(root), _left_behind(root)
