from newsletter.personal import Interests, select_for_reader
from tests.support.cast import Cast

CANDIDATES = [
    Cast.view("cv", topics=["Computer Vision"]),
    Cast.view("rl", topics=["Reinforcement Learning"], authors=("Yann LeCun",)),
    Cast.view("rl-muted", topics=["Reinforcement Learning"], title="Crypto trading agents",
          authors=("Yann LeCun",)),
    Cast.view("nlp", topics=["NLP", "Computer Vision"]),
    Cast.view("theory", topics=["Theory"]),
]
TRENDING = {"cv": 1.0, "rl": 5.0, "rl-muted": 9.0, "nlp": 3.0, "theory": 8.0}
INTERESTS = Interests(authors=("Y. LeCun",), muted_keywords=("crypto",))


def test_followed_papers_come_from_any_topic_and_muted_ones_never_appear():
    digest = select_for_reader(CANDIDATES, ["Computer Vision"], [], TRENDING, INTERESTS, limit=10)
    assert [(r.paper.id, r.reason) for r in digest.followed] == [("rl", "You follow Y. LeCun")]
    assert [r.paper.id for r in digest.ranked] == ["nlp", "cv"]


def test_the_ranked_section_is_cut_to_the_limit_and_names_the_chosen_topic():
    digest = select_for_reader(CANDIDATES, ["Computer Vision"], [], TRENDING, Interests(), limit=1)
    assert [(r.paper.id, r.reason) for r in digest.ranked] == [("nlp", "Topic: Computer Vision")]


def test_no_chosen_topics_means_all_topics():
    digest = select_for_reader(CANDIDATES, [], [], TRENDING, INTERESTS, limit=10)
    assert [r.paper.id for r in digest.ranked] == ["theory", "nlp", "cv"]


def test_a_broad_follow_cannot_flood_the_followed_section():
    everything = Interests(keywords=("paper",))
    digest = select_for_reader(CANDIDATES, [], [], TRENDING, everything, limit=2)
    assert [r.paper.id for r in digest.followed] == ["theory", "rl"]
    assert [r.paper.id for r in digest.ranked] == ["rl-muted", "nlp"]
