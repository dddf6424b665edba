"""A digest rendered with the papers' parts kept across digests is the digest rendered plainly."""

import pytest

from emails import PaperParts, fit_digest, render
from emails.samples import digest_context, make_paper, make_section


def sample_digests() -> list[dict]:
    """The sample digest and its variants: extractive summaries for some or all papers, the
    same paper under two reasons and at two numbers, a paper without links, one too long for
    Gmail's clipping size."""
    same = make_paper(7)
    return [
        digest_context(),
        digest_context([make_section("NLP", [make_paper(1, degraded=True), make_paper(2)])]),
        digest_context([make_section("NLP", [make_paper(1, degraded=True)])]),
        digest_context([make_section("NLP", [same, {**same, "reason": "You follow Ada"}]),
                        make_section("Theory", [make_paper(8), same])]),
        digest_context([make_section("NLP", [make_paper(3, url="javascript:alert(1)",
                                                        code_url=None, upvotes=True)])]),
        digest_context([make_section("NLP", [make_paper(3, upvotes=1)])]),
        digest_context([make_section(f"Topic {n}", [make_paper(n * 10 + i, tldr="Long. " * 400)
                                                    for i in range(5)]) for n in range(5)]),
    ]


def test_every_sample_digest_is_the_same_with_kept_parts():
    parts = PaperParts()
    for _ in range(2):  # the second pass renders every paper from the kept parts
        for context in sample_digests():
            assert render("digest", context, parts) == render("digest", context)
            assert fit_digest(context, parts=parts) == fit_digest(context)


def test_a_paper_is_rendered_once_for_every_digest_that_shows_it_alike():
    parts = PaperParts()
    render("digest", digest_context([make_section("NLP", [make_paper(1)])]), parts)
    render("digest", digest_context([make_section("Robotics", [make_paper(1)])]), parts)
    assert len(parts) == 2  # its HTML block and its text entry


@pytest.mark.parametrize("change", [{"reason": "You follow Ada"}, {"upvotes": 43},
                                    {"upvotes": True}, {"highlights": ["Another point."]}])
def test_a_paper_shown_differently_gets_a_part_of_its_own(change):
    parts = PaperParts()
    render("digest", digest_context([make_section("NLP", [make_paper(1, upvotes=1)])]), parts)
    changed = digest_context([make_section("NLP", [make_paper(1, upvotes=1) | change])])
    assert render("digest", changed, parts) == render("digest", changed)
    assert len(parts) == 4


def test_parts_past_the_kept_number_drop_the_oldest_and_render_alike():
    parts = PaperParts(kept=4)
    contexts = [digest_context([make_section("NLP", [make_paper(n)])]) for n in range(5)]
    for context in contexts + contexts:
        assert render("digest", context, parts) == render("digest", context)
    assert len(parts) <= 4
