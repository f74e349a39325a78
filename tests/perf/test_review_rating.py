"""The review benchmark's pieces: what proves a card is drawn, and a rating mix that
lasts the full run's ratings (no time is judged here; test_bench_quick runs it all)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from reader.pack import load_pack
from reader.study import Study, local_now
from reader.ui.screens.review import ReviewSession
from tests.perf.bench import FULL, REPO, first_card
from tests.perf.review_probe import answer_proof, card_proof
from tests.perf.review_rating import RATING_MIX, _stats, proof_words


@pytest.fixture(autouse=True)
def no_user_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's children read no settings file; neither do these tests."""
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.mark.parametrize(
    ("markdown", "words"),
    [
        ("Atopic", "Atopic"),
        ("What does immune *dysregulation* mean in eczema?", "What does immune"),
        ("Which four signs on the skin mark atopic dermatitis?", "Which four signs on the"),
        ("`std::vector` holds what?", "std"),
        ("\n\n- first item, then more", "first item, then more"),
        ("Supercalifragilisticexpialidocious words", "Supercalifragilisticexpi"),
        ("*** --- ***", None),
        ("", None),
    ],
)
def test_proof_words_are_the_opening_plain_words(markdown: str, words: str | None) -> None:
    assert proof_words(markdown) == words


def test_a_rated_card_is_proved_by_its_count_keys_and_the_next_question() -> None:
    card = SimpleNamespace(question="Why does scratching help?", answer="It does *not*.")
    session = SimpleNamespace(card=card, reviewed=12)
    assert card_proof(session) == {"12 done", "show answer", "Why does scratching help"}
    assert answer_proof(session) == {"Again", "It does"}
    finished = SimpleNamespace(card=None, reviewed=40)
    assert card_proof(finished) == {"Review finished"}


def test_the_rating_mix_outlasts_the_full_runs_ratings(tmp_path: Path) -> None:
    """The full run rates FULL.ratings cards of one review of the default pack: the mix
    must keep cards coming (learning cards come back) for that long, or the review would
    end in its summary and the harness time the summary."""
    study = Study.open(load_pack(REPO / "content"), state_dir=tmp_path / "state", fuzzing=False)
    session = ReviewSession(study, study.queue(), "the pack")
    now = local_now()
    rated = 0
    for rating in itertools.cycle(RATING_MIX):
        if session.finished or rated > 200:
            break
        session.rate(rating, now, 1000)
        now += timedelta(seconds=1)  # the harness rates a card about every half second
        rated += 1
    assert FULL.ratings >= 40  # the issue asks for at least 40
    assert rated > FULL.ratings, f"the review ended after {rated} ratings"
    assert len(study.store.log_path.read_text(encoding="utf-8").splitlines()) == rated


def test_the_first_card_is_the_fresh_queues_first() -> None:
    found = first_card(str(REPO / "content"))
    queue = Study.open(load_pack(REPO / "content"), enabled=False).queue()
    assert found == {"status": "ok", "question": proof_words(queue[0].question), "due": len(queue)}
    assert found["question"]


def test_stats_use_observed_latencies() -> None:
    latencies = [i / 1000 for i in range(1, 41)]
    stats = _stats(latencies)
    assert stats["p95_s"] == 0.038 and stats["max_s"] == 0.040 and stats["p50_s"] == 0.0205
    assert _stats([]) == {}
