"""The built wheel carries the default pack: install it fresh, run it from another folder.

An editable checkout always finds `content/` beside the package, so only a real wheel in
a fresh venv proves that `pip install .` gives users the eczema pack. Textual and
friends come from the environment running the tests (no network): a `.pth` file puts
its site-packages after the venv's own. (`--system-site-packages` would not do: run from
inside a virtual environment, it means the base interpreter's packages, without them.)
The wheel itself goes in with --no-deps --ignore-installed, so it shadows the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(command: list[str | Path], cwd: Path, timeout: float = 300) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-w", dist, REPO_ROOT],
        cwd=dist,
    )  # fmt: skip
    wheels = sorted(dist.glob("reader-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_the_wheel_holds_the_package_and_the_pack(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in ("__init__", "__main__", "cli", "pack", "scan", "sanitize"):
        assert f"reader/{module}.py" in names
    pack = {Path(n).name for n in names if n.startswith("reader/_content/")}
    expected = {path.name for path in (REPO_ROOT / "content").iterdir() if path.is_file()}
    assert expected <= pack, expected - pack
    assert "pack.toml" in pack
    assert not any(n.startswith(("tests/", "content/")) for n in names)


def test_a_fresh_venv_runs_the_installed_reader_from_another_folder(wheel: Path, tmp_path: Path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    venv_site = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp_path,
        ).strip()
    )
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (venv_site / "test-dependencies.pth").write_text("".join(f"{path}\n" for path in ours))
    _run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", wheel],
        cwd=tmp_path,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(
        [python, "-c", "import reader.pack as p; print(p.__file__); print(p.default_pack_path())"],
        cwd=elsewhere,
    ).split()
    assert where[0].startswith(str(venv)), f"imported the checkout, not the wheel: {where}"
    assert where[1].startswith(str(venv)) and where[1].endswith("reader/_content")

    listed = _run([venv / "bin" / "reader", "--list"], cwd=elsewhere)
    assert listed.splitlines()[0] == "Eczema: is it autoimmune?"
    for entry in (
        "What eczema is  [what-eczema-is]",
        "Autoimmune vs allergic  [autoimmune-vs-allergic]",
        "Key takeaways  [key-takeaways]",
    ):
        assert entry in listed
    assert _run([venv / "bin" / "reader", "check"], cwd=elsewhere).endswith("0 problems\n")
    version = _run([venv / "bin" / "reader", "--version"], cwd=elsewhere)
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert version == f"reader {project['project']['version']}\n"
