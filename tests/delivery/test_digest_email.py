"""The sections of a personal digest as digest_email builds them from a reader's picks, and
what each paper in it links to."""

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
