"""RateLimit strings and the fixed-window counter."""

from __future__ import annotations

import pytest

from appizer_tui.sim.ratelimit import FixedWindowLimiter, RateLimit


@pytest.mark.parametrize(
    ("text", "count", "window", "words", "shown"),
    [
        ("500/minute", 500, 60.0, "1 minute", "500/minute"),
        ("1000/hour", 1000, 3600.0, "1 hour", "1000/hour"),
        ("10/second", 10, 1.0, "1 second", "10/second"),
        ("10000/day", 10000, 86400.0, "1 day", "10000/day"),
        (" 100 / 10s ", 100, 10.0, "10 seconds", "100/10s"),
        ("5/2m", 5, 120.0, "2 minutes", "5/120s"),
        ("7/MIN", 7, 60.0, "1 minute", "7/minute"),
    ],
)
def test_parse(text: str, count: int, window: float, words: str, shown: str) -> None:
    limit = RateLimit.parse(text)
    assert (limit.count, limit.window_seconds) == (count, window)
    assert limit.window_text() == words
    assert str(limit) == shown


@pytest.mark.parametrize("text", ["", "500", "500/fortnight", "minute/500", "0/minute", "-1/hour"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="rate limit|COUNT/WINDOW"):
        RateLimit.parse(text)


def test_window_counts_per_key_and_resets_on_the_boundary() -> None:
    limiter = FixedWindowLimiter(RateLimit(2, 60.0))
    start = 1_700_000_000.0  # 40 s before a minute boundary: 1_700_000_040 = 28_333_334 * 60
    first = limiter.hit("k1", start)
    assert (first.allowed, first.remaining, first.reset_at) == (True, 1, 1_700_000_040)
    assert limiter.hit("k1", start + 1).remaining == 0
    over = limiter.hit("k1", start + 2)
    assert not over.allowed and over.remaining == 0 and over.retry_after == 38
    assert limiter.hit("k2", start + 2).allowed  # another key, its own count
    fresh = limiter.hit("k1", start + 40)
    assert fresh.allowed and fresh.remaining == 1 and fresh.reset_at == 1_700_000_100


def test_headers() -> None:
    decision = FixedWindowLimiter(RateLimit(5, 60.0)).hit("", 1_700_000_000.5)
    assert decision.headers() == {
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "4",
        "X-RateLimit-Reset": "1700000040",
    }


def test_bad_keys_cannot_grow_memory_without_bound() -> None:
    limiter = FixedWindowLimiter(RateLimit(1, 1.0))
    limiter.MAX_BUCKETS = 50
    for i in range(500):
        limiter.hit(f"key{i}", 1_700_000_000.0 + i)
    assert len(limiter._counts) <= 51
