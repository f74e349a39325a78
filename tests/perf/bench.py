"""The benchmark harness: every number issue 7 asks for, from one command, in one run.

    python -m tests.perf [--quick] [--runs N] [--json PATH]

Absolute times drift on shared machines, so the headline numbers are ratios against a
bare Textual app started the same way in the same run, the two interleaved so that
machine noise hits both. First screen (of reading, and of `reader review`'s first card)
and peak RSS come from a real terminal (a private tmux server), as do a keystroke's
search results and a rating's next card; search and section-open latency come from
worker processes, each under a timeout, so a hung app gives a "timeout" row instead of
a hung harness.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import gc
import inspect
import json
import math
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from tests.perf import generate, session_memory
from tests.perf.bare_app import READY_TEXT

REPO = Path(__file__).resolve().parents[2]
BARE_APP = Path(__file__).resolve().with_name("bare_app.py")
WIDTH, HEIGHT = 120, 40
POLL_S = 0.01
QUIT_KEY_GAP_S = 0.1  # between the keys that quit a review: each draws a screen
RESULT_MARK = "BENCH-RESULT "

#: Budgets from issue 7: first screen and RSS as ratios to bare Textual, the rest absolute;
#: issue 16 added RSS budgets for the 260 KB section and the 20,000-heading file; issue
#: 18's glossary pack (the 3.5 MB pack plus 500 terms) has the 3.5 MB pack's budgets;
#: issue 19's `reader review` reaches its first card within the default pack's ratio.
FIRST_SCREEN_BUDGET = {
    "default": 1.3,
    "pack_3_5mb": 1.6,
    "pack_3_5mb_glossary": 1.6,
    "many_headings": 2.5,
    "review": 1.3,
}
#: The search box's placeholder: on screen once the sidebar and footer have arrived.
WHOLE_SCREEN_TEXT = ("Search the pack",)
RSS_BUDGET = {
    "default": 1.5,
    "pack_3_5mb": 2.5,
    "pack_3_5mb_glossary": 2.5,
    "big_section": 1.5,
    "many_headings": 2.0,
}
#: Section-open cases: a normal section and the 260 KB one (issue 7); issue 18 opens the
#: same 260 KB section with a 500-term glossary, and a normal section of the glossary
#: pack beside the same section of the 3.5 MB pack without it.
OPEN_BUDGET = {
    ("normal", "first"): 0.1,
    ("normal", "full"): 0.1,
    ("big", "first"): 0.3,
    ("big", "full"): 1.5,
    ("big_glossary", "first"): 0.3,
    ("big_glossary", "full"): 1.5,
    ("normal_glossary", "first"): 0.1,
    ("normal_glossary", "full"): 0.1,
    ("normal_no_glossary", "first"): 0.1,
    ("normal_no_glossary", "full"): 0.1,
}
#: Which open case is which other one plus a glossary: their ratio is the glossary's cost.
OPEN_WITHOUT_GLOSSARY = {"big_glossary": "big", "normal_glossary": "normal_no_glossary"}
SEARCH_P95_BUDGET = 0.030
KEYSTROKE_BUDGET = 0.100
#: Issue 19: a rating key to the next card's question on screen, p95.
RATING_P95_BUDGET = 0.050
#: What `reader review` draws around its first card, besides the card's own words.
REVIEW_SCREEN_TEXT = ("done", "show answer")
#: q ends the review (its summary), Enter closes the summary, q quits the reader.
REVIEW_QUIT_KEYS = ("q", "Enter", "q")


@dataclass(frozen=True)
class Sizes:
    """How big the generated packs are; --quick shrinks everything."""

    pack_840k: tuple[int, int, int] | None  # sections, files, bytes
    pack_3_5mb: tuple[int, int, int]
    big_kb: int
    headings: int
    queries_per_kind: int
    glossary_terms: int
    ratings: int  # of one review, timed from the key to the next card


FULL = Sizes((400, 20, 840_000), (2000, 60, 3_500_000), 260, 20_000, 30, 500, 50)
QUICK = Sizes(None, (40, 4, 80_000), 26, 500, 5, 100, 6)


@dataclass
class PackSpec:
    """One pack the reader is started on, and what on screen proves its first section."""

    key: str
    label: str
    path: Path
    expect: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    without_glossary: str = ""  # the key of the same pack without its generated glossary
    #: Started as `reader review PATH`, saving state (a fresh state folder each run) and
    #: reading the cards' cache (warmed by the warm-up run): its first screen is a card.
    review: bool = False

    @property
    def first_screen_what(self) -> str:
        """The first-screen row's name."""
        if self.review:
            return f"reader review: first card ({self.label})"
        return f"first screen: {self.label}"

    @property
    def rss_what(self) -> str:
        """The peak RSS row's name."""
        return f"peak RSS: {'reader review, ' if self.review else ''}{self.label}"


# --------------------------------------------------------------------------- packs


def make_packs(root: Path, sizes: Sizes) -> tuple[list[PackSpec], dict[str, Path]]:
    """Generate the packs (seeded); also the packs that section opens are timed in: the
    big section opened from elsewhere, with and without a glossary (see `open_cases`)."""
    specs = [PackSpec("default", "default pack", REPO / "content")]
    if sizes.pack_840k:
        sections, files, size = sizes.pack_840k
        path = generate.generate_pack(root / "pack-840k", sections, files, size, seed=1)
        specs.append(PackSpec("pack_840k", "", path))
    sections, files, size = sizes.pack_3_5mb
    path = generate.generate_pack(root / "pack-3.5mb", sections, files, size, seed=2)
    specs.append(PackSpec("pack_3_5mb", "", path))
    # The same files plus a glossary of terms their text uses, measured right after them.
    with_glossary = add_glossary(path, root / "pack-3.5mb-glossary", sizes.glossary_terms)
    specs.append(PackSpec("pack_3_5mb_glossary", "", with_glossary, without_glossary="pack_3_5mb"))
    big = generate.generate_big_section(root / "big-section", kb=sizes.big_kb)
    specs.append(PackSpec("big_section", f"file with one {sizes.big_kb} KB section", big))
    many = generate.generate_many_headings(root / "many-headings", count=sizes.headings)
    specs.append(PackSpec("many_headings", f"file with {sizes.headings:,} headings", many))
    # Last, so the other packs' runs interleave with the bare app as they always have.
    specs.append(PackSpec("review", "default pack", REPO / "content", review=True))
    # Opening the big section is timed from an app that starts on a small intro section.
    open_pack = root / "open-big"
    open_pack.mkdir()
    (open_pack / "00-intro.md").write_text(
        "# Intro\n\nA short first section, so the big one is opened, not started on.\n",
        encoding="utf-8",
    )
    generate.generate_big_section(open_pack, kb=sizes.big_kb, name="01-big-section.md")
    open_packs = {
        "big": open_pack,
        "big_glossary": add_glossary(open_pack, root / "open-big-glossary", sizes.glossary_terms),
        "normal_glossary": with_glossary,
        "normal_no_glossary": path,
    }
    return specs, open_packs


def add_glossary(pack: Path, dest: Path, terms: int) -> Path:
    """A copy of the pack folder with a `glossary.md` of `terms` terms its text uses."""
    shutil.copytree(pack, dest)
    text = "\n\n".join(file.read_text(encoding="utf-8") for file in sorted(pack.glob("*.md")))
    generate.generate_glossary(dest, text, terms)
    return dest


