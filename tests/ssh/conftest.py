"""A real OpenSSH server for the whole session, serving the reader as its only command.

This is the deployment issue 6 promises is safe: Debian's sshd, `ForceCommand` running the
installed `reader --restricted`, forwarding disabled, key-only login. It listens on two
free ports of 127.0.0.1: the first serves the bundled pack, the second (a `Match
LocalPort` block) serves a hostile pack for the attack tests, so one sshd serves both.
Host and client keys are throwaway; nothing outside tmp is written except /run/sshd,
the privilege-separation folder sshd insists on when run as root.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

# The tmux driver lives beside the terminal tests; the SSH tests drive their client with it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "terminal"))

from tmux import (
    Tmux,
    clean_env,
    env_argv,
    processes_with,
    reader_command,
    require_binary,
    tmux_fixture,  # noqa: F401 - the shared `tmux` fixture
    wait_until,
)

from tests.perf.sshd_harness import (
    HarnessError,
    client_options,
    free_port,
    launch_sshd,
    port_open,
    prepare_sshd,
    session_environment,
    sshd_config,
    stop_process,
)

SSHD = "/usr/sbin/sshd"
SFTP_SERVER = "/usr/lib/openssh/sftp-server"
CLICK_MARKUP = "[@click=app.screenshot('x','/tmp')]click me[/]"


#: One section per escaping link: its name and the href it carries.
ATTACK_LINKS = {
    "abs": "/etc/passwd",
    "absenc": "%2Fetc%2Fpasswd",
    "rel": "../../etc/passwd",
    "deep": "../" * 12 + "etc/passwd",
    "encoded": "%2e%2e/" * 12 + "etc/passwd",
    "symlink": "escape.md",
    "symdir": "outside/passwd",
    "fileurl": "file:///etc/passwd",
    "fileenc": "file%3A///etc/passwd",
    "proxy": "-oProxyCommand=sh",
    "sshurl": "ssh://-oProxyCommand=touch%20/tmp/reader-pwned/x",
}


def attack_pack(root: Path) -> Path:
    """Links that try to leave the pack, one per section, and Textual markup in content."""
    sections = ATTACK_LINKS
    body = ["# Attack links", "", "One link per section; none may lead out of the pack.", ""]
    for name, href in sections.items():
        body += [f"## Link {name}", "", f"Follow [the {name} link]({href}) now.", ""]
    body += [
        "## Markup [@click=app.screenshot('h','/tmp')]heading click[/]",
        "",
        f"Paragraph markup: {CLICK_MARKUP}",
        "",
        "| Cell | Markup |",
        "|---|---|",
        "| one | [@click=app.screenshot('t','/tmp')]cell click[/] |",
        "",
        "[[@click=app.screenshot('l','/tmp')]link text[/]](#attack-links)",
        "",
    ]
    root.mkdir(parents=True)
    (root / "00-attack.md").write_text("\n".join(body), encoding="utf-8")
    (root / "escape.md").symlink_to("/etc/passwd")
    (root / "outside").symlink_to("/etc")
    return root


@dataclass
class SshServer:
    """What a test needs to reach the server and to inspect the reader behind it.

    Tests reach everything through this fixture object: importing `conftest` by name
    would pick up whichever conftest.py pytest imported last.
    """

    attack_links: ClassVar[dict[str, str]] = ATTACK_LINKS
    click_markup: ClassVar[str] = CLICK_MARKUP
    free_port = staticmethod(free_port)
    port_open = staticmethod(port_open)

    port: int
    attack_port: int
    key: Path
    user: str
    home: Path  # the reader's HOME (set by ForceCommand)
    state_dir: Path
    marker: str  # in the reader's environment: finds its processes
    client_home: Path
    attack_pack: Path
    log: Path

    def options(self) -> list[str]:
        """Client options: this key only, no agent, no config, no host-key prompts."""
        return client_options(self.key, self.user)

    def ssh(self, *args: str, port: int | None = None, tty: bool = True) -> list[str]:
        """`ssh -tt|-T -p PORT ... 127.0.0.1 ARGS` as an argv."""
        return [
            require_binary("ssh"),
            "-tt" if tty else "-T",
            "-p", str(port or self.port),
            *self.options(),
            "127.0.0.1",
            *args,
        ]  # fmt: skip

    def client_env(self, term: str = "xterm-256color") -> dict[str, str]:
        return clean_env(self.client_home, term=term)


def _sshd_config(
    tmp: Path, ports: tuple[int, int], reader: str, home: Path, state: Path, pack: Path
) -> Path:
    environment = session_environment(home, state)
    prefix = "env " + " ".join(f"{key}={shlex.quote(value)}" for key, value in environment.items())
    main = f"{prefix} {shlex.quote(reader)} --restricted"
    attack = f"{main} --no-state {shlex.quote(str(pack))}"  # each test starts at the top
    extra = [f"Subsystem sftp {SFTP_SERVER}"]
    return sshd_config(tmp, ports, main, attack, extra=extra, log_level="VERBOSE")


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """Debian's sshd on 127.0.0.1, for the whole test session; stopped at the end."""
    require_binary("sshd", SSHD)
    require_binary("ssh")
    tmp = tmp_path_factory.mktemp("sshd")
    setup = prepare_sshd(tmp)
    pack = attack_pack(tmp / "attack-pack")
    config = _sshd_config(tmp, setup.ports, reader_command(), setup.home, setup.state, pack)
    try:
        server = launch_sshd(setup, config)
    except HarnessError as error:
        pytest.fail(str(error))
    try:
        yield SshServer(
            port=setup.ports[0],
            attack_port=setup.ports[1],
            key=setup.key,
            user=setup.user,
            home=setup.home,
            state_dir=setup.state,
            marker=str(setup.state),
            client_home=setup.client_home,
            attack_pack=pack,
            log=setup.log,
        )
    finally:
        stop_process(server)


@pytest.fixture
def connect(tmux: Tmux, sshd: SshServer):
    """`connect()` / `connect(attack=True)`: `ssh -tt` to the reader inside tmux.

    An earlier test's session (its tmux killed at teardown) hangs up on its reader; that
    reader must be gone within seconds, or it is an orphan and this test says so.
    """

    def start(*, attack: bool = False, width: int = 100, height: int = 30) -> None:
        wait_until(
            lambda: not processes_with(sshd.marker),
            timeout=5,
            why="the reader of an earlier, hung-up session to exit",
        )
        port = sshd.attack_port if attack else sshd.port
        tmux.start(env_argv(sshd.client_env(), sshd.ssh(port=port)), width=width, height=height)

    return start
