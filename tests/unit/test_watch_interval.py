"""The feed watcher's politeness: how often it may ask a real site for a feed."""

import pytest

from newswire.pipeline.watching import MAX_BACKOFF, POLITE_MIN_INTERVAL, next_poll_in, poll_interval


@pytest.mark.parametrize("asked", [None, 1, 5, 29.9, 30])
def test_a_real_site_gets_at_most_two_feed_requests_a_minute(monkeypatch, asked):
    monkeypatch.delenv("NEWSWIRE_WATCH_INTERVAL", raising=False)
    interval = poll_interval("https://www.prnewswire.com", asked)
    assert interval == POLITE_MIN_INTERVAL == 30
    assert 60 / interval == 2  # requests a minute per source: the watcher polls one feed a time


def test_the_interval_comes_from_the_environment_and_the_floor_is_per_kind_of_host(monkeypatch):
    monkeypatch.setenv("NEWSWIRE_WATCH_INTERVAL", "2")
    assert poll_interval("https://www.globenewswire.com") == 30
    assert poll_interval("http://127.0.0.1:8123") == 2
    assert poll_interval("http://127.0.0.1:8123", 0.01) == 1  # even loopback: a second apart
    monkeypatch.setenv("NEWSWIRE_WATCH_INTERVAL", "90")
    assert poll_interval("https://www.prnewswire.com") == 90


def test_a_failing_feed_is_asked_less_and_less_often():
    assert [next_poll_in(30, n) for n in range(7)] == [30, 60, 120, 240, 480, 900, 900]
    assert next_poll_in(30, 10_000) == MAX_BACKOFF
    assert next_poll_in(1200, 3) == 1200  # an interval above the cap is kept
