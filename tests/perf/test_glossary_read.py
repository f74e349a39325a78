"""`python -m tests.perf.glossary_read` times the work it says it times, and the
benchmark times section opens only once the glossary is read (no time is judged here)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.perf import glossary_read
from tests.perf.bench import _start_finished
from tests.perf.generate import generate_glossary, generate_pack


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = generate_pack(tmp_path_factory.mktemp("glossary-read") / "pack", 30, 3, 60_000, seed=2)
    text = "\n\n".join(file.read_text(encoding="utf-8") for file in sorted(folder.glob("*.md")))
    generate_glossary(folder, text, 40)
    return folder


def test_core_reads_every_term_and_builds_the_matcher(pack: Path) -> None:
    result = glossary_read.measure_core(str(pack))
    assert result["terms"] == 40 and result["names"] >= 40
    assert not result["matcher_empty"]
    assert result["parse_ms"] > 0 and result["matcher_ms"] > 0 and result["glossary_kb"] > 1


def test_app_times_the_glossary_read_and_marks_the_first_screen(pack: Path) -> None:
    result = glossary_read.measure_app(str(pack), repeats=1)
    assert result["read_glossary_ms"] > 0, "the app read its glossary after the first screen"
    assert result["marked_terms"] > 0, "the section on show has its terms marked"
    assert result["remark_plain_ms"] > 0 and result["remark_marked_ms"] > 0


def test_the_command_prints_one_row_per_pack(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert glossary_read.main([str(pack), "--processes", "1", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert f"| {pack} | 40 terms" in out


@pytest.mark.parametrize(
    ("glossary_ready", "chrome_ready", "finished"),
    [(False, True, False), (True, False, False), (True, True, True)],
)
def test_opens_wait_for_the_glossary_and_the_sidebar(
    glossary_ready: bool, chrome_ready: bool, finished: bool
) -> None:
    app = SimpleNamespace(
        glossary_ready=glossary_ready, main=SimpleNamespace(chrome_ready=chrome_ready)
    )
    assert _start_finished(app) is finished
