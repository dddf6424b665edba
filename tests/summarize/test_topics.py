"""The topic taxonomy and the tagger."""

import pytest

from newsletter.summarize.topics import load_taxonomy, tag

REQUIRED_TOPICS = [
    "NLP",
    "Large Language Models",
    "Computer Vision",
    "Multimodal",
    "Generative Models",
    "Reinforcement Learning",
    "Robotics",
    "Graph Learning",
    "Time Series",
    "Theory",
    "Optimization",
    "Efficient ML",
    "Interpretability",
    "Federated Learning",
    "Safety & Alignment",
    "Speech & Audio",
    "Science & Health",
    "Agents",
    "Datasets & Benchmarks",
]

OPERATOR_TAXONOMY = """
[[topic]]
name = "Bandits"
slug = "bandits"
description = "Multi-armed and contextual bandits."
categories = { "stat.ML" = 1.0 }
keywords = { "bandit" = 3.0, "regret" = 2.0 }
"""


def test_default_taxonomy_has_every_required_topic():
    assert set(REQUIRED_TOPICS) <= set(load_taxonomy().names())


def test_every_topic_has_a_unique_slug_and_a_description():
    topics = load_taxonomy().topics
    assert len({t.slug for t in topics}) == len(topics)
    assert all(t.description and t.keywords for t in topics)


def test_lookups_by_name_ignore_case_and_by_slug_are_exact():
    taxonomy = load_taxonomy()
    assert taxonomy.by_name("computer VISION").slug == "computer-vision"
    assert taxonomy.by_slug("computer-vision").name == "Computer Vision"
    assert taxonomy.by_name("Astrology") is None
    assert taxonomy.by_slug("Computer Vision") is None


def test_the_default_taxonomy_is_loaded_once():
    assert load_taxonomy() is load_taxonomy()


def test_an_operator_file_replaces_the_default(tmp_path):
    path = tmp_path / "topics.toml"
    path.write_text(OPERATOR_TAXONOMY)
    taxonomy = load_taxonomy(path)
    assert taxonomy.names() == ["Bandits"]
    assert tag(
        "Regret bounds for contextual bandits", "We study bandit problems.", [], taxonomy
    ) == ["Bandits"]


def test_invalid_toml_is_reported_with_the_file_name(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[[topic]\nname = ")
    with pytest.raises(ValueError, match="broken.toml"):
        load_taxonomy(path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[topic]]\nname = "X"\nslug = "x"\n', "'description'"),
        (
            '[[topic]]\nname = "X"\nslug = "x"\ndescription = "d"\nkeywords = { "a" = "high" }\n',
            "weight of 'a'",
        ),
        (
            '[[topic]]\nname = "X"\nslug = "x"\ndescription = "d"\n' * 2,
            "duplicate topic name",
        ),
        ('[[topic]]\nname = "X"\nslug = "x"\ndescription = "d"\ndefers_to = ["Y"]\n', "unknown"),
        ('title = "no topics"\n', "no [[topic]]"),
    ],
)
def test_a_malformed_taxonomy_names_the_file_and_the_problem(tmp_path, text, problem):
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match="mine.toml") as error:
        load_taxonomy(path)
    assert problem in str(error.value)


def test_a_missing_file_is_a_value_error_naming_it(tmp_path):
    with pytest.raises(ValueError, match="absent.toml"):
        load_taxonomy(tmp_path / "absent.toml")


def test_a_clear_vision_paper_is_tagged_computer_vision_first():
    topics = tag(
        "Faster R-CNN: Towards Real-Time Object Detection with Region Proposal Networks",
        "State-of-the-art object detection networks depend on region proposal algorithms. "
        "We evaluate on PASCAL VOC and MS COCO with 300 proposals per image.",
        ["cs.CV"],
    )
    assert topics[0] == "Computer Vision"


def test_a_primary_category_alone_tags():
    assert tag("A paper", "", ["cs.RO"]) == ["Robotics"]


def test_a_cross_listed_category_tags_like_the_primary_one():
    # The authors list every category the paper belongs to; arXiv moderates them all.
    assert tag("A paper", "", ["math.CO", "cs.CV"]) == ["Computer Vision"]


