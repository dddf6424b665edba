"""The sections of a personal digest as digest_email builds them from a reader's picks, and
what each paper in it links to."""

import datetime as dt

from newsletter.delivery import digest_email
from newsletter.delivery.digest import Pick
from newsletter.delivery.send import deliver_edition
from newsletter.mail.outbox import OutboxMailer
from newsletter.subscribers import links
from newsletter.subscribers.tokens import SECRET_CHARS
from tests.support.outbox import emails_in, parts

CONTEXTS = {pid: {"title": pid, "reason": None} for pid in ("a", "b", "c")}


def test_followed_picks_come_first_in_their_own_section_with_their_reasons():
    picks = [Pick("b", ("Theory",), "You follow Ada", followed=True),
             Pick("a", ("NLP", "Robotics"), "Topic: Robotics"),
             Pick("c", ("Robotics",), "Similar to 'A'")]
    sections = digest_email.digest_sections(picks, CONTEXTS, ["Robotics"])
    assert [(s["topic"], [(p["title"], p["reason"]) for p in s["papers"]]) for s in sections] == [
        ("Followed", [("b", "You follow Ada")]),
        ("Robotics", [("a", "Topic: Robotics"), ("c", "Similar to 'A'")])]


def test_a_digest_with_nothing_followed_has_no_followed_section():
    sections = digest_email.digest_sections([Pick("a", ("NLP",), "Topic: NLP")], CONTEXTS, [])
    assert [s["topic"] for s in sections] == ["NLP"]


def test_the_shared_contexts_are_not_changed_by_one_readers_reasons():
    digest_email.digest_sections([Pick("a", ("NLP",), "You follow Ada", True)], CONTEXTS, [])
    assert CONTEXTS["a"]["reason"] is None


def test_the_fit_limit_leaves_room_for_every_readers_feedback_links(settings):
    growth = (len(links.feedback_url(settings, 2**31 - 1, "x" * SECRET_CHARS))
              - len(digest_email.placeholder(settings, "feedback_url")))
    assert growth > 0
    assert digest_email._fit_limit(settings, 10) <= digest_email.emails.GMAIL_SAFE_BYTES - 20 * growth


def test_each_paper_of_a_digest_links_to_its_page_in_both_parts(cast, session, settings):
    cast.paper(1, topics=["Robotics"], tldr="It works.")
    edition = cast.edition()
    cast.readers(1, ["Robotics"])
    deliver_edition(session, settings, OutboxMailer(settings.outbox_dir), edition)
    [message] = emails_in(settings.outbox_dir)
    text, html = parts(message)
    page = "https://digest.example.org/papers/2611.00001"
    assert f"Read the full summary: {page}" in text
    assert f'<a href="{page}"' in html and "Read the full summary</a>" in html


def test_hugging_faces_tldr_is_credited_in_both_parts(cast, session, settings):
    cast.paper(1, topics=["Robotics"], tldr="Our extract.", ai_summary="A robot learns fast.")
    edition = cast.edition()
    cast.readers(1, ["Robotics"])
    deliver_edition(session, settings, OutboxMailer(settings.outbox_dir), edition)
    [message] = emails_in(settings.outbox_dir)
    text, html = parts(message)
    assert "TL;DR: A robot learns fast.\n    (TL;DR: Hugging Face)" in text
    assert "A robot learns fast." in html and "(TL;DR: Hugging Face)</span>" in html
    assert "Our extract." not in text + html

def _one_paper_digest(settings, summary_language: str, reader_language: str):
    from emails.samples import make_paper, make_section

    paper = {**make_paper(1), "language": summary_language}
    return digest_email.digest_batch(settings, dt.date(2026, 12, 1), "daily", ["NLP"],
                                     [make_section("NLP", [paper])], [], 1, language=reader_language)


def test_a_french_reader_of_english_summaries_is_told_once_and_the_email_says_english(settings):
    batch = _one_paper_digest(settings, summary_language="en", reader_language="fr")
    assert '<html lang="en"' in batch.html
    assert batch.html.count("You chose summaries in French") == 1
    assert batch.text.count("You chose summaries in French") == 1


def test_summaries_in_the_readers_language_set_the_emails_lang_without_a_note(settings):
    batch = _one_paper_digest(settings, summary_language="fr", reader_language="fr")
    assert '<html lang="fr"' in batch.html and "You chose summaries" not in batch.html


def test_a_runs_digests_are_the_same_with_the_papers_parts_kept_across_them(
        cast, session, settings, monkeypatch):
    """Digests of a delivery (papers shared across readers of overlapping topics, with reasons)
    rendered with the parts kept for the process equal the same digests rendered plainly."""
    for number, topics in enumerate([("NLP",), ("NLP", "Robotics"), ("Robotics",), ("Theory",),
                                     ("Theory", "NLP")], start=1):
        cast.paper(number, topics=topics, upvotes=number, tldr=f"Finding {number}.")
    edition = cast.edition()
    for prefix, topics in {"a": ["NLP"], "b": ["Robotics"], "c": ["NLP", "Theory"],
                           "d": [], "e": ["Theory"]}.items():
        cast.readers(2, topics, prefix=prefix)
    contexts, fit = [], digest_email.emails.fit_digest

    def recording(context, **options):
        contexts.append(context)
        return fit(context, **options)

    monkeypatch.setattr(digest_email.emails, "fit_digest", recording)
    deliver_edition(session, settings, OutboxMailer(settings.outbox_dir), edition)
    assert len(contexts) == 5
    for context in contexts:
        assert (fit(context, parts=digest_email.PAPER_PARTS) == fit(context)
                == fit(context, parts=digest_email.emails.PaperParts()))
