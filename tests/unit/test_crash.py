"""Internal errors reach the user as one line; the details go only to a log they own."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import crash
from reader.crash import report_internal_error


def test_report_internal_error_for_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_LOG", str(tmp_path / "chosen.log"))
    try:
        raise KeyError("x")
    except KeyError as error:
        assert report_internal_error(error, state_dir=tmp_path / "state") == 70
        assert report_internal_error(error, restricted=True, state_dir=tmp_path / "state") == 70
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"reader: internal error (KeyError); details in {tmp_path / 'chosen.log'}",
        f"reader: internal error (KeyError); details in {tmp_path / 'state' / 'errors.log'}",
    ], "restricted mode ignores READER_LOG: only the user's own state dir"
    assert "KeyError" in (tmp_path / "chosen.log").read_text()


def test_the_log_never_grows_past_its_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(crash, "_LOG_LIMIT", 1000)
    log = tmp_path / "errors.log"
    for _ in range(50):
        crash._append_log(log, "x" * 300)
    assert log.stat().st_size < 1000 + 400
