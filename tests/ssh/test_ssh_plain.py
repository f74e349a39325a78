"""`ForceCommand reader --restricted --plain PACK` behind a real sshd, reached with `ssh -T`
(issue 22): no pty, commands piped in, plain lines out, the place kept for the next
connection, and nothing written but the user's own reading and review state.

This sshd is the module's own (the shared one of conftest.py serves the full-screen
reader): the same locked-down config, with plain mode as the forced command on its
first port and plain mode with --no-state on its second.
"""

from __future__ import annotations

import shlex
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tmux import clean_env, files_under, processes_with, reader_command, require_binary, wait_until

from tests.conftest import CONTENT
from tests.perf.sshd_harness import (
    HarnessError,
    client_options,
    launch_sshd,
    prepare_sshd,
    session_environment,
    sshd_config,
    stop_process,
)

pytestmark = pytest.mark.ssh

SSHD = "/usr/sbin/sshd"
PACK_TITLE = "Eczema: is it autoimmune?"


@dataclass
class PlainServer:
    port: int
    no_state_port: int
    key: Path
    user: str
    home: Path
    state_dir: Path
    client_home: Path

    def ssh(self, *, port: int | None = None) -> list[str]:
        """`ssh -T`: no pty, as a pipe or a screen reader's own terminal would connect."""
        return [
            require_binary("ssh"), "-T",
            "-p", str(port or self.port),
            *client_options(self.key, self.user),
            "127.0.0.1",
        ]  # fmt: skip

    def run(
        self, commands: bytes, *, port: int | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        result = subprocess.run(
            self.ssh(port=port),
            input=commands,
            capture_output=True,
            timeout=30,
            env=clean_env(self.client_home),
            check=False,
        )
        assert result.returncode != 255, f"ssh itself failed: {result.stderr!r}"
        return result


@pytest.fixture(scope="module")
def plain_sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlainServer]:
    require_binary("sshd", SSHD)
    require_binary("ssh")
    setup = prepare_sshd(tmp_path_factory.mktemp("plain-sshd"))
    environment = session_environment(setup.home, setup.state)
    prefix = "env " + " ".join(f"{key}={shlex.quote(value)}" for key, value in environment.items())
    command = f"{prefix} {shlex.quote(reader_command())} --restricted --plain"
    pack = shlex.quote(str(CONTENT))
    config = sshd_config(
        setup.tmp, setup.ports, f"{command} {pack}", f"{command} --no-state {pack}"
    )
    try:
        server = launch_sshd(setup, config)
    except HarnessError as error:
        pytest.fail(str(error))
    try:
        yield PlainServer(
            port=setup.ports[0],
            no_state_port=setup.ports[1],
            key=setup.key,
            user=setup.user,
            home=setup.home,
            state_dir=setup.state,
            client_home=setup.client_home,
        )
    finally:
        stop_process(server)


def test_commands_piped_over_ssh_t_and_the_place_kept(plain_sshd: PlainServer) -> None:
    """The contents, a section by number, a search and a result; the next connection
    resumes there. Only the user's reading state is written: no search index, no card
    cache, nothing in the home folder."""
    before = files_under([plain_sshd.home])
    first = plain_sshd.run(b"toc\n18\nsearch filaggrin\n2\nq\n")
    out = first.stdout.decode("utf-8")
    assert first.returncode == 0, first.stderr
    assert first.stderr == b""
    assert b"\x1b" not in first.stdout
    assert out.startswith(f"{PACK_TITLE} (76 sections), plain text mode.")
    assert "Contents of Eczema: is it autoimmune?: 76 sections" in out
    assert "  18. Alarmins: the skin raises the alarm" in out
    assert "reader> Section 18 of 76" in out
    assert "results for 'filaggrin'. Type a number to open one." in out
    assert "reader> Section 29 of 76" in out
    assert "More:" not in out  # a pipe is never paged
    assert out.rstrip().endswith("Goodbye. Your place is saved.")
    assert files_under([plain_sshd.home]) == before

    second = plain_sshd.run(b"where\nq\n")
    again = second.stdout.decode("utf-8")
    assert second.returncode == 0
    assert "Resuming where you left off.\nSection 29 of 76" in again
    assert "reader> You are in Section 29 of 76" in again


def test_a_dropped_connection_ends_the_reader_with_the_place_kept(
    plain_sshd: PlainServer,
) -> None:
    """The client killed mid-session (a network gone): the reader behind it ends within
    seconds, and the next connection resumes where the first was."""
    client = subprocess.Popen(
        plain_sshd.ssh(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=clean_env(plain_sshd.client_home),
    )
    assert client.stdin is not None and client.stdout is not None
    client.stdin.write(b"go 40\n")
    client.stdin.flush()
    seen = b""
    deadline = time.monotonic() + 15
    while b"End of section 40 of 76" not in seen:
        assert time.monotonic() < deadline, seen[-300:]
        seen += client.stdout.read1(65536)  # type: ignore[attr-defined]
    marker = str(plain_sshd.state_dir)
    assert processes_with(marker), "the reader runs behind the connection"
    client.kill()
    client.wait(10)
    wait_until(lambda: not processes_with(marker), timeout=5, why="the reader to end")
    resumed = plain_sshd.run(b"q\n").stdout.decode("utf-8")
    assert "Resuming where you left off.\nSection 40 of 76" in resumed


def test_no_state_over_ssh_writes_nothing(plain_sshd: PlainServer) -> None:
    before = files_under([plain_sshd.home, plain_sshd.state_dir])
    result = plain_sshd.run(
        b"go 9\nreview\n\n3\nq\nbookmark\nsearch itch\nq\n", port=plain_sshd.no_state_port
    )
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0 and result.stderr == b""
    assert "Card 1, in " in out and "Good: due again in " in out
    assert out.rstrip().endswith("Goodbye.")
    assert files_under([plain_sshd.home, plain_sshd.state_dir]) == before
