"""The daily run asks arXiv's export API about papers a lab feed names only by arXiv id."""

import datetime as dt

from newsletter.models import Paper
from newsletter.pipeline import run_daily
from newsletter.sources import SourceSpec
from tests.conftest import sample_uri
from tests.sources.http_stand_in import Answer
from tests.sources.recorded import recorded
from tests.test_ingest_pages import NO_WAIT


def run(services, settings):
    return run_daily(services.factory, settings, specs=[SourceSpec("feed", sample_uri("lab_blog.xml"))],
                     date=dt.date(2026, 11, 23), mailer=services.mailer,
                     summarizer=services.summarizer, taxonomy=services.taxonomy, fetcher=NO_WAIT)


def test_a_lab_post_about_an_arxiv_paper_gets_arxivs_metadata(services, session, stand_in):
    api = stand_in.serve("/api/query", lambda query: Answer(recorded("arxiv_api_query.xml")))
    report = run(services, services.settings.model_copy(update={"arxiv_api_url": api}))
    enrichment = report.sources[-1]
    assert (enrichment.kind, enrichment.error) == ("arxiv-api", None)
    paper = session.get(Paper, "2611.00412")
    assert paper.categories and "arxiv-api" in {s.source_kind for s in paper.sources}


def test_no_enrichment_when_the_setting_is_empty(services, stand_in):
    report = run(services, services.settings)
    assert [s.kind for s in report.sources] == ["feed"]
    assert stand_in.requests == []
