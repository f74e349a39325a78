"""Sessions without a terminal, and forwarding, against the ForceCommand account.

`ssh -T`, `ssh host cmd`, sftp and scp all reach the reader with pipes instead of a pty:
it must say so in one line and exit non-zero at once, never draw escape codes into the
pipe or wait for input. Port forwarding must be refused by sshd (`DisableForwarding`),
so the account is not a tunnel into the server's network.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tmux import processes_with, require_binary, wait_until

if TYPE_CHECKING:
    from conftest import SshServer

pytestmark = pytest.mark.ssh

#: Seconds for the whole round trip: connect, authenticate, start Python, print, exit.
#: The reader's own part is well under a second; the handshake is the rest.
EXIT_WITHIN = 2.5
NEEDS_TERMINAL = "reader: needs an interactive terminal"


def run_client(
    argv: list[str], sshd: SshServer, stdin: bytes = b"", timeout: float = 20
) -> tuple[subprocess.CompletedProcess[bytes], float]:
    started = time.monotonic()
    result = subprocess.run(
        argv,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env=sshd.client_env(),
        check=False,
    )
    return result, time.monotonic() - started


def assert_one_line_refusal(result: subprocess.CompletedProcess[bytes], took: float) -> None:
    """Non-zero, fast, one line on stderr, nothing (no escape codes) on stdout."""
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0, f"exit status 0; stderr: {stderr!r}"
    assert result.returncode != 255, f"ssh itself failed (255): {stderr!r}"
    assert took < EXIT_WITHIN, f"took {took:.2f} s; must be under {EXIT_WITHIN} s"
    assert result.stdout == b"", f"the reader wrote to the pipe: {result.stdout[:300]!r}"
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {lines}"
    assert lines[0].startswith(NEEDS_TERMINAL), lines[0]
    assert "\x1b" not in stderr


def test_ssh_without_tty_gets_one_line(sshd: SshServer) -> None:
    """`ssh -T`: no pty, so no app: one line and exit status 2."""
    result, took = run_client(sshd.ssh(tty=False), sshd)
    assert_one_line_refusal(result, took)
    assert result.returncode == 2


def test_remote_command_is_ignored(sshd: SshServer) -> None:
    """`ssh host cat /etc/passwd`: ForceCommand runs the reader instead, which refuses."""
    result, took = run_client(sshd.ssh("cat", "/etc/passwd", tty=False), sshd, stdin=b"q\n")
    assert_one_line_refusal(result, took)
    assert b"root:x:0:0" not in result.stdout + result.stderr


def test_piped_input_does_not_start_the_app(sshd: SshServer) -> None:
    """Keys piped in (`echo q | ssh -T`) are not a terminal either."""
    result, took = run_client(sshd.ssh(tty=False), sshd, stdin=b"]]]q\n" * 100)
    assert_one_line_refusal(result, took)


def test_sftp_fails_cleanly(sshd: SshServer, tmp_path: Path) -> None:
    """sftp's subsystem request runs ForceCommand too: no file comes back."""
    target = tmp_path / "passwd-copy"
    started = time.monotonic()
    result = subprocess.run(
        [
            require_binary("sftp"),
            "-b", "-",
            "-P", str(sshd.port),
            *sshd.options(),
            "127.0.0.1",
        ],
        input=f"get /etc/passwd {target}\nls /\n".encode(),
        capture_output=True,
        timeout=20,
        env=sshd.client_env(),
        cwd=tmp_path,
        check=False,
    )  # fmt: skip
    took = time.monotonic() - started
    assert result.returncode != 0, result.stdout
    assert took < EXIT_WITHIN + 1
    assert not target.exists()
    assert b"root:x:0:0" not in result.stdout
    assert b"bin" not in result.stdout, f"a directory listing came back: {result.stdout!r}"


@pytest.mark.parametrize("protocol", ["sftp", "legacy-scp"])
def test_scp_fails_cleanly(sshd: SshServer, tmp_path: Path, protocol: str) -> None:
    """scp in both protocols (`-O` runs `scp -f` as a remote command): nothing copied."""
    target = tmp_path / "passwd-copy"
    legacy = ["-O"] if protocol == "legacy-scp" else []
    started = time.monotonic()
    result = subprocess.run(
        [
            require_binary("scp"), *legacy,
            "-P", str(sshd.port),
            *sshd.options(),
            "127.0.0.1:/etc/passwd", str(target),
        ],
        capture_output=True,
        timeout=20,
        env=sshd.client_env(),
        stdin=subprocess.DEVNULL,
        check=False,
    )  # fmt: skip
    took = time.monotonic() - started
    assert result.returncode != 0
    assert took < EXIT_WITHIN + 1
    assert not target.exists()


def test_local_forwarding_is_refused(sshd: SshServer) -> None:
    """`ssh -N -L`: the client listens, but sshd refuses the channel: no banner comes back.

    The forward points at sshd itself, so if it were allowed, the probe would read
    "SSH-2.0-OpenSSH" through the tunnel.
    """
    local = sshd.free_port()
    log_start = sshd.log.stat().st_size
    client = subprocess.Popen(
        [
            require_binary("ssh"), "-N",
            "-L", f"127.0.0.1:{local}:127.0.0.1:{sshd.port}",
            "-p", str(sshd.port), *sshd.options(), "127.0.0.1",
        ],
        env=sshd.client_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(lambda: sshd.port_open(local), timeout=15, why="the client's local listener")
        received = b""
        with socket.create_connection(("127.0.0.1", local), timeout=5) as probe:
            probe.settimeout(3)
            try:
                while chunk := probe.recv(1024):
                    received += chunk
            except (TimeoutError, ConnectionResetError):
                pass
        assert not received.startswith(b"SSH-"), f"the tunnel works: {received[:100]!r}"
        assert received == b"", f"something answered through the tunnel: {received[:100]!r}"
    finally:
        client.terminate()
        try:
            client.wait(timeout=3)
        except subprocess.TimeoutExpired:
            client.kill()
            client.wait(timeout=5)
    with sshd.log.open("rb") as log:
        log.seek(log_start)
        assert b"refused local port forward" in log.read(), "sshd did not log a refusal"
    assert not processes_with(sshd.marker), "-N started a reader"


def test_remote_forwarding_is_refused(sshd: SshServer) -> None:
    """`ssh -N -R`: sshd must not listen on the server for the client."""
    remote = sshd.free_port()
    started = time.monotonic()
    result = subprocess.run(
        [
            require_binary("ssh"), "-N",
            "-o", "ExitOnForwardFailure=yes",
            "-R", f"127.0.0.1:{remote}:127.0.0.1:{sshd.port}",
            "-p", str(sshd.port), *sshd.options(), "127.0.0.1",
        ],
        env=sshd.client_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=20,
        check=False,
    )  # fmt: skip
    assert result.returncode != 0, "the remote forward was accepted"
    assert time.monotonic() - started < 10
    assert not sshd.port_open(remote), f"sshd listens on {remote} for the client"
