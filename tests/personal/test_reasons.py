from newsletter.personal import Interests, rerank
from newsletter.personal.reasons import MIN_SIMILARITY, reason_for
from tests.support.cast import Cast

PAPER = Cast.view("p", "T", abstract="graph neural networks", authors=("Yann LeCun",),
                  topics=("Graph Learning", "Theory"))


def test_a_follow_is_the_reason_before_anything_else():
    reason = reason_for(PAPER, Interests(authors=("Y. LeCun",)), ("Liked paper", 0.9), "Theory")
    assert reason == "You follow Y. LeCun"


def test_a_similar_liked_paper_is_the_reason_when_close_enough():
    assert reason_for(PAPER, None, ("GCN", MIN_SIMILARITY)) == "Similar to 'GCN'"
    assert reason_for(PAPER, None, ("GCN", MIN_SIMILARITY / 2)) == "Topic: Graph Learning"


def test_the_topic_listed_under_is_preferred_to_the_first_topic():
    assert reason_for(PAPER, Interests(), None, "Theory") == "Topic: Theory"


def test_a_paper_without_topics_is_trending_today():
    assert reason_for(Cast.view("q", "Q"), None, None) == "Trending today"


def test_rerank_names_the_nearest_liked_paper():
    liked = Cast.view("gcn", "Semi-Supervised Classification with GCNs",
                      "graph convolutional networks node classification citation")
    other = Cast.view("vit", "Vision Transformers", "image patches transformer classification")
    candidate = Cast.view("new", "Deeper graph convolutional networks",
                          "node classification on citation graph benchmarks")
    ranked = rerank([candidate], [(liked, 1), (other, -1)], {"new": 1.0})
    assert ranked[0].reason == "Similar to 'Semi-Supervised Classification with GCNs'"
