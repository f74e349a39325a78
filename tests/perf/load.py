"""The load benchmark of issue 21: many readers behind one sshd on one host.

    python -m tests.perf load [--sessions N] [--pack PATH] [--json FILE]

A real sshd on 127.0.0.1 runs `reader --restricted PACK` as its ForceCommand, as the
SSH tests start it (tests/perf/sshd_harness.py). N clients (`ssh -tt`, each in its own
tmux session of 100x30) connect one after another, each waiting for its first screen.
Then, with everyone idle: the readers' PSS (smaps_rollup, summed over each reader and
anything it started, never ssh, sshd or tmux) and their CPU over 30 s. Last, the
keystroke probe (keystroke_probe.py: from the key's arrival in the reader to the frame
that shows its results) times searches typed by one user, then by ten at once, who also
open results and page through them while everyone else sits idle: the timed users'
sessions take the places of idle ones, so N readers run throughout.

Budgets (issue 21, this 2-core machine kind) are judged only at the documented size: 50
sessions, 10 active. Everything started here is stopped, by pid, on the way out, after
Ctrl-C or a failure too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.perf import generate
from tests.perf import sshd_harness as harness
from tests.perf.bench import (
    FULL,
    PackSpec,
    Row,
    Tmux,
    compile_bytecode,
    expected_text,
    machine_info,
)
from tests.perf.keystroke import ESCAPE_GAP_S, INDEX_TIMEOUT_S, KEY_TIMEOUT_S, TYPING_GAP_S

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SESSIONS = 50
DEFAULT_ACTIVE = 10
WIDTH, HEIGHT = 100, 30
IDLE_WINDOW_S = 30.0
POLL_S = 0.02
LOG_POLL_S = 0.01  # the probe's log: the latency is the app's own, this only paces typing
FIRST_SCREEN_TIMEOUT_S = 120.0
SETTLE_LIMIT_S = 180.0
HANG_UP_LIMIT_S = 10.0
PAGE_KEYS = ("Enter", "PageDown", "PageDown", "PageDown")  # open the best hit, read on
PAGE_GAP_S = 0.3
QUERIES_PER_USER = 4

#: Issue 21's budgets on this 2-core machine kind, for 50 sessions and 10 active users.
PSS_TOTAL_BUDGET_MB = 2048.0
PSS_SESSION_BUDGET_MB = 40.0
IDLE_CPU_BUDGET_PCT = 5.0
KEYSTROKE_P95_BUDGET_S = 0.150


@dataclass
class Session:
    """One client: its tmux session, and when it showed its first screen."""

    name: str
    probe: bool = False
    status: str = "starting"  # "ok", "timeout", "exited (N)", "error: ..."
    first_screen_s: float | None = None
    screen: str = ""


@dataclass
class Readers:
    """The reader processes behind the sessions: one tree per session."""

    trees: dict[int, list[int]] = field(default_factory=dict)  # top pid -> it and below
    commands: dict[int, list[str]] = field(default_factory=dict)
    sessions: dict[int, str] = field(default_factory=dict)  # top pid -> session name


# --------------------------------------------------------------------------- /proc


def find_readers(server: harness.SshdServer) -> Readers:
    """Every process with the server's marker in its environment, grouped under the one
    whose parent lacks it (the reader that sshd's shell exec'd), with its session."""
    marked = set(harness.processes_with(server.marker))
    found = Readers()
    for pid in marked:
        top = pid
        while (parent := harness.parent_of(top)) in marked and parent is not None:
            top = parent
        found.trees.setdefault(top, []).append(pid)
    for top in found.trees:
        found.commands[top] = harness.command_line(top)
        found.sessions[top] = harness.environment_of(top).get(harness.SESSION_ENV, "?")
    return found


def is_reader(command: list[str]) -> bool:
    """A reader's command line: the installed script, `-m reader`, or the probe."""
    text = " ".join(command)
    return "--restricted" in command and (
        any(Path(part).name == "reader" for part in command[:2])
        or "-m reader" in text
        or "tests.perf.keystroke_probe" in text
    )


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of all the process's threads, in clock ticks."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    return None


def total_ticks(pids: list[int]) -> dict[int, int]:
    return {pid: ticks for pid in pids if (ticks := cpu_ticks(pid)) is not None}


