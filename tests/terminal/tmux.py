"""A small driver for a private tmux server: start a command, press keys, read the screen.

Every test gets its own server (`tmux -L <unique>`), so tests never see each other's
panes, and the server is killed in a finalizer even when an assertion fails. Waiting is
always polling with a deadline (fzf's test/lib/common.rb does the same): a slow machine
only makes a test slower, never flaky, and a hang fails with the screen in the message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

# Re-exported for the terminal and SSH tests: one /proc reader for them and the load benchmark.
from tests.perf.sshd_harness import pid_alive as pid_alive
from tests.perf.sshd_harness import processes_with as processes_with

POLL_INTERVAL = 0.05
DEFAULT_TIMEOUT = 20.0
#: Seen on the first screen of the bundled pack.
FIRST_SCREEN_TEXT = "This pack asks one question"
PACK_TITLE = "Eczema: is it autoimmune?"

#: The server's own settings: keep dead panes for their exit status, let OSC 52 from
#: the app create paste buffers (so a leak would show), and a roomy scrollback.
TMUX_CONF = """\
set-option -g remain-on-exit on
set-option -g set-clipboard on
set-option -g history-limit 5000
set-option -g status off
set-option -g escape-time 10
"""


#: The Debian package each program comes from, for the skip message.
PACKAGES = {
    "sshd": "openssh-server",
    "ssh": "openssh-client",
    "scp": "openssh-client",
    "sftp": "openssh-client",
    "ssh-keygen": "openssh-client",
}


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def require_binary(name: str, path: str | None = None) -> str:
    """The absolute path of a program the test needs; skip without it, but fail on CI."""
    found = path if path and os.access(path, os.X_OK) else shutil.which(name)
    if found:
        return found
    package = PACKAGES.get(name, name)
    message = f"{name} is not installed (apt-get install {package}); this test drives the real one"
    if on_ci():
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


def reader_command() -> str:
    """The installed `reader` script itself (not a pyenv shim), so the pane's pid is the app."""
    script = Path(sysconfig.get_path("scripts")) / "reader"
    if script.is_file() and os.access(script, os.X_OK):
        return str(script)
    beside = Path(sys.executable).parent / "reader"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("reader")
    if found is None:
        message = "the `reader` command is not installed (pip install -e .)"
        if on_ci():
            pytest.fail(message)
        pytest.skip(message)
    return found


