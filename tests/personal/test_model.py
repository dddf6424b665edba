from newsletter.personal import MIN_RATINGS, rerank
from newsletter.personal.model import percentiles
from tests.support.cast import Cast

RL = "reinforcement learning agent policy reward environment exploration"
VISION = "image segmentation convolutional pixels object detection camera"
LIKED = [Cast.view(f"rl{i}", f"Policy paper {i}", f"{RL} variant {i}") for i in range(4)]
DISLIKED = [Cast.view(f"cv{i}", f"Vision paper {i}", f"{VISION} variant {i}") for i in range(4)]
CLEAR_RATINGS = [(p, 1) for p in LIKED] + [(p, -1) for p in DISLIKED]


def test_cold_start_returns_the_trending_order():
    candidates = [Cast.view("a", "A"), Cast.view("b", "B"), Cast.view("c", "C")]
    trending = {"a": 1.0, "b": 3.0, "c": 2.0}
    ratings = [(LIKED[0], 1)] * (MIN_RATINGS - 2) + [(DISLIKED[0], -1)]
    ranked = rerank(candidates, ratings, trending)
    assert [r.paper.id for r in ranked] == ["b", "c", "a"]
    assert [r.score for r in ranked] == [3.0, 2.0, 1.0]


def test_enough_ratings_of_one_sign_only_is_still_cold_start():
    candidates = [Cast.view("x", "X", VISION), Cast.view("y", "Y", RL)]
    ranked = rerank(candidates, [(p, 1) for p in LIKED + LIKED], {"x": 2.0, "y": 1.0})
    assert [r.paper.id for r in ranked] == ["x", "y"]


def test_a_clearly_liked_paper_outranks_a_clearly_disliked_more_trending_one():
    liked = Cast.view("new-rl", "Exploration for agents", f"{RL} new")
    disliked = Cast.view("new-cv", "Detection with cameras", f"{VISION} new")
    ranked = rerank([disliked, liked], CLEAR_RATINGS, {"new-cv": 9.0, "new-rl": 1.0})
    assert [r.paper.id for r in ranked] == ["new-rl", "new-cv"]
    assert ranked[0].score > ranked[1].score


def test_the_ranking_is_deterministic():
    candidates = [Cast.view(f"c{i}", f"C {i}", RL if i % 2 else VISION) for i in range(6)]
    trending = {c.id: float(i % 3) for i, c in enumerate(candidates)}
    assert rerank(candidates, CLEAR_RATINGS, trending) == rerank(candidates, CLEAR_RATINGS,
                                                                trending)


def test_percentiles_run_from_zero_to_one_and_ties_share_a_rank():
    candidates = [Cast.view(pid, pid) for pid in "abcd"]
    assert percentiles(candidates, {"a": 1.0, "b": 5.0, "c": 5.0, "d": 0.0}) == {
        "d": 0.0, "a": 1 / 3, "b": 5 / 6, "c": 5 / 6,
    }
    assert percentiles(candidates[:1], {}) == {"a": 1.0}