def machine_memory_kb() -> int | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    return None


# --------------------------------------------------------------------------- probe log


class ProbeLog:
    """The probe's JSON lines for one session, re-read only when the file grew."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = -1
        self.records: list[dict[str, Any]] = []

    def refresh(self) -> list[dict[str, Any]]:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return self.records
        if size != self.size:
            text = self.path.read_text(encoding="utf-8")
            complete = text[: text.rfind("\n") + 1]  # a line being written is not yet read
            self.size = len(complete.encode()) if complete != text else size
            self.records = [json.loads(line) for line in complete.splitlines() if line.strip()]
        return self.records

    def wait(self, condition: Callable[[list[dict[str, Any]]], object], timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if condition(self.refresh()):
                return True
            time.sleep(LOG_POLL_S)
        return False

    def latency(self, since: int, query: str) -> float | None:
        """The logged latency of the key that made the search box hold `query`."""
        for record in self.records[since:]:
            if record.get("query") == query:
                return float(record["latency_s"])
        return None


def index_ready(records: list[dict[str, Any]]) -> bool:
    return any(record.get("event") == "index-ready" for record in records)


# --------------------------------------------------------------------------- the run


def log_to_stderr(began: float) -> Callable[[str], None]:
    def log(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f} s] {message}", file=sys.stderr, flush=True)

    return log


def user_queries(titles: list[str], user: int, count: int = QUERIES_PER_USER) -> list[str]:
    """Each user searches for words of a few section titles (seeded by the user): the
    start of a title, one or two words of four letters or more, as people type them."""
    rng = random.Random(user)
    usable = [
        words
        for title in titles
        if (words := [w.lower() for w in re.findall(r"[A-Za-z0-9]+", title) if len(w) >= 4])
    ]
    if not usable:
        return ["search"] * count
    picked = rng.sample(usable, min(count, len(usable)))
    return [" ".join(words[:2]) if len(" ".join(words[:2])) <= 18 else words[0] for words in picked]


class LoadRun:
    """One benchmark run: its temp folder, sshd, tmux server and sessions."""

    def __init__(self, args: argparse.Namespace, log: Callable[[str], None]) -> None:
        self.args, self.log = args, log
        self.root = Path(tempfile.mkdtemp(prefix="reader-load-"))
        self.server: harness.SshdServer | None = None
        self.sshd_children: set[int] = set()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("TEXTUAL") and key not in ("TMUX", "TMUX_PANE")
        }
        env.update(LANG="C.UTF-8", SHELL="/bin/sh", TERM="xterm-256color")
        env.pop("LC_ALL", None)
        self.tmux = Tmux(args.tmux_socket, env, REPO)
        self.sessions: dict[str, Session] = {}

    # ------------------------------------------------------------------ setup
    def pack(self) -> tuple[Path, dict[str, Any]]:
        """The pack the sessions read: --pack, else the 3.5 MB / 2,000-section pack."""
        from reader.pack import load_pack

        if self.args.pack:
            path = Path(self.args.pack).resolve()
        else:
            sections, files, size = FULL.pack_3_5mb
            path = generate.generate_pack(self.root / "pack-3.5mb", sections, files, size, seed=2)
        pack = load_pack(path)
        return path, {
            "path": str(path),
            "bytes": generate.markdown_bytes(path),
            "files": len(pack.files),
            "sections": len(pack.sections),
            "titles": [section.title for section in pack.sections],
        }

    def build_index(self, pack: Path) -> dict[str, Any]:
        """`reader index PACK` if the reader has it, else one unrestricted run as the
        SSH user fills the per-user cache that restricted sessions only read."""
        assert self.server is not None
        program = harness.reader_program()
        env = {**self.server.server_env, "PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
        helped = subprocess.run(
            [*program, "index", "--help"], env=env, capture_output=True, text=True, timeout=60
        )
        started = time.perf_counter()
        has_command = helped.returncode == 0 and "reader index" in helped.stdout
        if self.args.index == "shared" and not has_command:
            raise harness.HarnessError("--index shared: this reader has no `reader index`")
        if has_command and self.args.index != "cache":
            built = subprocess.run(
                [*program, "index", str(pack)], env=env, capture_output=True, text=True, timeout=600
            )
            seconds = time.perf_counter() - started
            if built.returncode:
                raise harness.HarnessError(f"reader index failed: {built.stderr.strip()[-500:]}")
            return {"how": "shared index: `reader index PACK`", "seconds": seconds}
        # Without `reader index`: the probe, unrestricted and saving, as the same user with the
        # same HOME, says when its index is ready, which is when the cache file is written.
        log = ProbeLog(self.root / "warm-up.jsonl")
        python_path = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        warm_env = {**env, "PYTHONPATH": python_path, harness.PROBE_LOG_ENV: str(log.path)}
        argv = [sys.executable, "-m", "tests.perf.keystroke_probe", str(pack)]
        env_argv = ["env", "-i", *(f"{k}={v}" for k, v in warm_env.items()), *argv]
        self.new_session("warm-up", env_argv)
        ready = log.wait(index_ready, INDEX_TIMEOUT_S)
        self.tmux("send-keys", "-t", "warm-up", "q")
        harness.wait_until(lambda: self.pane_dead("warm-up"), 10)
        self.tmux("kill-session", "-t", "warm-up")
        if not ready:
            raise harness.HarnessError("the warm-up run never finished its search index")
        return {
            "how": "per-user cache, warmed by one unrestricted run as the SSH user "
            + ("(--index cache)" if has_command else "(no `reader index` in this reader)"),
            "seconds": time.perf_counter() - started,
        }

    # ------------------------------------------------------------------ tmux
    def new_session(self, name: str, argv: list[str]) -> bool:
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        started = self.tmux("new-session", "-d", "-s", name, *size, "-c", str(self.root), *argv)
        return started.returncode == 0

    def pane_dead(self, name: str) -> bool:
        shown = self.tmux("display-message", "-p", "-t", name, "#{pane_dead}")
        return shown.returncode != 0 or shown.stdout.startswith("1")

    def screen(self, name: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", name).stdout

    def connect(self, name: str, expect: list[str], *, probe: bool = False) -> Session:
        """Start one client; wait until its first screen shows every `expect` string
        (nothing, for a probe session: its log says when it is ready)."""
        assert self.server is not None
        session = Session(name, probe=probe)
        self.sessions[name] = session
        started = time.perf_counter()
        if not self.new_session(name, self.server.client_argv(name, probe=probe)):
            session.status = "error: tmux new-session failed"
            return session
        polls = 0
        while True:
            text = self.screen(name)
            if all(part in text for part in expect):
                session.status, session.first_screen_s = "ok", time.perf_counter() - started
                return session
            polls += 1
            if polls % 10 == 0 and self.pane_dead(name):
                session.status, session.screen = "exited", self.screen(name)
                return session
            if time.perf_counter() - started > FIRST_SCREEN_TIMEOUT_S:
                session.status, session.screen = "timeout", text
                return session
            time.sleep(POLL_S)

    def hang_up(self, name: str) -> bool:
        """Close a client's terminal (its ssh gets SIGHUP); True once its reader is gone."""
        server = self.server
        assert server is not None
        self.tmux("kill-session", "-t", name)
        self.sessions.pop(name, None)
        return harness.wait_until(
            lambda: name not in find_readers(server).sessions.values(), HANG_UP_LIMIT_S
        )

    # ------------------------------------------------------------------ measuring
    def settle(self) -> float:
        """Wait until the readers stop working (loading files, opening the index): under
        10% of one core over 2 s, or SETTLE_LIMIT_S. Returns the seconds waited."""
        assert self.server is not None
        tick, window = 1 / os.sysconf("SC_CLK_TCK"), 2.0
        started = time.perf_counter()
        while time.perf_counter() - started < SETTLE_LIMIT_S:
            pids = [pid for tree in find_readers(self.server).trees.values() for pid in tree]
            before = total_ticks(pids)
            time.sleep(window)
            after = total_ticks(pids)
            used = sum(after[pid] - before[pid] for pid in after if pid in before) * tick
            if used <= 0.1 * window:
                break
        return time.perf_counter() - started

    def memory(self) -> dict[str, Any]:
        """PSS (and private memory) of each session's reader tree, summed."""
        assert self.server is not None
        readers = find_readers(self.server)
        per_session = []
        for top, tree in sorted(readers.trees.items()):
            rollups = [harness.smaps_rollup(pid) for pid in tree]
            per_session.append(
                {
                    "pid": top,
                    "session": readers.sessions[top],
                    "processes": len(tree),
                    "is_reader": is_reader(readers.commands[top]),
                    "command": readers.commands[top],
                    "indexes": sorted({f for pid in tree for f in harness.open_indexes(pid)}),
                    **{
                        key: sum(r.get(key, 0) for r in rollups)
                        for key in ("Pss", "Rss", "Private_Clean", "Private_Dirty", "Swap")
                    },
                }
            )
        pss = [entry["Pss"] for entry in per_session]
        private = [entry["Private_Clean"] + entry["Private_Dirty"] for entry in per_session]
        indexes: dict[str, int] = {}
        for entry in per_session:
            for index in entry["indexes"] or ["none"]:
                indexes[index] = indexes.get(index, 0) + 1
        return {
            "status": "ok" if per_session else "error",
            "readers": len(per_session),
            "processes": sum(entry["processes"] for entry in per_session),
            "not_readers": [e["command"] for e in per_session if not e["is_reader"]],
            "indexes_open": indexes,  # file (or "none") -> how many readers hold it open
            "pss_total_kb": sum(pss),
            "pss_mean_kb": statistics.mean(pss) if pss else None,
            "pss_max_kb": max(pss) if pss else None,
            "private_mean_kb": statistics.mean(private) if private else None,
            "sessions": per_session,
        }

    def around(self) -> list[int]:
        """ssh clients, sshd and tmux: what serves the readers, not counted as them."""
        assert self.server is not None and self.server.process is not None
        readers = {pid for tree in find_readers(self.server).trees.values() for pid in tree}
        pids = [self.server.process.pid, *harness.descendants(self.server.process.pid)]
        if self.tmux.server_pid:
            pids += [self.tmux.server_pid, *harness.descendants(self.tmux.server_pid)]
        return [pid for pid in pids if pid not in readers]

    def idle_cpu(self, seconds: float) -> dict[str, Any]:
        """utime+stime of every reader, and of what is around them, over `seconds`."""
        assert self.server is not None
        tick = 1 / os.sysconf("SC_CLK_TCK")
        readers = [pid for tree in find_readers(self.server).trees.values() for pid in tree]
        others = self.around()
        before, before_others = total_ticks(readers), total_ticks(others)
        started = time.perf_counter()
        time.sleep(seconds)
        after, after_others = total_ticks(readers), total_ticks(others)
        window = time.perf_counter() - started

        def used(first: dict[int, int], last: dict[int, int]) -> float:
            return sum(last[pid] - first[pid] for pid in last if pid in first) * tick

        busiest = max(((after[p] - before[p]) * tick, p) for p in after if p in before)
        return {
            "status": "ok",
            "window_s": window,
            "readers": len(before),
            "cpu_s": used(before, after),
            "percent_of_core": 100 * used(before, after) / window,
            "busiest_reader_cpu_s": busiest[0],
            "around_cpu_s": used(before_others, after_others),
            "around_percent_of_core": 100 * used(before_others, after_others) / window,
            "gone_during_window": len(set(before) - set(after)),
        }

    def type_and_page(self, name: str, queries: list[str], delay: float) -> dict[str, Any]:
        """One user: for each query, a fresh search box, typed a key at a time (each key
        timed by the probe), then the best hit opened and paged through."""
        assert self.server is not None
        probe_log = ProbeLog(self.server.probe_log(name))
        keys: list[dict[str, Any]] = []
        timeouts: list[str] = []
        time.sleep(delay)
        for query in queries:
            self.tmux("send-keys", "-t", name, "Escape")
            time.sleep(ESCAPE_GAP_S)  # a lone ESC is told from a key sequence by a pause
            self.tmux("send-keys", "-t", name, "/")
            time.sleep(TYPING_GAP_S)
            for typed in range(1, len(query) + 1):
                seen = len(probe_log.refresh())
                wanted = query[:typed]
                self.tmux("send-keys", "-t", name, "-l", query[typed - 1])

                def shown(_records: object, since: int = seen, query: str = wanted) -> bool:
                    return probe_log.latency(since, query) is not None

                if not probe_log.wait(shown, KEY_TIMEOUT_S):
                    timeouts.append(wanted)
                    break  # this query's box is in doubt; the next one starts fresh
                latency = probe_log.latency(seen, wanted)
                keys.append({"session": name, "query": wanted, "latency_s": latency})
                time.sleep(TYPING_GAP_S)
            for key in PAGE_KEYS:
                self.tmux("send-keys", "-t", name, key)
                time.sleep(PAGE_GAP_S)
        return {"keys": keys, "timeouts": timeouts}

    def typists(self, names: list[str], titles: list[str]) -> dict[str, Any]:
        """Every named user types at once (each a thread, a tenth of a second apart)."""
        results: dict[str, dict[str, Any]] = {}
        errors: list[str] = []

        def one(index: int, name: str) -> None:
            try:
                results[name] = self.type_and_page(name, user_queries(titles, index), index / 10)
            except Exception as error:  # a harness reports, it does not crash
                errors.append(f"{name}: {type(error).__name__}: {error}")

        threads = [
            threading.Thread(target=one, args=(i, name), daemon=True)
            for i, name in enumerate(names)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return summarize_keys(results, errors, len(names))

    # ------------------------------------------------------------------ cleanup
    def close(self) -> None:
        """tmux (hanging up every client), then the readers, then sshd; by pid."""
        self.tmux.stop()
        server = self.server
        if server is not None:
            if server.process is not None:
                self.sshd_children.update(harness.descendants(server.process.pid))
            harness.wait_until(lambda: not harness.processes_with(server.marker), 5)
            harness.kill_all(harness.processes_with(server.marker))
            server.stop()
            harness.kill_all([pid for pid in self.sshd_children if harness.pid_alive(pid)])
        if self.args.keep:
            self.log(f"kept {self.root}")
        else:
            shutil.rmtree(self.root, ignore_errors=True)


def summarize_keys(
    results: dict[str, dict[str, Any]], errors: list[str], users: int
) -> dict[str, Any]:
    """p50/p95/max over every timed key of every user (nearest rank, as bench.py)."""
    keys = [key for result in results.values() for key in result["keys"]]
    timeouts = [f"{name}: {q!r}" for name, r in results.items() for q in r["timeouts"]]
    latencies = sorted(key["latency_s"] for key in keys)
    if not latencies:
        return {"status": "error", "reason": "; ".join(errors + timeouts)[:300] or "no keys"}
    return {
        "status": "ok" if not errors else "error",
        "users": users,
        "keystrokes": len(latencies),
        "p50_s": statistics.median(latencies),
        "p95_s": latencies[max(0, round(0.95 * len(latencies)) - 1)],
        "max_s": latencies[-1],
        "timeouts": timeouts,
        "errors": errors,
        "keys": keys,
    }


def measure(run: LoadRun, args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement, in order; returns the report that becomes the JSON."""
    log = run.log
    command = harness.reader_program()
    machine = machine_info(command)
    machine["memory_kb"] = machine_memory_kb()
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        ssh_v = subprocess.run(["ssh", "-V"], capture_output=True, text=True, timeout=10)
        machine["openssh"] = (ssh_v.stderr or ssh_v.stdout).strip()
    log(f"temp folder: {run.root}")
    compile_bytecode()
    pack, pack_info = run.pack()
    titles = pack_info.pop("titles")
    log(f"pack: {pack} ({pack_info['bytes'] / 1e6:.1f} MB, {pack_info['sections']:,} sections)")

    run.server = harness.start_sshd(run.root / "sshd", pack)
    log(f"sshd on 127.0.0.1:{run.server.port} (probe port {run.server.probe_port})")
    run.tmux.start()
    index = run.build_index(pack)
    log(f"search index: {index['how']} ({index['seconds']:.1f} s)")
    spec = PackSpec("load", "", pack)
    env = {**run.server.server_env, "PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
    expect = expected_text(spec, command, env)
    log(f"a first screen shows {expect}")

    sessions = args.sessions
    began = time.perf_counter()
    for number in range(1, sessions + 1):
        session = run.connect(f"s{number:03d}", expect)
        shown = f"{session.first_screen_s:.2f} s" if session.first_screen_s else session.status
        if number in (1, sessions) or number % 10 == 0 or session.status != "ok":
            log(f"session {number}/{sessions}: first screen {shown}")
        if session.status != "ok":
            lines = [line for line in session.screen.splitlines() if line.strip()]
            log("  its screen: " + " / ".join(lines[-3:])[:300])
    started_s = time.perf_counter() - began
    ok_sessions = [s for s in run.sessions.values() if s.status == "ok"]
    failures = [asdict(s) for s in run.sessions.values() if s.status != "ok"]
    last = run.sessions[f"s{sessions:03d}"]
    log(f"{len(ok_sessions)} of {sessions} sessions on their first screen in {started_s:.0f} s")

    waited = run.settle()
    log(f"idle after {waited:.1f} s more")
    memory = run.memory()
    log(
        f"PSS: {memory['pss_total_kb'] / 1024:.0f} MB in {memory['readers']} readers "
        f"({memory['processes']} processes)"
    )
    for held, count in memory["indexes_open"].items():
        log(f"search index open in {count} of {memory['readers']} readers: {held}")
    log(f"idle CPU: measuring over {args.idle_seconds:.0f} s")
    cpu = run.idle_cpu(args.idle_seconds)
    log(f"idle CPU: {cpu['percent_of_core']:.2f}% of one core")

    active = min(args.active, sessions)
    plain = [s.name for s in ok_sessions]
    keystrokes: dict[str, Any] = {}
    for users in sorted({1, active}):
        probes = [f"k{number:03d}" for number in range(1, users + 1)]
        for name in probes:
            if name in run.sessions:
                continue
            if plain:
                run.hang_up(plain.pop())  # a timed user takes an idle user's place
            session = run.connect(name, [], probe=True)
            ready = ProbeLog(run.server.probe_log(name)).wait(index_ready, INDEX_TIMEOUT_S)
            session.status = "ok" if ready else "timeout"
        run.settle()
        log(f"keystrokes: {users} active, {len(plain)} idle")
        keystrokes[str(users)] = run.typists(probes, titles)
        result = keystrokes[str(users)]
        if result["status"] == "ok":
            log(
                f"keystrokes: {users} active: p50 {result['p50_s'] * 1000:.0f} ms, p95 "
                f"{result['p95_s'] * 1000:.0f} ms over {result['keystrokes']} keys"
            )
        else:
            log(f"keystrokes: {users} active: {result['status']}: {result.get('reason', '')}")

    first_screens = [s.first_screen_s for s in ok_sessions if s.first_screen_s is not None]
    report: dict[str, Any] = {
        "schema": 1,
        "machine": machine,
        "settings": {
            "sessions": sessions,
            "active": active,
            "terminal": f"tmux {WIDTH}x{HEIGHT}, ssh -tt",
            "idle_window_s": args.idle_seconds,
            "judged": sessions == DEFAULT_SESSIONS and active == DEFAULT_ACTIVE,
        },
        "pack": pack_info,
        "index": index,
        "first_screen": {
            "ok": len(ok_sessions),
            "sessions": sessions,
            "all_started_s": started_s,
            "last_s": last.first_screen_s,
            "first_s": first_screens[0] if first_screens else None,
            "median_s": statistics.median(first_screens) if first_screens else None,
            "max_s": max(first_screens) if first_screens else None,
            "per_session_s": first_screens,
            "failures": failures,
        },
        "settle_s": waited,
        "memory": memory,
        "idle_cpu": cpu,
        "keystroke": keystrokes,
    }
    report["rows"] = [asdict(row) for row in rows(report)]
    return report


# --------------------------------------------------------------------------- report


def rows(report: dict[str, Any]) -> list[Row]:
    """The table's rows; budgets judged only at 50 sessions and 10 active users."""
    settings, judge = report["settings"], report["settings"]["judged"]
    n, memory, cpu = settings["sessions"], report["memory"], report["idle_cpu"]
    screens = report["first_screen"]

    def judged(value: float | None, budget: float) -> bool | None:
        return None if not judge or value is None else value <= budget

    def mb(kb: float | None) -> float | None:
        return None if kb is None else kb / 1024

    total, mean, largest = (
        mb(memory["pss_total_kb"]),
        mb(memory["pss_mean_kb"]),
        mb(memory["pss_max_kb"]),
    )
    table = [
        Row(
            f"sessions on their first screen (of {n})",
            f"{screens['ok']}",
            screens["ok"],
            unit="",
            ok=screens["ok"] == n if judge else None,
        ),
        Row(
            f"PSS, all {memory['readers']} readers",
            _mb(total),
            total,
            unit="MB",
            budget=PSS_TOTAL_BUDGET_MB * n / DEFAULT_SESSIONS,
            budget_unit="MB",
            ok=judged(total, PSS_TOTAL_BUDGET_MB),
        ),
        Row(
            "PSS per session, mean",
            _mb(mean),
            mean,
            unit="MB",
            budget=PSS_SESSION_BUDGET_MB,
            budget_unit="MB",
            ok=judged(mean, PSS_SESSION_BUDGET_MB),
        ),
        Row("PSS per session, largest", _mb(largest), largest, unit="MB"),
        Row(
            "private memory per session, mean (not shared with any other)",
            _mb(mb(memory["private_mean_kb"])),
            mb(memory["private_mean_kb"]),
            unit="MB",
        ),
        Row(
            f"idle CPU, all {cpu['readers']} readers over {cpu['window_s']:.0f} s",
            f"{cpu['percent_of_core']:.2f}% of a core",
            cpu["percent_of_core"],
            unit="%",
            budget=IDLE_CPU_BUDGET_PCT,
            budget_unit="%",
            ok=judged(cpu["percent_of_core"], IDLE_CPU_BUDGET_PCT),
        ),
        Row(
            "idle CPU around them (ssh clients, sshd, tmux), not budgeted",
            f"{cpu['around_percent_of_core']:.2f}% of a core",
            cpu["around_percent_of_core"],
            unit="%",
        ),
        Row(
            f"first screen of the last session to start (#{n})",
            _s(screens["last_s"]),
            screens["last_s"],
        ),
        Row(
            f"first screen, median of {screens['ok']} (first {_s(screens['first_s'])})",
            _s(screens["median_s"]),
            screens["median_s"],
        ),
    ]
    for users, result in report["keystroke"].items():
        ok = result.get("status") == "ok"
        idle = n - int(users)
        for key, name in [("p50_s", "p50"), ("p95_s", "p95"), ("max_s", "slowest")]:
            value = result.get(key) if ok else None
            budget = KEYSTROKE_P95_BUDGET_S if key == "p95_s" and users != "1" else None
            count = f" ({result['keystrokes']} keys)" if ok and key == "p50_s" else ""
            verdict = judged(value, budget) if budget else None
            if budget and judge and (not ok or result.get("timeouts")):
                verdict = False  # a key whose results never came is a miss, not a pass
            table.append(
                Row(
                    f"keystroke to results, {users} active + {idle} idle, {name}{count}",
                    f"{value * 1000:.1f} ms" if value is not None else result.get("status", "n/a"),
                    value,
                    budget=budget,
                    ok=verdict,
                )
            )
    return table


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f} MB"


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def format_table(table: list[dict[str, Any]]) -> str:
    """The Markdown table the README pastes (bench.py's, without the ratio column)."""
    lines = ["| what | value | budget | ok? |", "|---|---|---|---|"]
    for row in table:
        budget = "–"
        if row["budget"] is not None:
            unit = row["budget_unit"]
            budget = {
                "MB": f"≤ {row['budget']:,.0f} MB",
                "%": f"≤ {row['budget']:g}% of a core",
                "s": f"≤ {row['budget'] * 1000:.0f} ms",
            }[unit]
        ok = {True: "yes", False: "**NO**", None: "–"}[row["ok"]]
        lines.append(f"| {row['what']} | {row['shown']} | {budget} | {ok} |")
    return "\n".join(lines)


def print_report(report: dict[str, Any]) -> None:
    machine, settings, pack = report["machine"], report["settings"], report["pack"]
    ram = f"{machine['memory_kb'] / 1024 / 1024:.1f} GB RAM" if machine.get("memory_kb") else "?"
    print(
        f"machine: {machine['nproc']} CPUs ({machine['cpu'] or '?'}), {ram}, Python "
        f"{machine['python']}, Textual {machine['textual']}, {machine.get('openssh', '?')}, "
        f"{machine['tmux']}, {machine['date']}, load average {machine['loadavg'][0]} at start"
    )
    print(
        f"pack: {pack['bytes'] / 1e6:.1f} MB, {pack['sections']:,} sections in {pack['files']} "
        f"files; {settings['sessions']} sessions ({settings['terminal']}), "
        f"{settings['active']} active; search index: {report['index']['how']}"
    )
    opened = ", ".join(
        f"{count} of {report['memory']['readers']} readers: {Path(index).name}"
        for index, count in report["memory"]["indexes_open"].items()
    )
    print(f"search index open in {opened}")
    if not settings["judged"]:
        print(f"budgets judged only at {DEFAULT_SESSIONS} sessions, {DEFAULT_ACTIVE} active")
    print("keystroke: the probe's time from the key's arrival in the reader to the frame")
    print("with its results written (tests/perf/keystroke_probe.py)\n")
    print(format_table(report["rows"]))
    notes = []
    if report["memory"].get("not_readers"):
        notes.append(f"- counted processes that are not readers: {report['memory']['not_readers']}")
    for users, result in report["keystroke"].items():
        if result.get("timeouts"):
            notes.append(f"- {users} active: no results within 5 s for {result['timeouts'][:5]}")
        if result.get("errors"):
            notes.append(f"- {users} active: {result['errors'][:3]}")
    for failure in report["first_screen"]["failures"][:3]:
        notes.append(f"- session {failure['name']}: {failure['status']}")
    if notes:
        print("\n" + "\n".join(notes))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.perf load",
        description="N readers behind a real sshd in tmux: PSS, idle CPU, first screen, "
        "keystroke to results with 1 and 10 users typing. Prints a table, writes JSON.",
    )
    parser.add_argument("--sessions", type=int, default=DEFAULT_SESSIONS, help="default 50")
    parser.add_argument(
        "--active", type=int, default=DEFAULT_ACTIVE, help="users typing at once (default 10)"
    )
    parser.add_argument(
        "--pack", help="pack to serve (default: the generated 3.5 MB / 2,000-section pack)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=REPO / "bench-results" / "load.json",
        help="where to write the results (default bench-results/load.json)",
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=IDLE_WINDOW_S, help="idle CPU window (default 30)"
    )
    parser.add_argument(
        "--tmux-socket",
        default=f"reader-load-{os.getpid()}",
        help="name of the private tmux socket (tmux -L)",
    )
    parser.add_argument(
        "--index",
        choices=("auto", "shared", "cache"),
        default="auto",
        help="shared: `reader index PACK`; cache: warm each user's cache by one "
        "unrestricted run; auto (default): shared when the reader has `reader index`",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument(
        "--fail-on-budget", action="store_true", help="exit 1 when a judged budget is missed"
    )
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.active < 1:
        parser.error("--sessions and --active must be at least 1")
    return args


def _raise_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # so every `finally` runs and everything is stopped


@contextlib.contextmanager
def _signals_end_the_run() -> Iterator[None]:
    previous = {
        signum: signal.signal(signum, _raise_exit) for signum in (signal.SIGTERM, signal.SIGHUP)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, write the JSON; always stop what was started."""
    args = parse_args(argv)
    began = time.perf_counter()
    log = log_to_stderr(began)
    if not shutil.which("tmux"):
        print("load: tmux is not installed (apt-get install tmux)", file=sys.stderr)
        return 2
    with _signals_end_the_run():
        run = LoadRun(args, log)
        try:
            report = measure(run, args)
        except KeyboardInterrupt:
            log("interrupted")
            return 130
        except harness.HarnessError as error:
            log(f"cannot run: {error}")
            return 2
        finally:
            run.close()
            log("stopped sshd, tmux and every reader")
    report["took_s"] = time.perf_counter() - began
    report["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    print_report(report)
    print(
        f"\nthe run took {report['took_s']:.0f} s; load average "
        f"{report['machine']['loadavg_end'][0]} at the end"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"JSON: {args.json}")
    missed = any(row["ok"] is False for row in report["rows"])
    return 1 if args.fail_on_budget and missed else 0
