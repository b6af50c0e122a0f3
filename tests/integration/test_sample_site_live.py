"""The sample site publishing live (issue 15): new releases show at once in the feed (with
validators that make conditional GET work), the listing and the news sitemap, dated the
second they went out; corrections re-issue earlier ones."""

import threading
from datetime import UTC, datetime

import pytest
import requests

from newswire.parsing import parse_release
from newswire_sample_site.server import LISTING_PATH, RSS_PATH, SampleSite, main


def test_a_live_release_appears_everywhere_and_the_feed_answers_conditional_gets():
    with SampleSite(count=10, seed=5) as site:
        feed = requests.get(site.base_url + RSS_PATH, timeout=10)
        etag, last_modified = feed.headers["ETag"], feed.headers["Last-Modified"]
        for validator in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
            assert requests.get(site.base_url + RSS_PATH, headers=validator).status_code == 304

        before = datetime.now(UTC).replace(microsecond=0)
        rel = site.publish()
        assert before <= rel.published_utc <= datetime.now(UTC)
        for validator in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
            answer = requests.get(site.base_url + RSS_PATH, headers=validator, timeout=10)
            assert answer.status_code == 200 and rel.path in answer.text
        assert answer.headers["ETag"] != etag
        assert rel.path in requests.get(site.base_url + LISTING_PATH, timeout=10).text
        assert rel.path in requests.get(site.base_url + "/sitemap-news-1.xml", timeout=10).text
        page = requests.get(site.base_url + rel.path, timeout=10)
        record = parse_release(page.content, page.url)
        assert record["published_at"] == rel.published_utc.isoformat()  # to the second

        etag = answer.headers["ETag"]
        fixed = site.correct(rel)
        answer = requests.get(site.base_url + RSS_PATH, headers={"If-None-Match": etag})
        assert answer.status_code == 200 and fixed.title.startswith("CORRECTION -- ")
        assert (
            parse_release(requests.get(site.base_url + rel.path).content, page.url)["title"]
            == fixed.title
        )


def test_live_publishing_is_seeded_and_stops_with_the_site():
    def published(seed):
        changes, done = [], threading.Event()

        def note(kind, rel):
            changes.append((kind, rel.release_id))
            if len(changes) >= 6:
                done.set()

        with SampleSite(count=10, seed=seed) as site:
            thread = site.go_live((0.01, 0.05), corrections=0.5, on_change=note)
            assert done.wait(10)
        thread.join(5)
        assert not thread.is_alive()
        return changes[:6]

    first = published(8)
    assert first == published(8)  # the same seed publishes and corrects the same releases
    kinds = {kind for kind, _ in first}
    assert "published" in kinds and kinds & {"corrected", "correction"}
    assert kinds <= {"published", "corrected", "correction"}


@pytest.mark.parametrize("bad", ["0-5", "9-3", "x"])
def test_a_bad_live_interval_is_a_usage_error(bad, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--live-every", bad])
    assert exit_.value.code == 2
    assert "MIN" in capsys.readouterr().err
