"""A paper's public id and page URL, and the way back from the id to the paper."""

from newsletter.editions.paper_links import paper_for, paper_path, paper_url, public_id
from newsletter.ingest.papers import paper_id_for


def test_an_arxiv_paper_is_known_by_its_arxiv_id(cast, session):
    paper = cast.paper(7)
    assert public_id(paper) == "2611.00007"
    assert paper_path(paper) == "/papers/2611.00007"
    assert paper_url("https://digest.example.org/", paper) == (
        "https://digest.example.org/papers/2611.00007")
    assert paper_for(session, "2611.00007") is paper
    assert paper_for(session, "2611.00007v3") is paper


def test_an_old_style_arxiv_id_keeps_its_slash(cast, session):
    paper = cast.paper(1, external_id="hep-th/9901001", arxiv_id="hep-th/9901001")
    assert paper_path(paper) == "/papers/hep-th/9901001"
    assert paper_for(session, "hep-th/9901001") is paper


def test_a_paper_without_arxiv_id_is_known_by_our_stable_id(cast, session):
    record = cast.record(1, external_id="https://lab.example/post/1", arxiv_id=None,
                         title="A post from the lab about a new model")
    _, paper = cast.store(record, kind="feed")
    assert public_id(paper) == paper_id_for(record) == paper.id
    assert paper.id.startswith("web:")
    assert paper_for(session, paper.id) is paper


def test_a_web_paper_matched_with_arxiv_later_takes_the_arxiv_id_and_keeps_its_old_one(
        cast, session):
    title = "A post from the lab about a new model"
    _, paper = cast.store(cast.record(1, external_id="https://lab.example/post/1",
                                      arxiv_id=None, title=title), kind="feed")
    old_id = paper.id
    _, merged = cast.store(cast.record(5, title=title), kind="hf")
    session.flush()
    assert merged is paper and paper.id == old_id
    assert public_id(paper) == "2611.00005"
    assert paper_for(session, "2611.00005") is paper
    assert paper_for(session, old_id) is paper


def test_an_unknown_or_malformed_id_names_no_paper(cast, session):
    cast.paper(1)
    for wanted in ("2611.09999", "web:nothing", "not-an-id", "", "../etc/passwd"):
        assert paper_for(session, wanted) is None
