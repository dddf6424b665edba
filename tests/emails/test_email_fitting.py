"""fit_digest keeps a big digest under Gmail's clipping size without losing the footer."""

from emails import GMAIL_SAFE_BYTES, fit_digest, render

LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 6


def html_bytes(email) -> int:
    return len(email.html.encode("utf-8"))


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
    def render_fn(name, context):
        calls.append(context)
        return render(name, context)

    return render_fn


def test_a_small_digest_is_rendered_unchanged_in_one_pass(digest):
    calls = []
    email = fit_digest(digest(), render_fn=counting(calls))
    assert len(calls) == 1
    assert email == render("digest", digest())


def test_sixty_long_papers_fit_under_the_limit_and_keep_the_footer(digest, section, paper):
    context = long_digest(digest, section, paper)
    assert html_bytes(render("digest", context)) > GMAIL_SAFE_BYTES
    email = fit_digest(context)
    assert html_bytes(email) <= GMAIL_SAFE_BYTES
    for part in (email.text, email.html):
        assert context["unsubscribe_url"] in part
        assert context["postal_address"] in part


def test_papers_move_from_the_end_into_links_with_a_note(digest, section, paper):
    email = fit_digest(long_digest(digest, section, paper))
    kept = email.text.count("    Abstract:     ")
    assert 0 < kept < 60
    assert f"{60 - kept} more papers are listed as links to keep this email small." in email.text
    assert f"\n{kept}. Paper {kept}:" in email.text
    assert f"\n- Paper {kept + 1}:" in email.text
    assert "  https://arxiv.org/abs/2611.00060\n" in email.text
    assert "Topic 5 (" not in email.text


def test_the_most_papers_that_fit_are_kept(digest, section, paper):
    context = long_digest(digest, section, paper)
    email = fit_digest(context)
    kept = email.text.count("    Abstract:     ")
    one_more = fit_digest(context, limit_bytes=html_bytes(email) + 1)
    assert one_more.text.count("    Abstract:     ") == kept
    assert html_bytes(fit_digest(context, limit_bytes=html_bytes(email) - 1)) < html_bytes(email)


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
    assert email.text.index("2611.00060") < email.text.index("Earlier extra")


def test_when_nothing_fits_the_smallest_rendering_is_returned(digest, section, paper):
    context = long_digest(digest, section, paper)
    email = fit_digest(context, limit_bytes=1_000)
    assert "Abstract:" not in email.text
    assert "60 more papers are listed as links" in email.text
    assert context["unsubscribe_url"] in email.html