def test_a_weak_category_alone_does_not_tag():
    assert tag("A paper", "", ["stat.ML"]) == []


def test_the_topic_a_paper_is_filed_under_survives_a_stronger_one_in_the_text():
    title = "Depth Anything Under Fog: Robust Monocular Depth Estimation in Adverse Weather"
    abstract = ("Monocular depth estimators trained on clear-weather imagery degrade in fog. We "
                "introduce a physically based augmentation pipeline for foggy driving scenes.")
    robotics_heavy = "Robot grasping and manipulation with a quadruped robot and a gripper"
    assert tag(title, abstract, ["cs.CV"])[0] == "Computer Vision"
    assert "Science & Health" not in tag(title, abstract, ["cs.CV"])
    assert "Computer Vision" in tag(robotics_heavy, abstract, ["cs.RO", "cs.CV"])


def test_a_sources_keywords_inform_the_tags():
    title, abstract = "Zero-shot planners", "We study planners."
    assert "Reinforcement Learning" not in tag(title, abstract, ["cs.AI"])
    keywords = ["reinforcement learning", "policy gradient", "reward shaping"]
    assert "Reinforcement Learning" in tag(title, abstract, ["cs.AI"], keywords=keywords)


def test_the_abstract_of_a_filed_paper_weighs_less_than_that_of_a_blog_post():
    abstract = "A computer vision study: pedestrian detection in fog."
    assert tag("Pedestrians in fog", abstract, []) == ["Computer Vision"]
    assert tag("Pedestrians in fog", abstract, ["cs.AI"]) == []


def test_a_paper_matching_nothing_gets_no_topics():
    assert tag("On the history of bookbinding", "We survey leather and glue.", ["math.HO"]) == []


def test_a_single_weak_keyword_does_not_tag():
    assert tag("A study", "The results are shown as text.", []) == []


def test_keywords_match_whole_words_only():
    # "gan" must not fire inside "organ" or "began".
    assert "Generative Models" not in tag("Organ transplants", "It began with an organ.", [])


def test_keywords_match_across_hyphens_plurals_and_case():
    topics = tag("Robots", "We train Graph-Neural-Networks on citation network data.", [])
    assert "Graph Learning" in topics


def test_a_title_hit_counts_more_than_an_abstract_hit():
    # "federated" is the same phrase in both; only the title position reaches the threshold
    # together with a weak supporting word.
    taxonomy = load_taxonomy()
    weak = "Each client keeps its data."
    assert "Federated Learning" in tag("Federated training", weak, [], taxonomy)


def test_max_topics_caps_the_list_and_keeps_the_best():
    title = "Federated reinforcement learning for robot grasping with graph neural networks"
    abstract = "We combine federated learning, reinforcement learning and graph neural networks."
    all_topics = tag(title, abstract, ["cs.RO"], max_topics=5)
    assert len(all_topics) > 2
    assert tag(title, abstract, ["cs.RO"], max_topics=2) == all_topics[:2]


def test_nlp_defers_to_large_language_models_on_llm_papers():
    topics = tag(
        "Scaling instruction tuning for large language models",
        "We fine-tune large language models with instruction tuning and chain of thought.",
        ["cs.CL"],
    )
    assert topics[0] == "Large Language Models"
    assert "NLP" not in topics


def test_tagging_is_deterministic():
    args = ("Diffusion models for video generation", "We propose a diffusion model.", ["cs.CV"])
    assert len({tuple(tag(*args)) for _ in range(5)}) == 1


@pytest.mark.parametrize("text", [
    "We train graph neural networks; GRAPH-NEURAL-NETWORK baselines follow.",
    # not ASCII: the words are not looked for first, so what `re` matches ignoring case counts
    "We train graph neural networkſ and \u212aernel methods on ımage data.",
])
def test_a_phrase_counts_what_its_regex_finds(text):
    from newsletter.summarize.topics import _Phrase, _Text

    for phrase in ["graph neural network", "kernel method", "image", "diffusion"]:
        compiled = _Phrase.of(phrase)
        assert compiled.count(_Text.of(text)) == len(compiled.pattern.findall(text))
        assert compiled.search(_Text.of(text)) == (compiled.pattern.search(text) is not None)
