"""Keystroke to results on screen, in a real terminal: type queries into `reader` in tmux.

Issue 4's budget is 100 ms from a keystroke to the results list showing the results of
the text typed so far. The reader runs in tmux under `keystroke_probe.py`, which times
each key from the moment the app decoded it to the end of the first frame written after
its results were put on screen (queueing behind earlier work included). Keys are sent
one at a time with tmux send-keys, a typist's gap apart, as a person types.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

LOG_ENV = "READER_KEYSTROKE_LOG"
QUERIES = ("filaggrin", "immune barrier", "skin", "autoimm", "cytokine signal", "eczema trig")
INDEX_TIMEOUT_S = 120.0
KEY_TIMEOUT_S = 5.0
TYPING_GAP_S = 0.12  # ~8 keys a second: a quick typist
ESCAPE_GAP_S = 0.3
POLL_S = 0.005

Tmux = Callable[..., CompletedProcess[str]]


def measure_keystrokes(
    tmux: Tmux,
    argv: list[str],
    log_path: Path,
    size: tuple[int, int],
    queries: tuple[str, ...] = QUERIES,
) -> dict[str, Any]:
    """p50/p95 over every typed key of `queries`, each typed into a cleared search box.

    `argv` starts the probe (with the pack); `tmux` runs tmux commands on a private
    server whose environment names `log_path` in READER_KEYSTROKE_LOG.
    """
    log_path.unlink(missing_ok=True)
    name = "keys"
    width, height = size
    spawned = tmux("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), *argv)
    if spawned.returncode:
        return {"status": "error", "reason": f"tmux new-session: {spawned.stderr.strip()}"}
    try:
        if not _wait_for(log_path, _index_ready, INDEX_TIMEOUT_S):
            return {"status": "timeout", "reason": "the search index was never ready"}
        latencies: list[float] = []
        typed_keys: list[dict[str, Any]] = []
        for query in queries:
            tmux("send-keys", "-t", name, "Escape")
            time.sleep(ESCAPE_GAP_S)  # a lone ESC is told from a key sequence by a pause
            tmux("send-keys", "-t", name, "/")
            time.sleep(TYPING_GAP_S)
            for typed in range(1, len(query) + 1):
                seen = len(_records(log_path))
                tmux("send-keys", "-t", name, "-l", query[typed - 1])
                wanted = query[:typed]
                shown = partial(_timed_since, seen=seen, query=wanted)
                if not _wait_for(log_path, shown, KEY_TIMEOUT_S):
                    return {"status": "timeout", "reason": f"no results for {wanted!r}"}
                latencies.append(_timed(_records(log_path)[seen:], wanted) or 0.0)
                typed_keys.append({"query": wanted, "latency_s": latencies[-1]})
                time.sleep(TYPING_GAP_S)
    finally:
        tmux("kill-session", "-t", name)
    latencies.sort()
    return {
        "status": "ok",
        "keystrokes": len(latencies),
        "p50_s": statistics.median(latencies),
        "p95_s": latencies[max(0, round(0.95 * len(latencies)) - 1)],
        "max_s": latencies[-1],
        "keys": typed_keys,  # in typing order, to see which keys were slow
    }


def _records(log_path: Path) -> list[dict[str, Any]]:
    try:
        lines = log_path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.strip()]


def _index_ready(records: list[dict[str, Any]]) -> bool:
    return any(record.get("event") == "index-ready" for record in records)


def _timed_since(records: list[dict[str, Any]], seen: int, query: str) -> float | None:
    return _timed(records[seen:], query)


def _timed(records: list[dict[str, Any]], query: str) -> float | None:
    """The latency logged for the key that made the box hold `query`, if any yet."""
    for record in records:
        if record.get("query") == query:
            return float(record["latency_s"])
    return None


def _wait_for(
    log_path: Path, condition: Callable[[list[dict[str, Any]]], object], timeout: float
) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition(_records(log_path)):
            return True
        time.sleep(POLL_S)
    return False
