"""fit_digest keeps a big digest under Gmail's clipping size without losing the footer.

Only the HTML part is fitted: Gmail clips HTML, and the plain-text part keeps every paper.
"""

import random
from email.message import EmailMessage
from email.policy import SMTP

from emails import GMAIL_SAFE_BYTES, fit_digest, html_size, render
from emails.rendering import RenderedEmail
from emails.size_limit import fits

LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 6


def full_papers_in_html(email) -> int:
    return email.html.count(">Abstract</a>")


def long_digest(digest, section, paper, count=60):
    papers = [
        paper(
            n,
            title=f"Paper {n}: " + LOREM[:160],
            tldr=LOREM,
            highlights=[LOREM[:200]] * 4,
            authors=[f"Author {a}" for a in range(30)],
        )
        for n in range(1, count + 1)
    ]
    return digest(
        sections=[section(f"Topic {t}", papers[t * 10 : (t + 1) * 10]) for t in range(count // 10)]
    )


def counting(calls):
    def render_fn(name, context, parts=None):
        calls.append(context)
        return render(name, context, parts)

    return render_fn


def test_a_small_digest_is_rendered_unchanged_in_one_pass(digest):
    calls = []
    email = fit_digest(digest(), render_fn=counting(calls))
    assert len(calls) == 1
    assert email == render("digest", digest())


def test_sixty_long_papers_fit_under_the_limit_and_keep_the_footer(digest, section, paper):
    context = long_digest(digest, section, paper)
    assert html_size(render("digest", context)) > GMAIL_SAFE_BYTES
    email = fit_digest(context)
    assert html_size(email) <= GMAIL_SAFE_BYTES
    for part in (email.text, email.html):
        assert context["unsubscribe_url"] in part
        assert context["postal_address"] in part


def test_gmail_would_not_clip_the_unsubscribe_link_of_a_sixty_paper_digest(digest, section, paper):
    context = long_digest(digest, section, paper)
    email = fit_digest(context)
    unsubscribe = f'href="{context["unsubscribe_url"]}"'.encode()
    assert unsubscribe in email.html.encode("utf-8")[:GMAIL_SAFE_BYTES]
    message = EmailMessage(policy=SMTP)
    message.set_content(email.html, subtype="html")
    encoded_body = message.as_bytes().split(b"\r\n\r\n", 1)[1]
    assert message["Content-Transfer-Encoding"] == "quoted-printable"
    assert len(encoded_body) <= GMAIL_SAFE_BYTES


def test_papers_move_from_the_end_into_links_with_a_note(digest, section, paper):
    email = fit_digest(long_digest(digest, section, paper))
    kept = full_papers_in_html(email)
    assert 0 < kept < 60
    assert f"{60 - kept} more papers are listed as links to keep this email small." in email.html
    last_full = email.html.index(f">Paper {kept}: ")
    assert last_full < email.html.index(">More papers</h2>")
    assert email.html.index(">More papers</h2>") < email.html.index(f">Paper {kept + 1}: ")
    assert 'href="https://arxiv.org/abs/2611.00060"' in email.html
    assert ">Topic 5</a>" not in email.html


def test_the_text_part_keeps_every_paper_in_full(digest, section, paper):
    email = fit_digest(long_digest(digest, section, paper))
    assert full_papers_in_html(email) < 60
    assert email.text.count("    Abstract:     ") == 60
    assert "\n60. Paper 60: " in email.text
    assert "more papers are listed as links" not in email.text
    assert email.text == render("digest", long_digest(digest, section, paper)).text


def test_the_most_papers_that_fit_are_kept(digest, section, paper):
    context = long_digest(digest, section, paper)
    email = fit_digest(context)
    kept = full_papers_in_html(email)
    one_more = fit_digest(context, limit_bytes=html_size(email) + 1)
    assert full_papers_in_html(one_more) == kept
    assert html_size(fit_digest(context, limit_bytes=html_size(email) - 1)) < html_size(email)


def test_fitting_bisects_instead_of_rendering_once_per_paper(digest, section, paper):
    calls = []
    fit_digest(long_digest(digest, section, paper), render_fn=counting(calls))
    assert len(calls) <= 8


def test_an_existing_overflow_note_is_kept(digest, section, paper):
    context = long_digest(digest, section, paper)
    context["overflow"] = [{"title": "Earlier extra", "url": "https://arxiv.org/abs/2611.09999"}]
    context["overflow_note"] = "Also in your topics today:"
    email = fit_digest(context)
    assert "Also in your topics today: " in email.html
    assert email.html.index("2611.00060") < email.html.index("Earlier extra")


def test_when_nothing_fits_the_smallest_rendering_is_returned(digest, section, paper):
    context = long_digest(digest, section, paper)
    email = fit_digest(context, limit_bytes=1_000)
    assert full_papers_in_html(email) == 0
    assert "60 more papers are listed as links" in email.html
    assert context["unsubscribe_url"] in email.html


def test_fits_answers_as_the_encoded_size_does_on_either_side_of_the_limit():
    rng = random.Random(7)
    alphabet = ["a", " ", "=", ".", "\t", "\n", "\r\n", "\x00", "é", "€", "😀", "<td>", "x" * 30]
    for _ in range(3000):
        html = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        email = RenderedEmail(subject="s", text="t", html=html)
        size = html_size(email)
        for limit in (size - 1, size, size + rng.randint(1, 40), size * 2):
            assert fits(email, limit) is (size <= limit), (html, limit)
