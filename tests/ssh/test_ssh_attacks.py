"""What an SSH user of the restricted reader tries, and proof that nothing happened.

Anyone with the key gets this program and nothing else. Textual's defaults would give
them a screenshot writer (command palette), a suspend key, markup that runs actions,
and a viewer that follows `../../etc/passwd`. Each test does the attack through real
OpenSSH and checks the effect it would have had: new files, another file's contents on
screen, a dead or stopped reader, a child process.
"""

from __future__ import annotations

import os
import pwd
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tmux import (
    PACK_TITLE,
    Tmux,
    assert_no_traceback,
    children_of,
    processes_with,
    wait_until,
)

if TYPE_CHECKING:
    from conftest import SshServer

pytestmark = pytest.mark.ssh

CONNECT_TIMEOUT = 30.0
#: Per link section of the attack pack: text that only its refusal notice shows.
LINK_NOTICES = {
    "abs": "Not followed: /etc/passwd",
    "absenc": "%2Fetc%2Fpasswd",
    "rel": "Not followed: ../../etc/passwd",
    "deep": "../../../../../../../../../../../../etc/passwd",
    "encoded": "%2e%2e/%2e%2e/",
    "symlink": "escape.md",
    "symdir": "outside/passwd",
    "fileenc": "file%3A///etc/passwd",
    "proxy": "-oProxyCommand=sh",
    "sshurl": "ssh://-oProxyCommand",
}
#: Sections whose "link" Markdown itself refuses (markdown-it drops `file:` URLs): the
#: text must show as typed, and there is nothing to follow.
NOT_LINKS = {"fileurl": "[the fileurl link](file:///etc/passwd)"}
PASSWD_TEXT = ("root:x:0:0", "/usr/sbin/nologin", "/bin/bash")


def header(screen: str) -> str:
    return screen.splitlines()[0] if screen else ""


def crumb(screen: str) -> str:
    return re.split(r"\s{3,}", header(screen).strip())[0]


def svgs(folder: Path) -> set[Path]:
    """SVG files below a folder the test owns (its depth is ours: no deep trees)."""
    return set(folder.rglob("*.svg")) if folder.is_dir() else set()


def listing(folder: Path) -> set[Path]:
    """One folder's entries, not below: a shared folder may hold any tree."""
    return set(folder.iterdir()) if folder.is_dir() else set()


def snapshot(sshd: SshServer) -> set[Path]:
    """Where a screenshot, a core dump or a stray write would land, and only there.

    Textual saves a screenshot in the folder its action names (the attack markup says
    /tmp), else $TEXTUAL_SCREENSHOT_LOCATION, else the user's Downloads; a core dump
    lands in the session's cwd (the login home). Walking all of /tmp instead failed with
    RecursionError on a deep tree another test left there, and was slow on a busy host.
    """
    login_home = Path(pwd.getpwnam(sshd.user).pw_dir)  # sshd's cwd for the session
    paths = listing(sshd.home) | svgs(sshd.home) | listing(sshd.home / "Downloads")
    paths |= {p for p in listing(login_home) if p.suffix == ".svg" or p.name.startswith("core")}
    paths |= {p for p in listing(Path("/tmp")) if p.suffix == ".svg"}
    for setting in ("TEXTUAL_SCREENSHOT_LOCATION", "XDG_DOWNLOAD_DIR"):
        if os.environ.get(setting):  # the server's environment is ours, but be thorough
            paths |= listing(Path(os.environ[setting]))
    return paths


def reader_pid(sshd: SshServer) -> int:
    pids = processes_with(sshd.marker)
    assert len(pids) == 1, f"expected one reader process on the server, found {pids}"
    return pids[0]


def assert_responsive(tmux: Tmux) -> None:
    """`]` (or `[` at the end) still moves: the reader is running and taking keys."""
    before = crumb(tmux.screen())
    tmux.send("]")
    try:
        tmux.wait_screen(lambda s: crumb(s) != before, timeout=3, why="`]` to move")
    except AssertionError:
        tmux.send("[")
        tmux.wait_screen(lambda s: crumb(s) != before, timeout=3, why="`[` to move")


def quit_reader(tmux: Tmux, sshd: SshServer) -> None:
    tmux.send("q")
    assert tmux.wait_dead(timeout=10) == 0, tmux.history()
    assert_no_traceback(tmux.history())
    wait_until(lambda: not processes_with(sshd.marker), timeout=5, why="the reader to end")


def test_palette_screenshot_writes_nothing(tmux: Tmux, sshd: SshServer, connect) -> None:
    """ctrl+p, "screenshot", Enter: Textual's palette would save an SVG; restricted may not."""
    connect()
    tmux.wait_for(PACK_TITLE, "% read", timeout=CONNECT_TIMEOUT)
    before = snapshot(sshd)
    tmux.send("C-p")
    listing = tmux.wait_for("Search for commands", why="the command palette to open")
    assert "Save an SVG" not in listing, f"the palette lists a screenshot:\n{listing}"
    tmux.type("screenshot")
    palette = tmux.wait_screen(
        lambda s: any(text in s for text in ("No matches found", "Screenshot", "Save an SVG")),
        why="the palette to filter its commands",
    )
    assert "No matches found" in palette, f"the palette offers a screenshot:\n{palette}"
    tmux.send("Enter")
    tmux.send("Escape")
    # Wait for it to close: an Esc followed at once by `]` would read as ESC ] (an OSC).
    tmux.wait_screen(lambda s: "No matches found" not in s, why="the palette to close")
    assert_responsive(tmux)
    new = snapshot(sshd) - before
    assert not new, f"files appeared: {sorted(new)}"
    quit_reader(tmux, sshd)


