"""A real OpenSSH server on 127.0.0.1 serving the reader, for the load benchmark.

The same deployment as tests/ssh/conftest.py (Debian's sshd, `ForceCommand` running the
installed `reader --restricted PACK`, forwarding off, key-only login as the local
account, throwaway host and client keys), without pytest: `python -m tests.perf load`
is a program, not a test. A second port (a `Match LocalPort` block) serves the same
pack under the keystroke probe (tests/perf/keystroke_probe.py, which runs the real
`reader.cli.main` and logs each key's time to its results on screen), so a session
that is timed is a reader like the others, reached the same way.

Each client names its session in `LC_READER_LOAD_SESSION` (OpenSSH passes `LC_*` when
the server accepts it): the reader's environment then says which session it serves,
and the probe writes its log to a file named after the session.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SSHD = "/usr/sbin/sshd"
START_TIMEOUT_S = 15.0
#: The client's name for its session, passed to the server (AcceptEnv LC_*).
SESSION_ENV = "LC_READER_LOAD_SESSION"
#: The probe's log file, named by the session: `<probe_logs>/keys-<session>.jsonl`.
PROBE_LOG_ENV = "READER_KEYSTROKE_LOG"
REPO = Path(__file__).resolve().parents[2]


class HarnessError(RuntimeError):
    """Something the benchmark needs is missing or would not start."""


def require_program(name: str, path: str | None = None) -> str:
    """The absolute path of a program the benchmark drives, or a HarnessError saying
    which Debian package has it."""
    found = path if path and os.access(path, os.X_OK) else shutil.which(name)
    if not found:
        package = {"sshd": "openssh-server", "ssh": "openssh-client"}.get(name, name)
        raise HarnessError(f"{name} is not installed (apt-get install {package})")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def keygen(path: Path) -> None:
    subprocess.run(
        [require_program("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(path)],
        check=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )


def client_options(key: Path, user: str, *, connect_timeout: int = 10) -> list[str]:
    """ssh client options: this key only, no agent, no config, no host-key prompts."""
    return [
        "-F", "/dev/null",
        "-i", str(key),
        "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none",
        "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes",
        "-o", "LogLevel=ERROR",
        "-o", f"ConnectTimeout={connect_timeout}",
        "-o", f"User={user}",
    ]  # fmt: skip


@dataclass
class SshdSetup:
    """One throwaway sshd's folders, keys and two distinct free ports (`prepare_sshd`)."""

    tmp: Path
    home: Path  # the reader's HOME (set by ForceCommand)
    state: Path
    client_home: Path
    key: Path  # the client's private key
    ports: tuple[int, int]
    user: str
    log: Path


def prepare_sshd(tmp: Path) -> SshdSetup:
    """Folders (a home with tmp, .cache and .local; a client home), a host key, a
    client key authorized to log in as this account, and two free ports."""
    require_program("sshd", SSHD)
    require_program("ssh")
    home, state, client_home = tmp / "home", tmp / "state", tmp / "client-home"
    for folder in (home, home / "tmp", home / ".cache", home / ".local", client_home):
        folder.mkdir(parents=True, exist_ok=True)
    keygen(tmp / "host_ed25519")
    keygen(tmp / "client_ed25519")
    authorized = tmp / "authorized_keys"
    authorized.write_text((tmp / "client_ed25519.pub").read_text(), encoding="utf-8")
    authorized.chmod(0o600)
    ports = (free_port(), free_port())
    while ports[1] == ports[0]:
        ports = (ports[0], free_port())
    user = pwd.getpwuid(os.getuid()).pw_name
    key, log = tmp / "client_ed25519", tmp / "sshd.log"
    return SshdSetup(tmp, home, state, client_home, key, ports, user, log)