def clean_env(home: Path, *, term: str = "xterm-256color", **extra: str) -> dict[str, str]:
    """A complete, minimal environment for the app: its own HOME and XDG folders.

    Passed through `env -i`, so nothing from the developer's shell (READER_RESTRICTED,
    TEXTUAL_*, NO_COLOR, a stale search cache in the real HOME) leaks into the test.
    """
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TERM": term,
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TMPDIR": str(home / "tmp"),
    }
    if os.environ.get("PYTHONPATH"):  # whatever this pytest imports, the app imports too
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    for folder in ("HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "TMPDIR"):
        Path(env[folder]).mkdir(parents=True, exist_ok=True)
    env.update(extra)
    return env


@dataclass
class AppPlace:
    """Where one test's app lives: its HOME, state dir, and the marker in its environment."""

    home: Path
    state_dir: Path
    marker: str

    def env(self, *, term: str = "xterm-256color", **extra: str) -> dict[str, str]:
        return clean_env(self.home, term=term, READER_STATE_DIR=str(self.state_dir), **extra)


#: The `start_reader` fixture: `start_reader("--no-state", width=80, term="dumb")`.
StartReader = Callable[..., None]


def env_argv(env: Mapping[str, str], argv: Sequence[str]) -> list[str]:
    """`env -i K=V ... argv`: the exact environment, whatever tmux's own defaults are.

    tmux sets TERM from its `default-terminal` after applying `-e`, so only `env` inside
    the pane can give the app TERM=dumb.
    """
    return ["env", "-i", *(f"{key}={value}" for key, value in env.items()), *argv]


class Tmux:
    """One private tmux server with one session, `main`, whose first pane runs the app."""

    def __init__(self, workdir: Path) -> None:
        self.binary = require_binary("tmux")
        self.socket = f"reader-test-{uuid.uuid4().hex[:12]}"
        workdir.mkdir(parents=True, exist_ok=True)
        self.conf = workdir / "tmux.conf"
        self.conf.write_text(TMUX_CONF, encoding="utf-8")
        self.target = "main"
        self.started = False

    # ------------------------------------------------------------------ plumbing
    def run(self, *args: str, check: bool = True) -> str:
        """One tmux command against this server; its stdout."""
        result = subprocess.run(
            [self.binary, "-L", self.socket, "-f", str(self.conf), *args],
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
            env={**os.environ, "LANG": "C.UTF-8", "TMUX": ""},
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, argv: Sequence[str], *, width: int = 100, height: int = 30) -> None:
        """Start `argv` (no shell in between) in a detached session of the given size."""
        self.run("new-session", "-d", "-s", self.target, "-x", str(width), "-y", str(height), *argv)
        self.started = True

    def restart(self, argv: Sequence[str], *, width: int = 100, height: int = 30) -> None:
        """A new server and session for a second run (e.g. after the first one exited).

        A fresh socket name: the old server may still be shutting down on its own.
        """
        self.kill()
        self.socket = f"reader-test-{uuid.uuid4().hex[:12]}"
        self.start(argv, width=width, height=height)

    def kill(self) -> None:
        """Kill the server and everything in it (the finalizer; safe to call twice)."""
        if self.started:
            self.run("kill-server", check=False)
            self.started = False

    # ------------------------------------------------------------------ input
    def send(self, *keys: str) -> None:
        """Keys by tmux name (`Enter`, `C-p`, `]`), each one a key press."""
        self.run("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        """Literal text, character by character as a fast typist would."""
        self.run("send-keys", "-t", self.target, "-l", text)

    def send_bytes(self, data: bytes) -> None:
        """Raw bytes to the pane's input (e.g. a mouse report)."""
        self.run("send-keys", "-t", self.target, "-H", *(f"{byte:02x}" for byte in data))

    def click(self, column: int, row: int) -> None:
        """A left click at a 0-based cell, as an SGR (1006) mouse report."""
        for final in ("M", "m"):
            self.send_bytes(f"\x1b[<0;{column + 1};{row + 1}{final}".encode())

    def resize(self, width: int, height: int) -> None:
        self.run("resize-window", "-t", self.target, "-x", str(width), "-y", str(height))

    # ------------------------------------------------------------------ output
    def screen(self) -> str:
        """The visible pane as text (no escape sequences)."""
        return self.run("capture-pane", "-p", "-t", self.target, check=False)

    def history(self) -> str:
        """Scrollback and screen with wrapped lines joined: a traceback printed at 1 column
        still reads `Traceback` here."""
        return self.run("capture-pane", "-p", "-J", "-S", "-", "-t", self.target, check=False)

    def pane(self, fmt: str) -> str:
        """A pane format such as `#{pane_pid}` or `#{pane_dead_status}`."""
        return self.run("display-message", "-p", "-t", self.target, fmt, check=False).strip()

    @property
    def pid(self) -> int:
        return int(self.pane("#{pane_pid}"))

    @property
    def dead(self) -> bool:
        return self.pane("#{pane_dead}") == "1"

    def size(self) -> tuple[int, int]:
        width, height = self.pane("#{pane_width} #{pane_height}").split()
        return int(width), int(height)

    def buffers(self) -> list[str]:
        return self.run("list-buffers", "-F", "#{buffer_name}", check=False).split()

    # ------------------------------------------------------------------ waiting
    def wait_for(self, *texts: str, timeout: float = DEFAULT_TIMEOUT, why: str = "") -> str:
        """Poll the screen until every text is on it; return that screen."""
        return self.wait_screen(
            lambda screen: all(text in screen for text in texts),
            timeout=timeout,
            why=why or f"{texts!r} on screen",
        )

    def wait_screen(
        self, predicate: Callable[[str], bool], *, timeout: float = DEFAULT_TIMEOUT, why: str
    ) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            if self.dead:
                screen = self.screen()
                if predicate(screen):
                    return screen
                raise AssertionError(
                    f"the app exited (status {self.pane('#{pane_dead_status}')}) "
                    f"while waiting for {why}; screen:\n{screen}"
                )
            time.sleep(POLL_INTERVAL)
        raise AssertionError(f"timed out after {timeout} s waiting for {why}; screen:\n{screen}")

    def wait_dead(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """Poll until the pane's process has exited; its exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.dead:
                status = self.pane("#{pane_dead_status}")
                signal = self.pane("#{pane_dead_signal}")
                if signal and signal != "0" and not status:
                    return 128 + int(signal)
                return int(status or 0)
            time.sleep(POLL_INTERVAL)
        raise AssertionError(
            f"the app was still running {timeout} s later; screen:\n{self.screen()}"
        )


@pytest.fixture(name="tmux")
def tmux_fixture(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server, killed (with everything in it) when the test ends.

    One fixture for the terminal and the SSH tests; their conftests import it.
    """
    server = Tmux(tmp_path / "tmux")
    try:
        yield server
    finally:
        server.kill()


def wait_until(
    predicate: Callable[[], bool], *, timeout: float = DEFAULT_TIMEOUT, why: str
) -> None:
    """Poll any condition with a deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(POLL_INTERVAL)
    raise AssertionError(f"timed out after {timeout} s waiting for {why}")


def children_of(pid: int) -> list[int]:
    """Direct child processes of `pid`, from every thread's `children` list."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return children


def assert_no_traceback(screen: str) -> None:
    """A crash shows as Python's or Rich's traceback in the pane (kept by remain-on-exit)."""
    assert "Traceback" not in screen, f"a traceback on screen:\n{screen}"


def files_under(folders: Iterable[Path]) -> set[Path]:
    """Every file below the folders (for before/after comparisons)."""
    found: set[Path] = set()
    for folder in folders:
        for dirpath, _dirnames, filenames in os.walk(folder):
            found.update(Path(dirpath) / name for name in filenames)
    return found


# ------------------------------------------------------------------ memory
#: Far above what the reader needs (~60 MB at 500x300), far below what the unclamped
#: layout reached (1.2 GB after 7 s, growing).
RSS_LIMIT_KB = 300 * 1024
GROWTH_LIMIT_KB = 16 * 1024


def memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def assert_bounded_memory(pid: int, seconds: float = 3.0) -> list[dict[str, int]]:
    """VmRSS sampled for a few seconds: under RSS_LIMIT_KB, and not growing."""
    samples = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        samples.append(memory_kb(pid))
        time.sleep(0.25)
    peak = max(sample["VmHWM"] for sample in samples)
    assert peak < RSS_LIMIT_KB, f"peak RSS {peak} kB: {samples}"
    growth = samples[-1]["VmRSS"] - samples[len(samples) // 2]["VmRSS"]
    assert growth < GROWTH_LIMIT_KB, f"RSS still growing ({growth} kB): {samples}"
    return samples