def describe(spec: PackSpec) -> None:
    """Fill in sizes and a label that says what was really measured."""
    from reader.pack import load_pack

    pack = load_pack(spec.path)
    size = generate.markdown_bytes(spec.path)
    spec.stats = {
        "bytes": size,
        "files": len(pack.files),
        "sections": len(pack.sections),
        "glossary_terms": len(pack.glossary),
        "path": str(spec.path),
    }
    if not spec.label and spec.without_glossary:
        spec.label = f"{_size_label(size)} pack with a {len(pack.glossary):,}-term glossary (" + (
            f"{len(pack.sections):,} sections, {len(pack.files)} files)"
        )
    elif not spec.label:
        spec.label = f"{_size_label(size)} pack ({len(pack.sections):,} sections, " + (
            f"{len(pack.files)} files)"
        )


def _size_label(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1_000_000 else f"{round(size / 1000)} KB"


def time_loads(spec: PackSpec, runs: int) -> dict[str, Any]:
    """Median wall times of load_pack (what the app waits for before anything else: it
    cuts the first file into sections) and of cutting the rest (after the first screen)."""
    from reader.pack import load_pack

    samples, rest_samples = [], []
    for _ in range(runs):
        started = time.perf_counter()
        pack = load_pack(spec.path)
        loaded = time.perf_counter()
        pack.load_all()
        samples.append(loaded - started)
        rest_samples.append(time.perf_counter() - loaded)
    return {
        "status": "ok",
        "median_s": statistics.median(samples),
        "samples_s": samples,
        "rest_median_s": statistics.median(rest_samples),
        "rest_samples_s": rest_samples,
    }


def expected_text(spec: PackSpec, reader_cmd: list[str], env: dict[str, str]) -> list[str]:
    """The first section's title (from `reader --list`) and the first words of its body.

    The title alone proves little: it is also in the outline, and a one-file pack uses it
    as the pack title in the header. The body's opening words are only in the reading pane.
    """
    from reader.pack import load_pack

    first = load_pack(spec.path).sections[0]
    title = first.title
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        listed = subprocess.run(
            [*reader_cmd, "--list", str(spec.path)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        lines = listed.stdout.splitlines()
        if listed.returncode == 0 and len(lines) > 1:
            title = re.sub(r"\s+\[[^\]]*\]$", "", lines[1]).strip()
    expect = [title]
    for line in first.text.splitlines():
        line = line.strip()
        if not line or line == first.title:
            continue
        words = re.match(r"[A-Za-z0-9][A-Za-z0-9 ,]*", line)
        if words and len(words[0]) >= 8:
            cut = words[0][:30]
            if len(words[0]) > 30 and " " in cut:
                cut = cut.rsplit(" ", 1)[0]
            expect.append(cut.strip(" ,"))
        break
    return expect


def review_expected_text(spec: PackSpec, env: dict[str, str]) -> list[str]:
    """What proves `reader review`'s first card: the review's title and keys, and the
    opening words of the question a fresh review starts on (the pack's due queue with no
    saved state, found by a worker under the children's environment and settings)."""
    found = run_worker("first-card", {"pack": str(spec.path)}, env, timeout=120)
    words = found.get("question") if found.get("status") == "ok" else None
    return [*REVIEW_SCREEN_TEXT, *([words] if words else [])]


def first_card(pack: str) -> dict[str, Any]:
    """The first card of a fresh review of `pack` (worker side of review_expected_text)."""
    from reader.pack import load_pack
    from reader.study import Study
    from tests.perf.review_rating import proof_words

    queue = Study.open(load_pack(pack), enabled=False).queue()
    if not queue:
        return {"status": "n/a", "reason": "a fresh review of the pack has no card"}
    return {"status": "ok", "question": proof_words(queue[0].question), "due": len(queue)}


# --------------------------------------------------------------------------- tmux


def _proc_field(pid: int, name: str) -> int | None:
    """A kB field of /proc/<pid>/status (VmHWM, VmRSS), or None once the process is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return None


def _cpu_ticks(pid: int) -> int | None:
    """User + system CPU of all the process's threads, in clock ticks."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    return None


def _alive(pid: int) -> bool:
    with contextlib.suppress(OSError, IndexError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    return False


def wait_until_idle(pid: int, limit_s: float, window_s: float = 0.3) -> float:
    """Wait until the app stops using CPU (background indexing done), so VmHWM is its peak."""
    tick = 1 / os.sysconf("SC_CLK_TCK")
    started = time.perf_counter()
    last = _cpu_ticks(pid)
    while last is not None and time.perf_counter() - started < limit_s:
        time.sleep(window_s)
        now = _cpu_ticks(pid)
        if now is None or (now - last) * tick <= window_s * 0.1:
            break
        last = now
    return time.perf_counter() - started


@dataclass
class Sample:
    """One start of one app in the terminal."""

    role: str
    pack: str
    status: str  # "ok", "timeout", "exited (N)", "error: ..."
    seconds: float | None = None
    whole_s: float | None = None  # the rest of the screen too (sidebar, footer)
    peak_rss_kb: int | None = None
    quit_clean: bool | None = None
    settle_s: float | None = None  # time waited for the app to go idle before reading VmHWM
    screen: str = ""


class Tmux:
    """A private tmux server (its own -L socket) that is always killed, with its panes."""

    def __init__(self, socket: str, env: dict[str, str], cwd: Path) -> None:
        self.socket, self.env, self.cwd = socket, env, cwd
        self.server_pid: int | None = None
        self.socket_path: Path | None = None
        self.pids: list[int] = []
        self.count = 0

    def __call__(self, *args: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
        command = ["tmux", "-u", "-L", self.socket, "-f", "/dev/null", *args]
        try:
            return subprocess.run(
                command,
                env=self.env,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(command, 124, "", "tmux timed out")

    def start(self) -> None:
        """A holder session keeps one server up, so no run pays for starting tmux."""
        started = self("new-session", "-d", "-s", "hold", "-x", str(WIDTH), "-y", str(HEIGHT))
        if started.returncode:
            raise RuntimeError(f"tmux would not start: {started.stderr.strip()}")
        for option, value in [
            ("status", "off"),
            ("remain-on-exit", "on"),
            ("default-terminal", "xterm-256color"),
            ("history-limit", "100"),
        ]:
            self("set-option", "-g", option, value)
        pid, _, socket_path = (
            self("display-message", "-p", "#{pid} #{socket_path}").stdout.strip().partition(" ")
        )
        self.server_pid = int(pid) if pid.isdigit() else None
        self.socket_path = Path(socket_path) if socket_path else None

    def stop(self) -> None:
        """Kill the server, then anything it left behind, by pid (never by name)."""
        self("kill-server")
        for pid in [p for p in (self.server_pid, *self.pids) if p]:
            deadline = time.perf_counter() + 3
            while _alive(pid) and time.perf_counter() < deadline:
                time.sleep(0.05)
            if _alive(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        if self.socket_path and self("list-sessions").returncode:
            self.socket_path.unlink(missing_ok=True)  # tmux leaves the socket file behind
        self.server_pid, self.socket_path, self.pids = None, None, []

    def first_screen(
        self,
        role: str,
        pack: str,
        argv: list[str],
        expect: list[str],
        timeout: float,
        settle_s: float,
        then_expect: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        quit_keys: tuple[str, ...] = ("q",),
    ) -> Sample:
        """Start argv in a fresh 120x40 session; time until every expected string shows.

        With `then_expect`, polling goes on until those show too (`whole_s`): the reader
        draws its text first and the sidebar and footer a moment later. `env` is set in
        this session only (a fresh state folder per run); `quit_keys` quit the app.
        """
        self.count += 1
        name = f"run{self.count}"
        session_env = [arg for item in (env or {}).items() for arg in ("-e", "=".join(item))]
        started = time.perf_counter()
        spawned = self(
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(WIDTH),
            "-y",
            str(HEIGHT),
            "-c",
            str(self.cwd),
            *session_env,
            "--",
            *argv,
        )
        if spawned.returncode:
            return Sample(role, pack, f"error: tmux new-session: {spawned.stderr.strip()}")
        sample = Sample(role, pack, "timeout")
        text, polls = "", 0
        while True:
            captured = self("capture-pane", "-p", "-t", name)
            now = time.perf_counter()
            text = captured.stdout if captured.returncode == 0 else text
            if captured.returncode == 0 and all(part in text for part in expect):
                if sample.seconds is None:
                    sample.status, sample.seconds = "ok", now - started
                if all(part in text for part in then_expect):
                    sample.whole_s = now - started if then_expect else None
                    break
            polls += 1
            if polls % 10 == 0 or captured.returncode:
                dead = self("display-message", "-p", "-t", name, "#{pane_dead} #{pane_dead_status}")
                if dead.returncode:
                    sample.status = "error: the tmux pane vanished"
                    break
                if dead.stdout.startswith("1"):
                    sample.status = f"exited ({dead.stdout.split()[-1]})"
                    text = self("capture-pane", "-p", "-t", name).stdout or text
                    break
            if now - started > timeout:
                break
            time.sleep(POLL_S)
        pid_text = self("display-message", "-p", "-t", name, "#{pane_pid}").stdout.strip()
        pid = int(pid_text) if pid_text.isdigit() else None
        if pid:
            self.pids.append(pid)
        if sample.status == "ok" and pid:
            sample.settle_s = wait_until_idle(pid, settle_s)
            sample.peak_rss_kb = _proc_field(pid, "VmHWM")
            dead = self("display-message", "-p", "-t", name, "#{pane_dead} #{pane_dead_status}")
            if dead.stdout.startswith("1"):  # showed its first screen, then died: a failure
                sample.status = f"exited ({dead.stdout.split()[-1]}) after the first screen"
                text = self("capture-pane", "-p", "-t", name).stdout or text
        if sample.status != "ok":
            sample.screen = "\n".join(
                line.rstrip()
                for line in text.splitlines()
                if line.strip() and not line.startswith("Pane is dead")
            )
        quit_clean = self._quit(name, pid, quit_keys)  # always: it also closes the session
        sample.quit_clean = None if sample.status.startswith("exited") else quit_clean
        return sample

    def _gone(self, name: str, pid: int | None) -> bool:
        dead = self("display-message", "-p", "-t", name, "#{pane_dead}").stdout
        return dead.startswith("1") or bool(pid and not _alive(pid))

    def _quit(self, name: str, pid: int | None, keys: tuple[str, ...] = ("q",)) -> bool:
        """Press the keys like a person (q; a review's q, Enter, q); kill the session
        either way; True if the app quit on the last key, not before it."""
        clean = False
        for number, key in enumerate(keys, start=1):
            if self._gone(name, pid) or self("send-keys", "-t", name, key).returncode:
                break  # gone before its last key, or tmux failed: not a clean quit
            if number < len(keys):
                time.sleep(QUIT_KEY_GAP_S)
                continue
            deadline = time.perf_counter() + 5
            while time.perf_counter() < deadline:
                if self._gone(name, pid):
                    clean = True
                    break
                time.sleep(0.02)
        self("kill-session", "-t", name)
        if pid and _alive(pid):
            time.sleep(0.2)  # SIGHUP from the closed pane normally ends it
            if _alive(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        return clean


def measure_typing(
    pack: Path, args: argparse.Namespace, env: dict[str, str], root: Path
) -> dict[str, Any]:
    """Type queries into the reader in a private tmux server (see keystroke.py)."""
    from tests.perf.keystroke import LOG_ENV, measure_keystrokes

    log_path = root / "keystrokes.jsonl"
    tmux = Tmux(f"{args.tmux_socket}-keys", {**env, LOG_ENV: str(log_path)}, REPO)
    argv = [sys.executable, "-m", "tests.perf.keystroke_probe", str(pack), "--no-state"]
    try:
        tmux.start()
        return measure_keystrokes(tmux, argv, log_path, (WIDTH, HEIGHT))
    except Exception as error:  # a harness must report, not crash
        return {"status": "error", "reason": f"{type(error).__name__}: {error}"[:300]}
    finally:
        tmux.stop()


def measure_rating(
    pack: Path, ratings: int, args: argparse.Namespace, env: dict[str, str], root: Path
) -> dict[str, Any]:
    """Reveal and rate cards in `reader review` in a private tmux server, saving to a
    fresh state folder (see review_rating.py)."""
    from tests.perf.review_rating import LOG_ENV, measure_ratings

    log_path, state_dir = root / "ratings.jsonl", root / "rating-state"
    session_env = {**env, LOG_ENV: str(log_path), "READER_STATE_DIR": str(state_dir)}
    tmux = Tmux(f"{args.tmux_socket}-review", session_env, REPO)
    argv = [sys.executable, "-m", "tests.perf.review_probe", "review", str(pack)]
    try:
        tmux.start()
        return measure_ratings(
            tmux, argv, log_path, (WIDTH, HEIGHT), ratings, wait_until_idle, state_dir
        )
    except Exception as error:  # a harness must report, not crash
        return {"status": "error", "reason": f"{type(error).__name__}: {error}"[:300]}
    finally:
        tmux.stop()


def interleaved(specs: list[PackSpec], runs: int) -> Iterator[tuple[int, PackSpec, str]]:
    """bare, reader, reader, bare, ...: each pack's reader runs sit between bare runs."""
    for run in range(runs):
        for spec in specs:
            roles = ("bare", "reader") if run % 2 == 0 else ("reader", "bare")
            for role in roles:
                yield run, spec, role


def measure_terminal(
    specs: list[PackSpec],
    args: argparse.Namespace,
    reader_cmd: list[str],
    env: dict[str, str],
    log: Callable[[str], None],
    state_root: Path,
) -> list[Sample]:
    """Every first-screen run, bare and reader interleaved, in one private tmux server.

    `reader review` runs save state, each in a fresh folder under `state_root` (so each
    starts the same review), and read the cards' cache its warm-up run wrote.
    """
    tmux = Tmux(args.tmux_socket, env, REPO)
    atexit.register(tmux.stop)
    settle = 0.6 if args.quick else 10.0  # quick: RSS need not wait for background work
    bare_argv = [sys.executable, str(BARE_APP)]
    review_runs = 0

    def reader_argv(spec: PackSpec) -> list[str]:
        if args.reader_is_bare:
            return [*bare_argv, *spec.expect]
        if spec.review:
            return [*reader_cmd, "review", str(spec.path)]
        return [*reader_cmd, str(spec.path), "--no-state"]

    def start(role: str, key: str, spec: PackSpec, limit_s: float) -> Sample:
        """One run of the reader on `spec` (its review in a fresh state folder)."""
        nonlocal review_runs
        argv, expect, whole = reader_argv(spec), spec.expect, WHOLE_SCREEN_TEXT
        if args.reader_is_bare:
            return tmux.first_screen(role, key, argv, expect, args.timeout, limit_s)
        if not spec.review:
            return tmux.first_screen(role, key, argv, expect, args.timeout, limit_s, whole)
        review_runs += 1  # the review covers the reading screen: no whole-screen text
        state = {"READER_STATE_DIR": str(state_root / f"review-{review_runs}")}
        return tmux.first_screen(
            role, key, argv, expect, args.timeout, limit_s, (), state, REVIEW_QUIT_KEYS
        )

    samples: list[Sample] = []
    try:
        tmux.start()
        if not args.quick:  # warm the disk cache and the bytecode cache; not counted
            tmux.first_screen("bare", "warm-up", bare_argv, [READY_TEXT], args.timeout, 0)
            start("reader", "warm-up", specs[0], 0)
        for spec in specs:
            if spec.review:  # writes the cards' cache, and the search index's once idle
                warm = start("reader", "warm-up", spec, settle)
                log(f"{spec.key} warm-up: {warm.status} {_seconds(warm.seconds)}")
        total = args.runs * len(specs) * 2
        for number, (_run, spec, role) in enumerate(interleaved(specs, args.runs), start=1):
            if role == "bare":
                sample = tmux.first_screen(
                    role, spec.key, bare_argv, [READY_TEXT], args.timeout, settle
                )
            else:
                sample = start(role, spec.key, spec, settle)
            samples.append(sample)
            shown = f"{sample.seconds:.3f} s" if sample.seconds is not None else ""
            if sample.peak_rss_kb and sample.settle_s is not None:
                shown += f", peak {sample.peak_rss_kb / 1024:.1f} MB"
                shown += f" (idle {sample.settle_s:.1f} s later)"
            if sample.status != "ok":
                shown = f"{shown} {sample.status}".strip()
            log(f"first screen {number}/{total}: {role:6} {spec.key:14} {shown}")
            if sample.status != "ok" and sample.screen:
                log("  last screen: " + sample.screen.splitlines()[-1][:200])
    finally:
        tmux.stop()
    return samples


# --------------------------------------------------------------------------- workers


def run_worker(kind: str, params: dict[str, Any], env: dict[str, str], timeout: float) -> dict:
    """Run one in-process measurement in a child, under a timeout, and read its JSON."""
    command = [sys.executable, "-m", "tests.perf", "--worker", kind, json.dumps(params)]
    child = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = child.communicate(timeout=timeout)
    except BaseException as error:  # a timeout, or Ctrl-C: its own session would outlive us
        with contextlib.suppress(OSError):
            os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        if not isinstance(error, subprocess.TimeoutExpired):
            raise
        return {"status": "timeout", "reason": f"no result within {timeout:.0f} s"}
    for line in reversed(out.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    last = (err.strip().splitlines() or [f"exit code {child.returncode}"])[-1]
    return {"status": "error", "reason": last[:300]}


def _die_with_parent() -> None:
    """Linux: a worker must not outlive a harness that was killed outright (kill -9)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def worker_main(kind: str, params_json: str) -> int:
    """Entry of a worker child: measure, print one marked JSON line, never raise."""
    _die_with_parent()
    params = json.loads(params_json)
    try:
        if kind == "search":
            result = measure_search(**params)
        elif kind == "open":
            result = asyncio.run(measure_open(**params))
        elif kind == "first-card":
            result = first_card(**params)
        else:
            result = {"status": "error", "reason": f"unknown worker {kind}"}
    except Exception as error:  # a harness must report, not crash
        result = {"status": "error", "reason": f"{type(error).__name__}: {error}"[:300]}
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


# --------------------------------------------------------------------------- in-process


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with 200+ samples, p95 is a real observed latency."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))]


def make_queries(texts: list[str], per_kind: int, seed: int) -> dict[str, list[str]]:
    """Queries a reader would type, drawn from the corpus so most of them find something."""
    rng = random.Random(seed)
    counts = Counter(word for text in texts for word in re.findall(r"[a-z]{3,}", text.lower()))
    ranked = [word for word, _ in counts.most_common()] or ["barrier"]
    rare = [word for word in ranked if counts[word] <= 3] or ranked[-200:]
    long_words = [word for word in ranked if len(word) >= 5] or ranked
    runs = [words for text in texts if len(words := re.findall(r"\w+", text.lower())) >= 4]
    runs = runs or [["skin", "barrier", "repair", "notes"]]

    def phrase() -> str:
        words = rng.choice(runs)
        length = rng.randint(2, 3)
        at = rng.randrange(len(words) - length + 1)
        return '"' + " ".join(words[at : at + length]) + '"'

    def typo() -> str:
        word = rng.choice(long_words)
        at = rng.randrange(len(word))
        return word[:at] + rng.choice([c for c in "aeioulnrst" if c != word[at]]) + word[at + 1 :]

    kinds: dict[str, Callable[[], str]] = {
        "common word": lambda: rng.choice(ranked[:100]),
        "rare word": lambda: rng.choice(rare),
        "prefix": lambda: rng.choice(long_words)[: rng.randint(3, 5)],
        "two terms": lambda: f"{rng.choice(ranked[:300])} {rng.choice(ranked[:3000])}",
        "phrase": phrase,
        "miss": lambda: "".join(rng.choices("bcdfghjklmnpqrstvwxz", k=rng.randint(6, 9))),
        "typo": typo,
    }
    return {kind: [make() for _ in range(per_kind)] for kind, make in kinds.items()}


def measure_search(pack: str, per_kind: int, seed: int) -> dict[str, Any]:
    """Index build and per-query engine latency on one pack; "n/a" until reader.search exists."""
    try:
        from reader.search import SearchIndex, pack_documents
    except Exception as error:
        return {"status": "n/a", "reason": f"reader.search: {type(error).__name__}: {error}"}
    from reader.pack import load_pack

    loaded = load_pack(pack)
    started = time.perf_counter()
    documents = list(pack_documents(loaded))
    documents_s = time.perf_counter() - started
    started = time.perf_counter()
    index = SearchIndex.build(documents)
    build_s = time.perf_counter() - started
    queries = make_queries([document.text for document in documents], per_kind, seed)
    started = time.perf_counter()
    index.search("barrier", limit=50)
    first_s = time.perf_counter() - started
    everything: list[float] = []
    by_kind: dict[str, dict[str, Any]] = {}
    for kind, texts in queries.items():
        timings, found = [], 0
        for text in texts:
            started = time.perf_counter()
            found += bool(index.search(text, limit=50))
            timings.append(time.perf_counter() - started)
        everything.extend(timings)
        by_kind[kind] = {
            "n": len(timings),
            "p50_s": percentile(timings, 0.5),
            "p95_s": percentile(timings, 0.95),
            "with_hits": found,
            "examples": texts[:3],
        }
    close = getattr(index, "close", None)
    if callable(close):
        close()
    return {
        "status": "ok",
        "documents": len(documents),
        "documents_s": documents_s,
        "build_s": build_s,
        "first_query_s": first_s,
        "queries": len(everything),
        "p50_s": percentile(everything, 0.5),
        "p95_s": percentile(everything, 0.95),
        "max_s": max(everything),
        "by_kind": by_kind,
    }


def _document(app: Any) -> Any:
    try:
        return app.query_one("#document")
    except Exception:  # not mounted yet, or between screens
        return None


def _start_finished(app: Any) -> bool:
    """Whether the app is done with what follows its first frame: the glossary read (the
    section on show re-measured with its terms marked) and the sidebar and footer
    mounted. An open timed before that draws no marks, and pays for the start-up's rest."""
    main = getattr(app, "main", None)
    return bool(getattr(app, "glossary_ready", True) and getattr(main, "chrome_ready", True))


async def _open_once(
    make_app: Callable[[Any], Any],
    pack_path: str,
    section_id: str,
    timeout: float,
    result: dict[str, Any],
) -> None:
    """One fresh app: wait for its start-up to finish, open `section_id`, time the two flags.

    Fills `result` as it goes, so an app that raises while closing keeps its timings.
    """
    from reader.pack import load_pack

    pack = load_pack(pack_path)  # a fresh pack each time: no warm parse cache
    app = make_app(pack)
    result.update(status="timeout", first_screen_s=None, fully_rendered_s=None)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        started = time.perf_counter()
        while True:  # the start-up finished, its section fully shown, before timing another
            document = _document(app)
            if document is not None:
                missing = [
                    name
                    for name in ("first_screen_ready", "fully_rendered")
                    if not hasattr(document, name)
                ]
                if missing:
                    result.update(status="n/a", reason=f"#document has no {', '.join(missing)}")
                    return
                if document.fully_rendered and _start_finished(app):
                    break
            if time.perf_counter() - started > timeout:
                result["reason"] = "the start-up never finished (start section fully_rendered, "
                "glossary read, sidebar mounted)"
                return
            await pilot.pause(POLL_S)
        if not callable(getattr(app, "open_section", None)):
            result.update(status="n/a", reason="ReaderApp has no open_section()")
            return
        checks = 0
        started = time.perf_counter()
        opened = app.open_section(section_id)
        if inspect.isawaitable(opened):
            await opened
        while True:
            elapsed = time.perf_counter() - started
            document = _document(app)
            if document is not None and getattr(document, "section_id", section_id) == section_id:
                if result["first_screen_s"] is None and document.first_screen_ready:
                    result["first_screen_s"] = elapsed
                if document.fully_rendered:
                    result["fully_rendered_s"] = elapsed
                    if result["first_screen_s"] is None:
                        result["first_screen_s"] = elapsed
                    result["status"] = "ok"
                    break
            if elapsed > timeout:
                result["reason"] = f"not fully_rendered after {timeout:.0f} s"
                break
            checks += 1
            await pilot.pause(POLL_S)
        stale = checks == 0 and (result["fully_rendered_s"] or 1) < 0.0005
        if stale and not hasattr(document, "section_id"):  # no render is that fast: old flags?
            result["warning"] = (
                "fully_rendered was True within 0.5 ms of open_section(): reset the flags "
                "before it returns, or expose #document.section_id"
            )


async def measure_open(cases: list[dict[str, str]], runs: int, timeout: float) -> dict[str, Any]:
    """Section-open latency per case, a fresh app per run; "n/a" until the contract holds."""
    try:
        from reader.ui.app import create_app
    except Exception as error:
        return {
            "status": "n/a",
            "reason": f"reader.ui.app.create_app: {type(error).__name__}: {error}",
        }
    notes: list[str] = []

    def make_app(pack: Any) -> Any:
        # As `reader` starts it: the cyclic GC off until the app's first frame, when the
        # app freezes what start-up allocated and turns it back on (see reader.cli.main).
        gc.collect()
        gc.disable()
        return create_app(pack, no_state=True)

    results: dict[str, Any] = {}
    for case in cases:
        samples = []
        for _ in range(runs):
            sample: dict[str, Any] = {"status": "error"}
            try:
                await _open_once(make_app, case["pack"], case["section"], timeout, sample)
            except Exception as error:
                problem = f"{type(error).__name__}: {error}"[:300]
                sample["traceback"] = traceback.format_exc()[-3000:]
                if sample["status"] == "ok":  # measured; the app failed while closing
                    sample["warning"] = f"the app raised while closing: {problem}"
                else:
                    sample.update(status="error", reason=problem)
            samples.append(sample)
            if sample["status"] != "ok":
                break
        good = [sample for sample in samples if sample["status"] == "ok"]
        summary: dict[str, Any] = {"section": case["section"], "runs": samples}
        if len(good) == len(samples):
            summary["status"] = "ok"
            for key in ("first_screen_s", "fully_rendered_s"):
                summary[key] = statistics.median(sample[key] for sample in good)
        else:
            summary.update(status=samples[-1]["status"], reason=samples[-1].get("reason", ""))
        results[case["label"]] = summary
    if all(result["status"] == "n/a" for result in results.values()):
        return {"status": "n/a", "reason": next(iter(results.values())).get("reason", "")}
    return {"status": "ok", "cases": results, "notes": notes}


# --------------------------------------------------------------------------- report


def summarize_terminal(samples: list[Sample], specs: list[PackSpec]) -> dict[str, Any]:
    """Medians per pack; each pack's ratio uses the bare runs interleaved with it."""

    def stats(group: list[Sample]) -> dict[str, Any]:
        good = [s for s in group if s.status == "ok" and s.seconds is not None]
        whole = [s.whole_s for s in good if s.whole_s is not None]
        rss = [s.peak_rss_kb for s in good if s.peak_rss_kb]
        return {
            "runs": len(group),
            "ok": len(good),
            "median_s": statistics.median(s.seconds for s in good) if good else None,
            "whole_median_s": statistics.median(whole) if whole else None,
            "samples_s": [s.seconds for s in group],
            "whole_samples_s": [s.whole_s for s in group],
            "statuses": [s.status for s in group],
            "peak_rss_kb": statistics.median(rss) if rss else None,
            "quit_clean": [s.quit_clean for s in group],
            "settle_s": [s.settle_s for s in group],
            "failures": [
                {"status": s.status, "screen": s.screen} for s in group if s.status != "ok"
            ][:2],
        }

    bare = stats([s for s in samples if s.role == "bare"])
    packs: dict[str, Any] = {}
    for spec in specs:
        reader = stats([s for s in samples if s.role == "reader" and s.pack == spec.key])
        paired = stats([s for s in samples if s.role == "bare" and s.pack == spec.key])
        entry = {
            "reader": reader,
            "bare": paired,
            "expect": spec.expect,
            "ratio": None,
            "rss_ratio": None,
        }
        if reader["median_s"] and paired["median_s"]:
            entry["ratio"] = reader["median_s"] / paired["median_s"]
        if reader["peak_rss_kb"] and bare["peak_rss_kb"]:
            entry["rss_ratio"] = reader["peak_rss_kb"] / bare["peak_rss_kb"]
        packs[spec.key] = entry
    return {"bare": bare, "packs": packs}


@dataclass
class Row:
    """One line of the table, and of the JSON's "rows"."""

    what: str
    shown: str
    value: float | None = None
    unit: str = "s"
    ratio: float | None = None
    budget: float | None = None
    budget_unit: str = "s"
    ok: bool | None = None


def _judge(value: float | None, budget: float | None, judge: bool) -> bool | None:
    if budget is None or not judge or value is None:
        return None
    return value <= budget


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f} s"


def _megabytes(kb: float | None, otherwise: str) -> str:
    return f"{kb / 1024:.1f} MB" if kb else otherwise


def terminal_rows(
    summary: dict[str, Any], specs: list[PackSpec], judge: bool, reason: str
) -> list[Row]:
    """First screen and peak RSS rows: reader against the bare floor."""
    bare = summary.get("bare") or {}
    packs = summary.get("packs") or {}
    floor = bare.get("median_s")
    rows = [
        Row(
            "first screen: bare Textual app (floor)",
            _seconds(floor) if floor else reason or "failed",
            floor,
            ratio=1.0 if floor else None,
        )
    ]
    for spec in specs:
        what, budget = spec.first_screen_what, FIRST_SCREEN_BUDGET.get(spec.key)
        entry = packs.get(spec.key)
        if entry is None:
            rows.append(Row(what, reason, budget=budget, budget_unit="×"))
            continue
        reader = entry["reader"]
        shown, ok = _seconds(reader["median_s"]), _judge(entry["ratio"], budget, judge)
        if reader["ok"] < reader["runs"]:  # a crash or a timeout fails the row, budget or not
            failure = next(status for status in reader["statuses"] if status != "ok")
            failed = f"{reader['runs'] - reader['ok']}/{reader['runs']} {failure}"
            shown, ok = (f"{shown} ({failed})" if reader["median_s"] else failure), False
        rows.append(
            Row(
                what,
                shown,
                reader["median_s"],
                ratio=entry["ratio"],
                budget=budget,
                budget_unit="×",
                ok=ok,
            )
        )
    for spec in specs:
        if spec.without_glossary:
            entry, without = packs.get(spec.key), packs.get(spec.without_glossary)
            rows.append(
                glossary_cost_row(
                    f"first screen, the glossary's own cost: {spec.label} ÷ the same "
                    "pack without it",
                    entry["reader"]["median_s"] if entry else None,
                    without["reader"]["median_s"] if without else None,
                    reason or f"n/a ({spec.without_glossary} not measured)",
                )
            )
    for spec in specs:
        if spec.review:  # the review covers the reading screen's sidebar and footer
            continue
        entry = packs.get(spec.key)
        whole = entry["reader"].get("whole_median_s") if entry else None
        paired = entry["bare"].get("median_s") if entry else None
        rows.append(
            Row(
                f"whole screen (sidebar and footer too): {spec.label}",
                _seconds(whole) if whole else reason or "n/a",
                whole,
                ratio=whole / paired if whole and paired else None,
            )
        )
    bare_rss = bare.get("peak_rss_kb")
    rows.append(
        Row(
            "peak RSS: bare Textual app",
            _megabytes(bare_rss, reason or "failed"),
            bare_rss,
            "kB",
            1.0 if bare_rss else None,
        )
    )
    for spec in specs:
        entry = packs.get(spec.key) or {"reader": {}, "rss_ratio": None}
        rss, ratio = entry["reader"].get("peak_rss_kb"), entry["rss_ratio"]
        budget = RSS_BUDGET.get(spec.key)
        rows.append(
            Row(
                spec.rss_what,
                _megabytes(rss, reason or "n/a"),
                rss,
                "kB",
                ratio,
                budget,
                "×",
                _judge(ratio, budget, judge),
            )
        )
    return rows


def glossary_cost_row(
    what: str, with_glossary: float | None, without: float | None, otherwise: str
) -> Row:
    """With a glossary ÷ the same without it, and the seconds between: the glossary's own
    cost, which a ratio against the bare app hides in the pack's."""
    if not with_glossary or not without:
        return Row(what, otherwise, unit="×")
    ratio = with_glossary / without
    return Row(what, f"{ratio:.2f}× ({with_glossary - without:+.3f} s)", ratio, unit="×")


def search_rows(result: dict[str, Any], label: str, judge: bool) -> list[Row]:
    """Engine rows; the same rows with "n/a" while reader.search is missing."""
    ok = result.get("status") == "ok"
    queries = f" ({result['queries']} queries)" if ok else ""
    rows = []
    for key, name, budget in [
        ("documents_s", "sections to documents (parse)", None),
        ("build_s", "index build", None),
        ("p50_s", f"p50 latency{queries}", None),
        ("p95_s", f"p95 latency{queries}", SEARCH_P95_BUDGET),
    ]:
        value = result.get(key) if ok else None
        shown = result.get("status", "n/a")
        if value is not None:
            shown = f"{value * 1000:.1f} ms" if key in ("p50_s", "p95_s") else _seconds(value)
        rows.append(
            Row(
                f"search, {label}: {name}",
                shown,
                value,
                budget=budget,
                ok=_judge(value, budget, judge),
            )
        )
    return rows


def keystroke_rows(result: dict[str, Any], label: str, judge: bool) -> list[Row]:
    """Keystroke to results painted, in the real app (issue 4: 100 ms)."""
    ok = result.get("status") == "ok"
    rows = []
    for key, name in [("p50_s", "p50"), ("p95_s", "p95"), ("max_s", "slowest")]:
        value = result.get(key) if ok else None
        shown = f"{value * 1000:.1f} ms" if value is not None else result.get("status", "n/a")
        count = f" ({result['keystrokes']} keys)" if ok and key == "p50_s" else ""
        budget = KEYSTROKE_BUDGET if key == "p95_s" else None
        rows.append(
            Row(
                f"search, {label}: keystroke to results on screen, {name}{count}",
                shown,
                value,
                budget=budget,
                ok=_judge(value, budget, judge),
            )
        )
    return rows


def rating_rows(result: dict[str, Any], judge: bool) -> list[Row]:
    """A rating key to the next card's question drawn, in `reader review` (issue 19: 50 ms
    p95); the answer's arrival after space beside it, unbudgeted."""
    ok = result.get("status") == "ok"
    rows = []
    for source, key, name, budget in [
        (result, "p50_s", "rating to the next card, p50", None),
        (result, "p95_s", "rating to the next card, p95", RATING_P95_BUDGET),
        (result, "max_s", "rating to the next card, slowest", None),
        (result.get("reveal") or {}, "p95_s", "space to the answer, p95", None),
    ]:
        value = source.get(key) if ok else None
        shown = f"{value * 1000:.1f} ms" if value is not None else result.get("status", "n/a")
        if ok and name.endswith("p50"):
            name += f" ({result['ratings']} ratings)"
        failed = result.get("status") in ("timeout", "error")
        ok_row = False if failed and budget else _judge(value, budget, judge)
        rows.append(Row(f"review: {name}", shown, value, budget=budget, ok=ok_row))
    return rows


def open_rows(result: dict[str, Any], labels: dict[str, str], judge: bool) -> list[Row]:
    """Section open: first screen painted, then scrollable to the end."""
    rows = []
    for case, label in labels.items():
        entry = (result.get("cases") or {}).get(case, result)
        status = entry.get("status", "n/a")
        for part, key, name in [
            ("first", "first_screen_s", "first screen"),
            ("full", "fully_rendered_s", "scrollable to the end"),
        ]:
            value = entry.get(key) if status == "ok" else None
            budget = OPEN_BUDGET[(case, part)]
            ok = False if status in ("timeout", "error") else _judge(value, budget, judge)
            shown = _seconds(value) if value is not None else status
            rows.append(Row(f"open {label}: {name}", shown, value, budget=budget, ok=ok))
    cases = result.get("cases") or {}
    for case, without in OPEN_WITHOUT_GLOSSARY.items():
        if case not in labels:
            continue
        for key, name in [("first_screen_s", "first screen"), ("fully_rendered_s", "to the end")]:
            rows.append(
                glossary_cost_row(
                    f"open, the glossary's own cost: {labels[case]} ÷ without it: {name}",
                    (cases.get(case) or {}).get(key),
                    (cases.get(without) or {}).get(key),
                    "n/a",
                )
            )
    return rows


def load_rows(loads: dict[str, dict[str, Any]], specs: list[PackSpec]) -> list[Row]:
    """Per pack: load_pack, which every start pays before anything is drawn, and cutting
    the other files into sections, which waits until the first screen is out."""
    rows = []
    for spec in specs:
        if spec.key not in loads:
            continue
        load, rest = loads[spec.key]["median_s"], loads[spec.key]["rest_median_s"]
        rows.append(Row(f"load_pack (before the first screen): {spec.label}", _seconds(load), load))
        rows.append(Row(f"cut the other files (after it): {spec.label}", _seconds(rest), rest))
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table the README pastes."""
    lines = ["| what | value | ratio vs bare | budget | ok? |", "|---|---|---|---|---|"]
    for row in rows:
        ratio = f"{row['ratio']:.2f}×" if row["ratio"] is not None else "–"
        budget = "–"
        if row["budget"] is not None:
            budget = (
                f"≤ {row['budget']}×"
                if row["budget_unit"] == "×"
                else f"≤ {row['budget']:.0f} MB"
                if row["budget_unit"] == "MB"
                else f"≤ {row['budget'] * 1000:.0f} ms"
                if row["budget"] < 0.1
                else f"≤ {row['budget']} s"
            )
        ok = {True: "yes", False: "**NO**", None: "–"}[row["ok"]]
        lines.append(f"| {row['what']} | {row['shown']} | {ratio} | {budget} | {ok} |")
    return "\n".join(lines)


def machine_info(reader_cmd: list[str]) -> dict[str, Any]:
    """What the numbers were measured on: they mean nothing without it."""

    def package(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    tmux = shutil.which("tmux")
    tmux_version = ""
    if tmux:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            tmux_version = subprocess.run(
                [tmux, "-V"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": nproc,
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "textual": package("textual"),
        "reader": package("reader"),
        "tmux": tmux_version or "not found",
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "reader_command": shlex.join(reader_cmd),
    }


def reader_command(given: str | None) -> list[str]:
    """The `reader` console script installed beside this Python, else `python -m reader`.

    Never a lookup on PATH: a version manager's shim there (pyenv's is a bash script
    that runs `pyenv exec`) costs ~0.1 s that the bare app, started with this Python
    directly, does not pay.
    """
    if given:
        return shlex.split(given)
    script = Path(sys.executable).with_name("reader")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "reader"]


def child_env(state_dir: Path) -> dict[str, str]:
    """One environment for every child: no Textual debug switches, state and caches in
    the run's temp folder (never the user's), and no user settings (the defaults)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TEXTUAL") and key not in ("TMUX", "TMUX_PANE")
    }
    env.update(TERM="xterm-256color", READER_STATE_DIR=str(state_dir), SHELL="/bin/sh")
    env.update(
        READER_CACHE_DIR=str(state_dir.with_name("cache")),
        READER_CONFIG_DIR=str(state_dir.with_name("config")),  # never created: no settings
    )
    if "utf-8" not in (env.get("LC_ALL") or env.get("LANG") or "").lower().replace("utf8", "utf-8"):
        env["LANG"] = "C.UTF-8"
        env.pop("LC_ALL", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.perf",
        description="Benchmark reader against a bare Textual app: first screen (tmux), "
        "peak RSS, search latency, section open, pack load. Prints a table, writes JSON.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small packs, one run each: proves the harness works (CI)",
    )
    parser.add_argument("--runs", type=int, help="terminal runs per pack and role (default 7)")
    parser.add_argument(
        "--json",
        type=Path,
        default=REPO / "bench-results" / "bench.json",
        help="where to write the results (default bench-results/bench.json)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds before a first screen or a section open is a timeout",
    )
    parser.add_argument(
        "--packs",
        help="comma-separated subset of: default, pack_840k, pack_3_5mb, pack_3_5mb_glossary, "
        "big_section, many_headings, review (`reader review` on the default pack: its first "
        "card, and ratings; default: all)",
    )
    parser.add_argument(
        "--expect",
        action="append",
        default=[],
        metavar="PACK=TEXT",
        help="text that proves PACK's first screen (repeat: all must show)",
    )
    parser.add_argument(
        "--reader-cmd",
        help="command that starts the reader (default: "
        "the `reader` script beside this Python, else `python -m reader`)",
    )
    parser.add_argument(
        "--reader-is-bare",
        action="store_true",
        help="check the harness: the bare app plays the reader, showing the expected text",
    )
    parser.add_argument(
        "--tmux-socket",
        default=f"reader-bench-{os.getpid()}",
        help="name of the private tmux socket (tmux -L)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated packs")
    parser.add_argument(
        "--fail-on-budget",
        action="store_true",
        help="exit 1 when a budget is missed (never with --quick)",
    )
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.quick else 7
    args.runs = max(1, args.runs)
    return args


def _raise_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # so every `finally` runs and tmux is cleaned up


def open_cases(
    open_packs: dict[str, Path], big_kb: int, glossary_terms: int
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """A typical section of the default pack (median size), and the big generated one;
    the big one again with a glossary, and a typical section of the 3.5 MB pack with its
    glossary and without."""
    from reader.pack import Pack, load_pack

    def median_section(pack: Pack) -> Any:
        sections = [s for s in pack.sections[1:] if not pack.in_glossary(s)]  # not the start
        return sorted(sections, key=lambda section: len(section.markdown))[len(sections) // 2]

    def kb(section: Any) -> int:
        return max(1, len(section.markdown) // 1024)

    normal = median_section(load_pack(REPO / "content"))
    big = max(load_pack(open_packs["big"]).sections, key=lambda section: len(section.markdown))
    typical = median_section(load_pack(open_packs["normal_glossary"]))
    cases = [
        {"label": "normal", "pack": str(REPO / "content"), "section": normal.id},
        {"label": "big", "pack": str(open_packs["big"]), "section": big.id},
        {"label": "big_glossary", "pack": str(open_packs["big_glossary"]), "section": big.id},
        {"label": "normal_no_glossary", "pack": str(open_packs["normal_no_glossary"])},
        {"label": "normal_glossary", "pack": str(open_packs["normal_glossary"])},
    ]
    for case in cases[3:]:
        case["section"] = typical.id
    terms = f"{glossary_terms}-term glossary"
    pack_size = _size_label(generate.markdown_bytes(open_packs["normal_no_glossary"]))
    labels = {
        "normal": f"normal section ({normal.id}, {kb(normal)} KB)",
        "big": f"{big_kb} KB section",
        "big_glossary": f"{big_kb} KB section with a {terms}",
        "normal_no_glossary": f"section of the {pack_size} pack ({typical.id}, {kb(typical)} KB)",
        "normal_glossary": f"the same section with a {terms}",
    }
    return cases, labels


def compile_bytecode() -> None:
    """Write the package's bytecode, as installing a wheel does, before anything is timed.

    An editable checkout under PYTHONDONTWRITEBYTECODE (set on some CI machines) would
    otherwise compile every changed module from source on every start, a cost Textual,
    installed from a wheel, never pays.
    """
    import compileall

    compileall.compile_dir(REPO / "reader", quiet=1)


def measure(args: argparse.Namespace, root: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """Every measurement, in order; returns the report that becomes the JSON."""
    sizes = QUICK if args.quick else FULL
    env = child_env(root / "state")
    command = reader_command(args.reader_cmd)
    machine = machine_info(command)
    started = time.perf_counter()
    compile_bytecode()
    specs, open_packs = make_packs(root, sizes)
    log(f"generated packs in {root} ({time.perf_counter() - started:.1f} s)")
    if args.packs:
        wanted = set(args.packs.split(","))
        unknown = wanted - {spec.key for spec in specs}
        if unknown:
            raise SystemExit(f"--packs: unknown {sorted(unknown)}; known: {[s.key for s in specs]}")
        specs = [spec for spec in specs if spec.key in wanted]
    overrides: dict[str, list[str]] = {}
    for item in args.expect:
        key, _, text = item.partition("=")
        overrides.setdefault(key, []).append(text)
    for spec in specs:
        describe(spec)
        if spec.key in overrides:
            spec.expect = overrides[spec.key]
        elif spec.review:
            spec.expect = review_expected_text(spec, env)
        else:
            spec.expect = expected_text(spec, command, env)
        log(f"{spec.key}: {spec.label}; first screen shows {spec.expect}")

    runs = 1 if args.quick else 5
    loads = {spec.key: time_loads(spec, runs) for spec in specs if not spec.review}
    no_tmux = "" if shutil.which("tmux") else "n/a (tmux not found)"
    samples = [] if no_tmux else measure_terminal(specs, args, command, env, log, root / "review")
    terminal = summarize_terminal(samples, specs) if samples else {}

    search_spec = next((spec for spec in specs if spec.key == "pack_3_5mb"), None)
    search: dict[str, Any] = {"status": "n/a", "reason": "the 3.5 MB pack was not selected"}
    if search_spec:
        log("search: building the index and timing queries")
        params = {"pack": str(search_spec.path), "per_kind": sizes.queries_per_kind, "seed": 7}
        search = run_worker("search", params, env, timeout=120 if args.quick else 900)

    keystroke: dict[str, Any] = {"status": "n/a", "reason": "the 3.5 MB pack was not selected"}
    if search_spec and no_tmux:
        keystroke = {"status": no_tmux}
    elif search_spec:
        log("search: keystroke to results on screen, reader in tmux")
        keystroke = measure_typing(search_spec.path, args, env, root)
    memory: dict[str, Any] = {"status": "n/a", "reason": "the 3.5 MB pack was not selected"}
    if search_spec and no_tmux:
        memory = {"status": no_tmux}
    elif search_spec:
        log("session memory: the 3.5 MB pack with its shared index, reader in tmux")
        sessions = 1 if args.quick else min(args.runs, 3)
        memory = session_memory.measure(
            search_spec.path, command, env, root, search_spec.expect, sessions, log,
            socket=f"{args.tmux_socket}-memory",
        )  # fmt: skip
    review_spec = next((spec for spec in specs if spec.review), None)
    rating: dict[str, Any] = {"status": "n/a", "reason": "the review was not selected"}
    if review_spec and no_tmux:
        rating = {"status": no_tmux}
    elif review_spec:
        log(f"review: {sizes.ratings} ratings to the next card, reader in tmux")
        rating = measure_rating(review_spec.path, sizes.ratings, args, env, root)
    log("section open: in-process app")
    cases, labels = open_cases(open_packs, sizes.big_kb, sizes.glossary_terms)
    params = {"cases": cases, "runs": args.runs, "timeout": args.timeout}
    limit = 60 + len(cases) * args.runs * (args.timeout * 2 + 10)
    opened = run_worker("open", params, env, timeout=limit)

    judge = not args.quick
    search_label = _size_label(search_spec.stats["bytes"]) + " pack" if search_spec else "-"
    rows = [
        *terminal_rows(terminal, specs, judge, no_tmux),
        *open_rows(opened, labels, judge),
        *search_rows(search, search_label, judge),
        *keystroke_rows(keystroke, search_label, judge),
        *session_memory.rows(memory, search_label, judge),
        *rating_rows(rating, judge),
        *load_rows(loads, specs),
    ]
    settings = {
        "quick": args.quick,
        "runs": args.runs,
        "timeout_s": args.timeout,
        "terminal": f"tmux {WIDTH}x{HEIGHT}",
        "poll_s": POLL_S,
        "reader_is_bare": args.reader_is_bare,
    }
    return {
        "schema": 1,
        "machine": machine,
        "settings": settings,
        "packs": {s.key: {"label": s.label, **s.stats, "expect": s.expect} for s in specs},
        "first_screen": terminal,
        "search": search,
        "keystroke": keystroke,
        "session_memory": memory,
        "review_rating": rating,
        "section_open": opened,
        "pack_load": loads,
        "rows": [asdict(row) for row in rows],
    }


def print_report(report: dict[str, Any]) -> None:
    """Machine line, the table, then why any row is not a plain number."""
    machine, settings = report["machine"], report["settings"]
    print(
        f"machine: {machine['nproc']} CPUs ({machine['cpu'] or '?'}), Python "
        f"{machine['python']}, Textual {machine['textual']}, {machine['tmux']}, "
        f"{machine['date']}, load average {machine['loadavg'][0]}"
    )
    quick = "; QUICK: small packs, budgets not judged" if settings["quick"] else ""
    print(
        f"reader: {machine['reader_command']}; {settings['runs']} run(s) per pack, "
        f"interleaved with the bare app{quick}\n"
    )
    print(format_table(report["rows"]))
    notes = _notes(report)
    if notes:
        print("\n" + "\n".join(notes))


def main(argv: list[str] | None = None) -> int:
    """Generate, measure, print the table, write the JSON; always clean up."""
    args = parse_args(argv)
    if args.worker:
        return worker_main(*args.worker)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_exit)
    began = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f} s] {message}", file=sys.stderr, flush=True)

    root = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    try:
        report = measure(args, root, log)
    except KeyboardInterrupt:
        log("interrupted: tmux server and generated packs cleaned up")
        return 130
    finally:
        if args.keep:
            log(f"kept the generated packs in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print_report(report)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {args.json}")
    missed = any(row["ok"] is False for row in report["rows"])
    return 1 if args.fail_on_budget and missed and not args.quick else 0


def _notes(report: dict[str, Any]) -> list[str]:
    """Why a row says n/a, timeout or a failure: the first thing anyone asks."""
    notes = []
    rating = report.get("review_rating") or {}
    if rating.get("status") not in ("ok", None):
        notes.append(f"- review_rating: {rating.get('status')}: {rating.get('reason', '')}")
    for name in ("search", "section_open"):
        result = report[name]
        if result.get("status") != "ok":
            notes.append(f"- {name}: {result.get('status')}: {result.get('reason', '')}")
        notes.extend(f"- {name}: {note}" for note in result.get("notes", []))
        for case, entry in (result.get("cases") or {}).items():
            warnings = [run["warning"] for run in entry["runs"] if "warning" in run]
            if entry.get("status") != "ok" or warnings:
                said = [entry.get("status", ""), entry.get("reason", ""), *warnings[:1]]
                notes.append(f"- open {case}: " + "; ".join(part for part in said if part))
    for key, entry in (report["first_screen"].get("packs") or {}).items():
        for failure in entry["reader"]["failures"][:1]:
            lines = failure["screen"].splitlines()
            where, lines = (
                ("first", lines[:3]) if failure["status"] == "timeout" else ("last", lines[-3:])
            )
            notes.append(
                f"- first screen {key}: {failure['status']}; {where} screen lines: "
                + " / ".join(line.strip() for line in lines)
            )
    return notes
