"""Content can never talk to the terminal: a hostile pack, and every byte the app writes.

A pack is data from someone else. If a heading, a code block or a file name carries
OSC 52, the viewer's clipboard is written; OSC 0/2 retitles the window; a DSR query
makes the terminal type an answer into the app; tmux's DCS passthrough reaches the
outer terminal. Here the app runs in a pty we own, we read every byte it writes while
pressing keys, and look for each injected sequence (with the marker written just before
it, so Textual's own escape sequences never match). Then the same pack in tmux: the
pane title and tmux's paste buffers must not change.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from tmux import AppPlace, Tmux, assert_no_traceback, env_argv, reader_command

pytestmark = pytest.mark.terminal

OSC52 = "\x1b]52;c;SGVsbG8=\x07"
OSC0 = "\x1b]0;PWNED-TITLE-0\x07"
OSC2 = "\x1b]2;PWNED-TITLE-2\x1b\\"
OSC8 = "\x1b]8;;http://osc8-injected.example/\x1b\\hyper\x1b]8;;\x1b\\"
CSI_2J = "\x1b[2J"
DSR = "\x1b[6n"
DCS = "\x1bPq#0;2;0;0;0DCS-INJECTED\x1b\\"
TMUX_PASSTHROUGH = "\x1bPtmux;\x1b\x1b]52;c;SGVsbG8=\x07\x1b\\"
C1_CSI = "\x9b2J"
C1_OSC = "\x9d0;PWNED-C1\x9c"
BEL = "\x07"

#: Every payload behind its marker: if the sanitizer missed one, marker and sequence
#: reach the terminal side by side (they are one span of text).
MARKED = {
    "M-OSC52:": OSC52,
    "M-OSC0:": OSC0,
    "M-OSC2:": OSC2,
    "M-OSC8:": OSC8,
    "M-CLEAR:": CSI_2J,
    "M-DSR:": DSR,
    "M-DCS:": DCS,
    "M-PASS:": TMUX_PASSTHROUGH,
    "M-C1CSI:": C1_CSI,
    "M-C1OSC:": C1_OSC,
    "M-BELL:": BEL,
}
ALL = " ".join(f"{marker}{payload}" for marker, payload in MARKED.items())
NO_SLASH = " ".join(  # file names cannot hold `/`
    f"{marker}{payload}" for marker, payload in MARKED.items() if "/" not in payload
)


#: What `]` opens, in order, from the first section of the hostile pack.
NEXT_TITLES = ["Sub heading", "Second page", "Ours vs theirs", "Named", "Nul page", "Raw"]


def hostile_pack(root: Path) -> Path:
    """A pack with a payload in every place content reaches the screen."""
    files: dict[str, str] = {
        "pack.toml": 'title = "Hostile \\u001b]0;PWNED-PACK\\u0007 pack \\u009b2J"\n',
        "00-start.md": f"""# Injection start {OSC0} {OSC52}

Zanzibar paragraph: {ALL} end of paragraph.

```python
code_line = "{ALL}"
```

| Column {OSC2} | Other {CSI_2J} |
|---|---|
| cell {ALL} | plain |

