"""Which posts of a blog feed are not papers: tested on a recorded-style lab news feed that mixes
research posts with job adverts, events and a call for participation."""

import pytest

from newsletter.sources import feed
from newsletter.sources.posts import CALL, EVENT, JOB, not_a_paper
from newsletter.sources.records import PaperRecord
from tests.support.recorded import recorded, sample

MIXED = {record.title: record for record in feed.parse(recorded("lab_blog_mixed.atom"))}


@pytest.mark.parametrize(("title", "reason"), [
    ("We're hiring: research engineers for the evaluation team", JOB),
    ("Summer 2027 PhD internships in robot learning", JOB),
    ("Fall research round-up", JOB),  # the title says nothing; the text is an advert
    ("Meet us at NeurIPS 2026 in Vancouver", EVENT),
    ("Webinar: what changed in our training stack this year", EVENT),
    ("Call for participation: the 2027 Low-Resource Speech Challenge", CALL),
])
def test_adverts_events_and_calls_are_not_papers(title, reason):
    assert not_a_paper(MIXED[title]) == reason


@pytest.mark.parametrize("title", [
    "Calibrated uncertainty for tabular foundation models",
    "Hiring bias in LLM résumé screening is mostly about names",  # research about hiring
    "Position: benchmark results need error bars",  # an ICML-style position paper, not a job
    "Deformable image registration with diffusion priors",  # registration of images
])
def test_research_posts_are_papers_whatever_their_words(title):
    assert not_a_paper(MIXED[title]) is None


def test_a_post_naming_an_arxiv_paper_is_that_paper_even_with_event_words():
    post = MIXED["Sharper attention for long documents"]
    assert post.arxiv_id == "2611.09876" and not_a_paper(post) is None


def test_one_advert_phrase_in_a_research_post_is_not_enough():
    post = PaperRecord("x", "What our models learned this year",
                       "Our summer interns built the evaluation harness; apply now the recipe.")
    assert not_a_paper(post) is None


def test_the_demo_labs_internship_advert_is_not_a_paper():
    posts = {record.title: record for record in feed.parse(sample("lab_blog.xml"))}
    assert not_a_paper(posts["Join us: 2027 research internships"]) == JOB
    assert [title for title, post in posts.items() if not_a_paper(post)] == [
        "Join us: 2027 research internships"]
