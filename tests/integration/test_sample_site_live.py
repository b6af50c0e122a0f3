"""The sample site publishing live (issue 15): new releases show at once in the feed (with
validators that make conditional GET work), the listing and the news sitemap, dated the
second they went out; corrections re-issue earlier ones."""

import threading
from datetime import UTC, datetime, timedelta

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


def test_a_release_page_answers_conditional_gets_until_it_is_corrected():
    with SampleSite(count=10, seed=5) as site:
        rel = site.publish()
        page = requests.get(site.base_url + rel.path, timeout=10)
        etag, last_modified = page.headers["ETag"], page.headers["Last-Modified"]
        for validator in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
            assert requests.get(site.base_url + rel.path, headers=validator).status_code == 304
        site.correct(rel, at=rel.published_utc + timedelta(minutes=5))
        for validator in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
            answer = requests.get(site.base_url + rel.path, headers=validator, timeout=10)
            assert answer.status_code == 200 and "CORRECTION -- " in answer.text


def test_a_restarted_live_site_serves_what_it_published_and_continues_after_it(tmp_path):
    state = tmp_path / "state"
    with SampleSite(count=10, seed=5, state=state) as site:
        first, second = site.publish(), site.publish()
        fixed = site.correct(first)
        served = {
            rel.release_id: requests.get(site.base_url + rel.path, timeout=10).content
            for rel in (fixed, second)
        }
    with SampleSite(count=10, seed=5, state=state) as again:  # make down; make up
        for rel in again.live_releases:  # as they were, the correction in
            page = requests.get(again.base_url + rel.path, timeout=10).content
            assert page == served[rel.release_id]
        third = again.publish()
        feed = requests.get(again.base_url + RSS_PATH, timeout=10).text
    assert int(third.release_id) > max(int(i) for i in served)  # never an id served before
    assert third.release_id not in served and third.path in feed and fixed.path in feed
    ids = [first.release_id, second.release_id, third.release_id]
    assert [rel.release_id for rel in again.live_releases] == ids


def test_a_restarted_live_site_serves_its_correction_releases_again(tmp_path):
    """A correction issued as a release of its own ("CORRECTION -- ...", a new id) is in the
    journal too: after a restart it is served under the same id, with the same page."""
    with SampleSite(count=10, seed=5, state=tmp_path) as site:
        original = site.publish()
        correction = site.publish_correction(original)
        page = requests.get(site.base_url + correction.path, timeout=10).content
    with SampleSite(count=10, seed=5, state=tmp_path) as again:
        ids = [rel.release_id for rel in again.live_releases]
        again_page = requests.get(again.base_url + correction.path, timeout=10).content
        after = again.publish()
    assert ids == [original.release_id, correction.release_id]
    assert correction.title.startswith("CORRECTION -- ") and again_page == page
    assert int(after.release_id) > int(correction.release_id)


def test_a_state_folder_of_another_site_is_refused(tmp_path):
    SampleSite(count=10, seed=5, state=tmp_path).stop()
    with pytest.raises(ValueError, match="belongs to a site with"):
        SampleSite(count=12, seed=5, state=tmp_path)