def launch_sshd(setup: SshdSetup, config: Path) -> subprocess.Popen[bytes]:
    """`sshd -D` on the setup's ports, listening when this returns (checked with
    `sshd -t` first); HarnessError, with sshd's own words, when it will not start."""
    sshd_binary = require_program("sshd", SSHD)
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)
    checked = subprocess.run(
        [sshd_binary, "-t", "-f", str(config)], capture_output=True, text=True, timeout=30
    )
    if checked.returncode:
        raise HarnessError(f"sshd -t rejected the config: {checked.stderr.strip()}")
    with setup.log.open("wb") as log_file:
        process = subprocess.Popen(
            [sshd_binary, "-D", "-e", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while not all(port_open(port) for port in setup.ports):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process)
            raise HarnessError(f"sshd did not listen: {setup.log.read_text(errors='replace')}")
        time.sleep(0.05)
    return process


def stop_process(process: subprocess.Popen[bytes] | None) -> None:
    """Terminate a process that may still run, and reap it (killed after 10 s)."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@dataclass
class SshdServer:
    """A running sshd and what a client needs to reach the reader behind it."""

    port: int
    probe_port: int
    key: Path
    user: str
    home: Path  # the reader's HOME (set by ForceCommand)
    state_dir: Path
    marker: str  # in every reader's environment: finds its processes
    client_home: Path
    probe_logs: Path
    log: Path
    server_env: dict[str, str]  # the readers' environment, for a run as the same user
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def ssh(self, *, probe: bool = False) -> list[str]:
        """`ssh -tt` to the reader (or to the probe's port) as an argv."""
        return [
            require_program("ssh"),
            "-tt",
            "-p", str(self.probe_port if probe else self.port),
            *client_options(self.key, self.user, connect_timeout=30),
            "-o", f"SendEnv={SESSION_ENV}",
            "127.0.0.1",
        ]  # fmt: skip

    def client_argv(self, session: str, *, probe: bool = False) -> list[str]:
        """`env -i ... ssh ...`: the client's exact environment, whatever tmux sets."""
        env = {
            "HOME": str(self.client_home),
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            SESSION_ENV: session,
        }
        return ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *self.ssh(probe=probe)]

    def probe_log(self, session: str) -> Path:
        return self.probe_logs / f"keys-{session}.jsonl"

    def stop(self) -> None:
        """Stop the listener; sessions still open end when their clients hang up."""
        server, self.process = self.process, None
        stop_process(server)


def _force_command(prefix: str, program: list[str], pack: Path) -> str:
    return f"{prefix} {shlex.join(program)} --restricted {shlex.quote(str(pack))}"


def _config(tmp: Path, server: SshdServer, reader: list[str], probe: list[str], pack: Path) -> Path:
    def prefix(env: dict[str, str]) -> str:
        return "env " + " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())

    main = _force_command(prefix(server.server_env), reader, pack)
    # The probe imports tests.perf from this checkout. Its log is named by the session,
    # which the client sends (LC_*): only letters, digits and dashes reach the file name.
    python_path = os.pathsep.join(filter(None, [str(REPO), server.server_env.get("PYTHONPATH")]))
    log_name = f'"{server.probe_logs}/keys-$(echo "${SESSION_ENV}" | tr -cd a-z0-9-).jsonl"'
    probe_env = prefix({**server.server_env, "PYTHONPATH": python_path})
    timed = _force_command(f"{probe_env} {PROBE_LOG_ENV}={log_name}", probe, pack)
    return sshd_config(
        tmp, (server.port, server.probe_port), main, timed, extra=["MaxStartups 100:30:200"]
    )


def session_environment(home: Path, state: Path) -> dict[str, str]:
    """What a ForceCommand session runs with: its own home and XDG folders, the reading
    state in `state`, and this checkout's reader (PYTHONPATH) when one is set."""
    environment = {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TMPDIR": str(home / "tmp"),
        "READER_STATE_DIR": str(state),
    }
    if os.environ.get("PYTHONPATH"):  # the reader under test, as the caller imports it
        environment["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return environment


def sshd_config(
    tmp: Path,
    ports: tuple[int, int],
    command: str,
    second_command: str,
    *,
    extra: Sequence[str] = (),
    log_level: str = "INFO",
) -> Path:
    """Write the locked-down sshd_config the README recommends, listening on 127.0.0.1 at
    two ports: `command` is the ForceCommand of the first, `second_command` the second's
    (the SSH tests' attack pack, the load benchmark's timed readers). The host key, pid
    file and authorized keys live in `tmp`."""
    permit_root = "prohibit-password" if os.geteuid() == 0 else "no"
    lines = "".join(f"{line}\n" for line in extra)
    config = f"""\
Port {ports[0]}
Port {ports[1]}
ListenAddress 127.0.0.1
HostKey {tmp / "host_ed25519"}
PidFile {tmp / "sshd.pid"}
AuthorizedKeysFile {tmp / "authorized_keys"}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin {permit_root}
DisableForwarding yes
AllowTcpForwarding no
AllowStreamLocalForwarding no
PermitTunnel no
PermitTTY yes
X11Forwarding no
AllowAgentForwarding no
PermitUserEnvironment no
PrintMotd no
PrintLastLog no
{lines}AcceptEnv LANG LC_*
LogLevel {log_level}
ForceCommand {command}
Match LocalPort {ports[1]}
    ForceCommand {second_command}
"""
    path = tmp / "sshd_config"
    path.write_text(config, encoding="utf-8")
    return path


def reader_program() -> list[str]:
    """The installed `reader` script beside this Python (what an administrator names in
    ForceCommand), else `python -m reader`."""
    script = Path(sys.executable).with_name("reader")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "reader"]


def start_sshd(tmp: Path, pack: Path) -> SshdServer:
    """sshd on two free ports of 127.0.0.1, listening when this returns; `stop()` it."""
    setup = prepare_sshd(tmp)
    probe_logs = tmp / "probe-logs"
    probe_logs.mkdir(parents=True, exist_ok=True)
    server = SshdServer(
        port=setup.ports[0],
        probe_port=setup.ports[1],
        key=setup.key,
        user=setup.user,
        home=setup.home,
        state_dir=setup.state,
        marker=str(setup.state),
        client_home=setup.client_home,
        probe_logs=probe_logs,
        log=setup.log,
        server_env=session_environment(setup.home, setup.state),
    )
    probe = [sys.executable, "-m", "tests.perf.keystroke_probe"]
    server.process = launch_sshd(setup, _config(tmp, server, reader_program(), probe, pack))
    return server


# --------------------------------------------------------------------------- processes


def smaps_rollup(pid: int) -> dict[str, int]:
    """kB fields of /proc/PID/smaps_rollup (Pss, Rss, Private_Dirty, ...); {} once gone."""
    fields: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, _, value = line.partition(":")
            parts = value.split()
            if parts and parts[0].isdigit():
                fields[name.strip()] = int(parts[0])
    return fields


def open_indexes(pid: int) -> list[str]:
    """The SQLite files a process holds open: which search index a reader searches."""
    found = []
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.endswith((".sqlite", ".sqlite3")):
                    found.append(target)
    return sorted(found)


def pid_alive(pid: int) -> bool:
    """True while the process exists and is neither a zombie nor dead."""
    with contextlib.suppress(OSError, IndexError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    return False


def parent_of(pid: int) -> int | None:
    with contextlib.suppress(OSError, IndexError, ValueError):
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return None


def environment_of(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (item.decode(errors="replace").partition("=") for item in raw.split(b"\0") if item)
    return {key: value for key, _, value in pairs}


def command_line(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds `marker` (a run's or a test's own tmp
    path): the readers and anything they started, even once re-parented to init, so an
    orphan cannot hide."""
    found = []
    needle = marker.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if needle in environ and pid_alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def descendants(root: int) -> list[int]:
    """Every live process below `root` (by parent pid)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = parent_of(int(entry.name))
            if parent is not None:
                parents.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        for child in parents.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def kill_all(pids: list[int], grace_s: float = 3.0) -> None:
    """SIGTERM each process by pid, then SIGKILL what is left after `grace_s`."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while any(pid_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in pids:
        if pid_alive(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def wait_until(predicate: Callable[[], object], timeout: float, poll_s: float = 0.05) -> bool:
    """Poll `predicate` until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(poll_s)
    return bool(predicate())
