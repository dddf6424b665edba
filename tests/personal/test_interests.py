from newsletter.personal import Interests, followed_reason, is_muted
from newsletter.personal.interests import same_person
from tests.support.cast import Cast

PAPER = Cast.view(
    "2401.00001",
    title="Self-Supervised Diffusion Models for Images",
    abstract="We train a denoising diffusion model on unlabelled data.",
    authors=("Y. LeCun", "Hervé Jégou"),
    organization="Meta AI Research",
    topics=("Generative Models", "Computer Vision"),
)


def test_an_initial_matches_the_full_first_name():
    assert same_person("Yann LeCun", "Y. LeCun")
    assert same_person("Y. LeCun", "Yann LeCun")


def test_accents_and_case_do_not_matter():
    assert same_person("herve jegou", "Hervé Jégou")


def test_a_different_first_name_with_the_same_initial_is_someone_else():
    assert not same_person("Yann LeCun", "Yoshua LeCun")


def test_surname_first_spellings_and_compound_initials_match():
    assert same_person("LeCun, Yann", "Y. LeCun")
    assert same_person("Jean-Baptiste Alayrac", "J.-B. Alayrac")


def test_a_followed_author_is_the_reason():
    assert followed_reason(PAPER, Interests(authors=("Yann LeCun",))) == "You follow Yann LeCun"
    assert followed_reason(PAPER, Interests(authors=("Herve Jegou",))) == "You follow Herve Jegou"


def test_a_followed_organization_matches_as_whole_words():
    assert followed_reason(PAPER, Interests(organizations=("Meta AI",))) == "You follow Meta AI"
    assert followed_reason(PAPER, Interests(organizations=("Met",))) is None


def test_keywords_match_whole_words_in_any_case():
    assert followed_reason(PAPER, Interests(keywords=("DIFFUSION",))) == "Mentions 'DIFFUSION'"
    assert followed_reason(PAPER, Interests(keywords=("self-supervised",))) is not None
    assert followed_reason(PAPER, Interests(keywords=("fusion",))) is None
    assert followed_reason(PAPER, Interests(keywords=("diffusion models for",))) is not None


def test_authors_come_before_organizations_and_keywords():
    interests = Interests(authors=("Yann LeCun",), organizations=("Meta AI",),
                          keywords=("diffusion",))
    assert followed_reason(PAPER, interests) == "You follow Yann LeCun"


def test_a_paper_matching_no_follow_has_no_followed_reason():
    interests = Interests(authors=("Geoffrey Hinton",), keywords=("graph",))
    assert followed_reason(PAPER, interests) is None


def test_a_muted_keyword_mutes_the_paper():
    assert is_muted(PAPER, Interests(muted_keywords=("Denoising",)))
    assert not is_muted(PAPER, Interests(muted_keywords=("noising",)))
    assert not is_muted(PAPER, Interests())


def test_interests_round_trip_through_json_without_blanks_or_repeats():
    interests = Interests.from_dict(
        {"authors": ["Yann LeCun", " ", "yann  lecun"], "keywords": ["diffusion"], "other": [1]}
    )
    assert interests == Interests(authors=("Yann LeCun",), keywords=("diffusion",))
    assert Interests.from_dict(interests.to_dict()) == interests
