"""The Hypothesis settings every property test runs with in CI."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def ci_settings(max_examples: int, *, large_data: bool = False) -> settings:
    """A fixed set of `max_examples` (derandomized, no example database: every run and
    every machine tries the same ones) and no deadline (a shared machine's pauses are not
    a property's failure). `large_data`: strategies that build whole packs or documents
    may hit Hypothesis's size limit, which is no failure either. `python -m tests.fuzz`
    runs the same properties long and random."""
    checks = (
        [HealthCheck.too_slow, HealthCheck.data_too_large] if large_data else [HealthCheck.too_slow]
    )
    return settings(
        derandomize=True,
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=checks,
    )
