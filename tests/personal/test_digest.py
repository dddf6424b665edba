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


MANY = [Cast.view(f"llm{n}", topics=["Large Language Models"]) for n in range(6)] + [
    Cast.view("speech", topics=["Speech & Audio"]),
    Cast.view("safety", topics=["Safety & Alignment"]),
    Cast.view("untagged", topics=[]),
]
MANY_TRENDING = {**{f"llm{n}": 10.0 - n for n in range(6)}, "speech": 1.0, "safety": 0.5,
                 "untagged": 0.1}


def test_a_capped_digest_keeps_every_topic_before_filling_the_cap_by_score():
    digest = select_for_reader(MANY, [], [], MANY_TRENDING, Interests(), limit=4)
    assert [r.paper.id for r in digest.ranked] == ["llm0", "llm1", "speech", "safety"]
    assert digest.more == 5


def test_with_more_topics_than_places_the_best_topics_keep_theirs():
    digest = select_for_reader(MANY, [], [], MANY_TRENDING, Interests(), limit=2)
    assert [r.paper.id for r in digest.ranked] == ["llm0", "speech"]


def test_an_uncapped_digest_says_nothing_more_matched():
    assert select_for_reader(MANY, [], [], MANY_TRENDING, Interests(), limit=50).more == 0