def test_suspend_and_quit_keys_do_nothing(tmux: Tmux, sshd: SshServer, connect) -> None:
    """ctrl+z and ctrl+\\ reach the app as keys: no suspend, no core dump, still reading."""
    connect()
    tmux.wait_for(PACK_TITLE, "% read", timeout=CONNECT_TIMEOUT)
    pid = reader_pid(sshd)
    before = snapshot(sshd)
    tmux.send("C-z")
    assert_responsive(tmux)
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    assert state != "T", "the reader is stopped (suspended)"
    tmux.send("C-\\")
    time.sleep(0.3)  # an observation window: SIGQUIT would act at once and dump core
    if tmux.dead:
        assert tmux.wait_dead() == 0, f"ctrl+\\ killed the reader:\n{tmux.history()}"
    else:
        assert_responsive(tmux)
        assert reader_pid(sshd) == pid
        quit_reader(tmux, sshd)
    new = snapshot(sshd) - before
    assert not new, f"files appeared (a core dump?): {sorted(new)}"


def test_links_never_leave_the_pack(tmux: Tmux, sshd: SshServer, connect) -> None:
    """Follow every escaping link (f, Enter): a refusal each time, never /etc/passwd."""
    connect(attack=True, width=140)
    tmux.wait_for("Attack links", "% read", timeout=CONNECT_TIMEOUT)
    pid = reader_pid(sshd)
    before = snapshot(sshd)
    for name in sshd.attack_links:
        tmux.send("]")
        screen = tmux.wait_screen(
            lambda s, n=name: crumb(s).endswith(f"Link {n}"), why=f"Link {name}"
        )
        if name in NOT_LINKS:
            tmux.wait_for(NOT_LINKS[name], why=f"the {name} 'link' shown as text")
            continue
        notice = LINK_NOTICES[name]
        assert notice not in screen, f"{notice!r} is on screen before following the link"
        tmux.send("f")
        tmux.send("Enter")
        screen = tmux.wait_for(notice, why=f"the refusal of the {name} link")
        assert not any(text in screen for text in PASSWD_TEXT), f"{name}: passwd shown\n{screen}"
        assert crumb(screen).endswith(f"Link {name}"), f"{name} link moved to {crumb(screen)}"
        assert not tmux.dead
    history = tmux.history()
    assert not any(text in history for text in PASSWD_TEXT), history
    assert not Path("/tmp/reader-pwned").exists()
    assert reader_pid(sshd) == pid, "the reader restarted"
    assert children_of(pid) == [], f"the reader started processes: {children_of(pid)}"
    opened = {os.path.realpath(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    assert "/etc/passwd" not in opened
    assert not snapshot(sshd) - before
    quit_reader(tmux, sshd)


def test_markup_in_content_stays_text(tmux: Tmux, sshd: SshServer, connect) -> None:
    """`[@click=app.screenshot(...)]` in a pack is shown as typed; clicking it does nothing."""
    connect(attack=True, width=140)
    tmux.wait_for("Attack links", "% read", timeout=CONNECT_TIMEOUT)
    pid = reader_pid(sshd)
    before = snapshot(sshd)
    for _ in range(len(sshd.attack_links) + 1):
        last = crumb(tmux.screen())
        tmux.send("]")
        tmux.wait_screen(lambda s, c=last: crumb(s) != c, why="`]` towards the markup section")
    screen = tmux.wait_for(sshd.click_markup, why="the markup shown literally")
    assert "[@click=app.screenshot('h','/tmp')]heading click[/]" in header(screen)
    assert "[@click=app.screenshot('t','/tmp')]cell click[/]" in screen
    assert "[@click=app.screenshot('l','/tmp')]link text[/]" in screen
    for text in ("click me", "cell click", "link text", "heading click"):
        row, column = locate(screen, text)
        tmux.click(column + 1, row)
    tmux.send("f", "Enter", "f", "Enter")
    assert_responsive(tmux)
    for name in "xhtl":
        assert not Path(f"/tmp/{name}.svg").exists(), f"/tmp/{name}.svg was written"
    assert not snapshot(sshd) - before
    assert children_of(pid) == []
    quit_reader(tmux, sshd)


def locate(screen: str, text: str) -> tuple[int, int]:
    """Row and column of the last occurrence of `text` (the reading pane is on the right)."""
    for row, line in reversed(list(enumerate(screen.splitlines()))):
        column = line.rfind(text)
        if column >= 0:
            return row, column
    raise AssertionError(f"{text!r} not on screen:\n{screen}")
