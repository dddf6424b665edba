"""A source that sends its headers and then one byte every half second, on a real HTTP server on
127.0.0.1: its download is given up at the fetch deadline, it is named in the report, and the
other sources' papers still reach the readers."""

import pytest

from newsletter.day import Day, run_daily
from newsletter.sources import SourceSpec, sample_sources
from newsletter.sources.fetch import Deadline, FetchError
from tests.support.cast import TODAY
from tests.support.databases import services_with
from tests.support.fetching import NO_WAIT
from tests.support.outbox import read_outbox
from tests.support.recorded import sample


def test_a_download_that_drips_is_given_up_at_its_deadline(stand_in):
    url = stand_in.drip("/slow.xml", sample("lab_blog.xml"), every=0.5)
    with pytest.raises(FetchError, match="not downloaded within its deadline of 1 s"):
        NO_WAIT(url, timeout=20.0, deadline=Deadline.after(1.0))


def test_a_dripping_source_is_named_and_the_day_goes_on(cast, services, stand_in):
    cast.reader("ada@example.org", [])
    cast.commit()
    slow = SourceSpec("feed", stand_in.drip("/slow.xml", sample("lab_blog.xml"), every=0.5))
    hurried = services_with(services, fetch_deadline=2.0)
    report = run_daily(hurried, [slow, *sample_sources()[:2]], Day(TODAY), fetcher=NO_WAIT)
    assert [source.url for source in report.failures] == [slow.url]
    assert "not downloaded within its deadline of 2 s" in report.failures[0].error
    assert f"source feed {slow.url}: FAILED" in "\n".join(report.lines())
    assert report.edition_size > 0 and report.deliveries["sent"] == 1
    assert list(read_outbox(services.settings.outbox_dir)) == ["ada@example.org"]
