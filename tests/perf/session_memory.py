"""One reader session's memory on the 3.5 MB pack with its index built (issue 21).

    (part of `python -m tests.perf`; rows "session PSS: ...")

Fifty readers on one host share what the system can share (the interpreter, libraries,
the search index's file pages); what each session holds alone is what limits how many
fit. So the session runs as a class would run it: the pack's shared index built first
(`reader index --index-dir`), the reader started in a real terminal (tmux 120x40), and
its memory read from /proc/PID/smaps_rollup once it is idle after the first screen,
and again once a search's results are on screen. PSS counts a page shared by N
processes as 1/N of it; Private_Dirty is what no other process can share, the part
that grows with every session (on a busy machine PSS moves by a few MB with what else
runs, Private_Dirty hardly at all).

Budget: 40 MB per session after the search (the issue measured ~62 MB). A lone session's
PSS also counts in full the pages every other session would share (the interpreter and
libraries, ~5 MB here), so this benchmark judges Private_Dirty, what each session adds;
`python -m tests.perf load` judges PSS itself, per session, with fifty sessions running.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.perf.sshd_harness import open_indexes, smaps_rollup

SESSION_PSS_BUDGET_MB = 40.0
INDEX_WAIT_S = 60.0
KEY_GAP_S = 0.08


def query_word(pack: Path) -> str:
    """A word of the pack's first heading (at least five letters): one the search finds."""
    for path in sorted(pack.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                words = [word for word in re.findall(r"[a-z]+", line.lower()) if len(word) >= 5]
                if words:
                    return words[0]
    return "skin"


def measure(
    pack: Path,
    reader_cmd: list[str],
    env: dict[str, str],
    root: Path,
    expect: list[str],
    runs: int,
    log: Callable[[str], None],
    socket: str = "",
) -> dict[str, Any]:
    """Build the shared index, then start `runs` sessions one after another and read
    their memory idle and after a search; medians, and each run's numbers."""
    from tests.perf.bench import REPO, WHOLE_SCREEN_TEXT, Tmux, wait_until_idle

    index_dir = root / "shared-index"
    built = subprocess.run(
        [*reader_cmd, "index", "--index-dir", str(index_dir), str(pack)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if built.returncode:
        return {"status": f"reader index failed: {(built.stderr or built.stdout).strip()[-300:]}"}
    query = query_word(pack)
    session_env = {"READER_INDEX_DIR": str(index_dir)}
    tmux = Tmux(socket or f"reader-bench-memory-{os.getpid()}", env, REPO)
    samples: list[dict[str, Any]] = []
    try:
        tmux.start()
        for run in range(1, runs + 1):
            sample = _one_session(
                tmux, run, [*reader_cmd, str(pack), "--no-state"], [*expect, *WHOLE_SCREEN_TEXT],
                session_env, query, wait_until_idle,
            )  # fmt: skip
            samples.append(sample)
            log(
                f"session memory {run}/{runs}: {sample['status']}"
                + (
                    f", PSS {sample['idle']['Pss'] / 1024:.1f} MB idle,"
                    f" {sample['search']['Pss'] / 1024:.1f} MB after a search"
                    if sample["status"] == "ok"
                    else ""
                )
            )
    finally:
        tmux.stop()
    good = [sample for sample in samples if sample["status"] == "ok"]
    if not good:
        return {"status": samples[-1]["status"] if samples else "no run", "runs": samples}

    def median(when: str, field: str) -> float:
        return statistics.median(sample[when].get(field, 0) for sample in good)

    return {
        "status": "ok",
        "query": query,
        "index": good[0]["index"],
        "pss_idle_kb": median("idle", "Pss"),
        "private_dirty_idle_kb": median("idle", "Private_Dirty"),
        "pss_search_kb": median("search", "Pss"),
        "private_dirty_search_kb": median("search", "Private_Dirty"),
        "runs": samples,
    }


def _one_session(
    tmux: Any,
    run: int,
    argv: list[str],
    expect: list[str],
    session_env: dict[str, str],
    query: str,
    wait_until_idle: Callable[[int, float], float],
) -> dict[str, Any]:
    name = f"memory{run}"
    env_args = [arg for item in session_env.items() for arg in ("-e", "=".join(item))]
    size = ["-x", "120", "-y", "40"]
    spawned = tmux("new-session", "-d", "-s", name, *size, *env_args, "--", *argv)
    if spawned.returncode:
        return {"status": f"tmux new-session: {spawned.stderr.strip()}"}
    pid_text = tmux("display-message", "-p", "-t", name, "#{pane_pid}").stdout.strip()
    pid = int(pid_text) if pid_text.isdigit() else 0
    if pid:
        tmux.pids.append(pid)
    try:
        if not _wait_for(tmux, name, expect, 60):
            return {"status": "no first screen", "screen": _screen(tmux, name)[-300:]}
        deadline = time.perf_counter() + INDEX_WAIT_S
        while not open_indexes(pid) and time.perf_counter() < deadline:
            time.sleep(0.1)  # the index is opened a moment after the first screen
        index = open_indexes(pid)
        wait_until_idle(pid, 15.0)
        idle = smaps_rollup(pid)
        tmux("send-keys", "-t", name, "/")
        time.sleep(KEY_GAP_S * 3)
        for letter in query:
            tmux("send-keys", "-t", name, "-l", letter)
            time.sleep(KEY_GAP_S)
        if not _wait_for(tmux, name, [query], 10):
            return {"status": "the query never showed", "screen": _screen(tmux, name)[-300:]}
        time.sleep(0.5)  # the results follow the query by a frame or two
        wait_until_idle(pid, 15.0)
        search = smaps_rollup(pid)
        if not idle or not search:
            return {"status": "the reader ended"}
        return {
            "status": "ok",
            "index": "shared" if any("shared-index" in path for path in index) else str(index),
            "idle": {key: idle.get(key, 0) for key in ("Pss", "Private_Dirty", "Rss")},
            "search": {key: search.get(key, 0) for key in ("Pss", "Private_Dirty", "Rss")},
        }
    finally:
        tmux._quit(name, pid, ("Escape", "q"))


def _screen(tmux: Any, name: str) -> str:
    return str(tmux("capture-pane", "-p", "-t", name).stdout)


def _wait_for(tmux: Any, name: str, texts: list[str], timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        screen = _screen(tmux, name)
        if all(text in screen for text in texts):
            return True
        time.sleep(0.05)
    return False


def rows(result: dict[str, Any], pack_label: str, judge: bool) -> list[Any]:
    """The table's rows: private memory after a search against the budget, PSS beside it."""
    from tests.perf.bench import Row

    label = f"{pack_label}, shared index"
    if result.get("status") != "ok":
        shown = result.get("reason") or result.get("status", "n/a")
        return [Row(f"session PSS: {label}, after a search", shown, budget_unit="MB")]

    def mb(kb: float) -> float:
        return kb / 1024

    private = mb(result["private_dirty_search_kb"])
    return [
        Row(
            f"session PSS: {label}, idle after the first screen",
            f"{mb(result['pss_idle_kb']):.1f} MB",
            mb(result["pss_idle_kb"]),
            "MB",
        ),
        Row(
            f"session PSS: {label}, after a search (a lone session: shared pages in full)",
            f"{mb(result['pss_search_kb']):.1f} MB",
            mb(result["pss_search_kb"]),
            "MB",
        ),
        Row(
            f"session private dirty memory: {label}, after a search",
            f"{private:.1f} MB",
            private,
            "MB",
            budget=SESSION_PSS_BUDGET_MB,
            budget_unit="MB",
            ok=private <= SESSION_PSS_BUDGET_MB if judge else None,
        ),
    ]
