"""A paper card: what the digest, the archive and the paper page show of one paper."""

from newsletter.config import OFFLINE_MODEL
from newsletter.delivery.digest_email import paper_context
from newsletter.editions.cards import HF_TLDR_CREDIT, card, cards
from newsletter.models import Summary
from newsletter.summarize.summaries import paper_hash


def summary_of(session, paper) -> Summary:
    return session.query(Summary).filter_by(content_hash=paper_hash(paper)).one()


def test_a_card_shows_the_tldr_once(cast, session):
    paper = cast.paper(1, tldr="It works.", summary={"highlights": ["It  works.", "It is fast."]})
    shown = card(paper, summary_of(session, paper))
    assert shown["tldr"] == "It works." and shown["highlights"] == ["It is fast."]


def test_a_card_reads_the_signals_and_links_of_every_source(cast, session):
    hf = {"upvotes": 42, "comments": 7, "github_repo": "https://github.com/lab/code",
          "github_stars": 1200, "project_page": "https://lab.example/project",
          "organization": "Example Lab"}
    paper = cast.paper(1, signals=hf, kind="hf")
    cast.store(cast.record(1), kind="arxiv", url="https://rss.arxiv.org/rss/cs.LG")
    cast.store(cast.record(1, external_id="https://blog.example.org/post"), kind="feed",
               url="https://blog.example.org/feed.xml")
    shown = card(paper, None)
    assert shown["sources"] == ["Hugging Face Daily Papers", "arXiv", "blog.example.org"]
    assert (shown["upvotes"], shown["comments"], shown["github_stars"]) == (42, 7, 1200)
    assert shown["code_url"] == "https://github.com/lab/code"
    assert shown["project_url"] == "https://lab.example/project"
    assert shown["organization"] == "Example Lab"


def test_a_paper_not_summarized_yet_shows_its_first_sentence_marked_extractive(cast, session):
    paper = cast.paper(1, abstract="We find a thing. Then we test it.")
    shown = card(paper, None)
    assert shown["tldr"] == "We find a thing." and shown["degraded"]


def test_the_page_link_is_absolute_for_emails_and_a_path_on_the_site(cast, session):
    paper = cast.paper(1)
    assert card(paper, None)["page_url"] == "/papers/2611.00001"
    assert card(paper, None, "https://digest.example.org")["page_url"] == (
        "https://digest.example.org/papers/2611.00001")


def test_the_digest_shows_the_card_with_the_readers_parts(cast, session, settings):
    paper = cast.paper(1, tldr="It works.")
    summary = summary_of(session, paper)
    context = paper_context(settings, paper, summary, "https://digest.example.org/feedback/t")
    assert context.items() >= card(paper, summary, settings.base_url).items()
    assert context["more_url"].endswith("/2611.00001/more")


def test_the_cards_of_many_papers_come_in_their_order_with_their_summaries(cast, session):
    first, second = cast.paper(1, tldr="First."), cast.paper(2, tldr="Second.")
    assert [c["tldr"] for c in cards(session, [second, first], OFFLINE_MODEL)] == [
        "Second.", "First."]


def test_without_a_model_hugging_faces_summary_is_the_tldr_credited(cast, session):
    paper = cast.paper(1, tldr="Our extract.", ai_summary="Hugging Face's line.",
                       summary={"highlights": ["A method detail."]})
    shown = card(paper, summary_of(session, paper))
    assert (shown["tldr"], shown["tldr_credit"]) == ("Hugging Face's line.", HF_TLDR_CREDIT)
    assert shown["highlights"] == ["A method detail."] and shown["degraded"]
    assert card(paper, None)["tldr"] == "Hugging Face's line."


def test_a_models_own_tldr_stays_the_one_shown(cast, session):
    paper = cast.paper(1, tldr="The model's line.", ai_summary="Hugging Face's line.")
    summary = summary_of(session, paper)
    summary.model = summary.requested_model = "openai/some-model"
    shown = card(paper, summary)
    assert (shown["tldr"], shown["tldr_credit"]) == ("The model's line.", None)


def test_a_paper_hugging_face_did_not_summarize_keeps_the_offline_tldr(cast, session):
    paper = cast.paper(1, tldr="Our extract.")
    assert card(paper, summary_of(session, paper))["tldr_credit"] is None