- [link text {ALL}](01-second.md)
- [web link](http://example.com/{OSC52}{C1_CSI}x)
- [osc8 link {OSC8}](http://example.org/{DSR})

## Sub heading {ALL}

More text with {DCS} and {TMUX_PASSTHROUGH} inside.
""",
        "01-second.md": f"""# Second page {C1_OSC}

> quote {ALL}

## Ours vs theirs {OSC2}

<details><summary>Ours vs theirs {ALL}</summary>

| Feature {OSC52} | Ours | Theirs {C1_CSI} |
|---|---|---|
| Targets {ALL} | yes | no |

</details>
""",
        f"02-named {NO_SLASH}.md": f"Untitled file, its title is its name. {ALL}\n",
        "03-nul.md": "# Nul page\n\n" + ("filler words " * 700) + "\n\nM-NUL:\x00 after nul\n",
    }
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8", newline="")
    # A name that is not even UTF-8: raw 8-bit C1 bytes, as a hostile tarball could carry.
    raw = os.path.join(os.fsencode(root), b"04-raw \x9b2J \x9d0;PWNED-RAW\x9c.md")
    with open(raw, "wb") as handle:
        handle.write(b"Raw-named file body " + ALL.encode() + b"\n")
    return root


class PtyApp:
    """The app on a pty we hold the master of: we type into it and keep all it writes."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, size: tuple[int, int]):
        self.master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, close_fds=True
        )
        os.close(slave)
        self.output = bytearray()
        self.closed = False

    def pump(self, seconds: float) -> None:
        """Read whatever the app writes for `seconds` (or until it closes the pty)."""
        deadline = time.monotonic() + seconds
        while not self.closed and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the slave side is gone, the app exited
                data = b""
            if not data:
                self.closed = True
            self.output.extend(data)

    def wait_for(self, text: str, since: int = 0, timeout: float = 20) -> None:
        needle = text.encode()
        deadline = time.monotonic() + timeout
        while needle not in self.output[since:]:
            assert time.monotonic() < deadline, f"{text!r} never drawn; tail: {self.tail()!r}"
            assert not self.closed, f"the app exited waiting for {text!r}: {self.tail()!r}"
            self.pump(0.05)

    def settle(self, quiet: float = 0.2, timeout: float = 5) -> None:
        """Read until the app has written nothing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.closed:
            before = len(self.output)
            self.pump(quiet)
            if len(self.output) == before:
                return

    def press(self, keys: bytes, expect: str | None = None) -> None:
        mark = len(self.output)
        os.write(self.master, keys)
        if expect is not None:
            self.wait_for(expect, since=mark)
        self.settle()

    def finish(self, timeout: float = 10) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.pump(0.05)
        self.pump(0.2)
        if self.process.poll() is None:
            self.process.kill()
            pytest.fail(f"the app did not exit after q; tail: {self.tail()!r}")
        return self.process.returncode

    def tail(self) -> bytes:
        return bytes(self.output[-600:])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        os.close(self.master)


def read_hostile_pack(app: PtyApp) -> None:
    """Visit every section and every place content is drawn, as a curious reader would."""
    app.wait_for("Injection start")
    app.settle()
    for title in NEXT_TITLES:
        app.press(b"]", expect=title)
    app.press(b"c", expect="Ours vs theirs")
    app.press(b"\x1b")
    app.press(b"/", expect="esc")
    app.press(b"zanzibar", expect="Zanzibar")
    app.press(b"\r")
    for _ in range(3):
        app.press(b"f")
        app.press(b"\r")
        app.press(b"\x1b")
    app.press(b"m")
    app.press(b"B")
    app.press(b"\x1b")
    app.press(b"q")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return hostile_pack(tmp_path / "hostile-pack")


def test_no_injected_sequence_reaches_the_terminal(hostile: Path, place: AppPlace):
    """Every byte the app writes, scanned for each payload."""
    env = place.env()
    argv = [sys.executable, "-m", "reader", str(hostile), "--no-state"]
    app = PtyApp(argv, env, cwd=hostile.parent, size=(100, 30))
    try:
        read_hostile_pack(app)
        status = app.finish()
    finally:
        app.close()
    out = bytes(app.output)
    text = out.decode("utf-8", "surrogateescape")
    assert "Traceback" not in text, text[-3000:]
    assert status == 0, f"exit status {status}; tail: {out[-2000:]!r}"

    leaks = [marker for marker, payload in MARKED.items() if f"{marker}{payload}" in text]
    assert not leaks, f"payloads reached the terminal after {leaks}"
    assert b"]52;" not in out, "an OSC 52 clipboard write"
    assert b"SGVsbG8" not in out, "the OSC 52 clipboard payload"
    titles = re.findall(rb"(?:\x1b\]|\xc2\x9d)[0-2];[^\x07\x1b]*", out)
    assert not titles, f"window-title sequences written: {titles}"
    assert b"osc8-injected" not in out, "the injected OSC 8 hyperlink target"
    assert b"\x1bP" not in out, "a DCS sequence (Textual writes none)"
    assert b"DCS-INJECTED" not in out
    assert b"\x1b[6n" not in out, "a cursor-position query (Textual writes none)"
    assert b"\x1b[2J" not in out, "a clear-screen (Textual writes none)"
    assert b"M-BELL:\x07" not in out
    assert b"\x00" not in out, "a NUL byte"
    c1 = sorted({hex(ord(ch)) for ch in text if 0x80 <= ord(ch) <= 0x9F or ch in "\udc9b\udc9d"})
    assert not c1, f"8-bit C1 controls (as characters or raw bytes) written: {c1}"
    undecodable = sorted({hex(ord(ch) - 0xDC00) for ch in text if 0xDC80 <= ord(ch) <= 0xDCFF})
    assert not undecodable, f"bytes that are not UTF-8 written to the terminal: {undecodable}"


def test_tmux_title_and_paste_buffers_unchanged(tmux: Tmux, hostile: Path, place: AppPlace):
    """The same pack in tmux (set-clipboard on): no new pane title, no paste buffer."""
    tmux.start(["cat"], width=100, height=30)  # a control pane: tmux's untouched title
    default_title = tmux.pane("#{pane_title}")
    assert tmux.buffers() == []
    env = place.env()
    tmux.run(
        "new-window", "-t", "main", *env_argv(env, [reader_command(), str(hostile), "--no-state"])
    )
    tmux.target = "main:1"

    def assert_untouched(when: str) -> None:
        title = tmux.pane("#{pane_title}")
        assert title == default_title, f"{when}: the pane title changed to {title!r}"
        assert tmux.buffers() == [], f"{when}: paste buffers appeared: {tmux.buffers()}"

    tmux.wait_for("Injection start")
    assert_untouched("first screen")
    for title in NEXT_TITLES:
        tmux.send("]")
        tmux.wait_screen(lambda s, t=title: t in s.splitlines()[0], why=f"{title!r} opened")
    tmux.send("c")
    tmux.wait_for("Ours vs theirs")
    assert_untouched("comparison open")
    tmux.send("Escape")
    tmux.send("/")
    tmux.wait_for("esc Clear search")
    tmux.type("zanzibar")
    tmux.wait_for("Zanzibar")
    tmux.send("Enter")
    tmux.wait_for("Injection start")
    assert_no_traceback(tmux.screen())
    assert_untouched("after search")
    tmux.send("q")
    assert tmux.wait_dead(timeout=10) == 0
    assert_untouched("after quitting")
