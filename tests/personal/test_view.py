from newsletter.models import Paper, PaperSource, PaperTopic
from newsletter.personal import PaperView, view_of


def test_a_stored_paper_is_viewed_with_the_organization_a_source_credited():
    stored = Paper(
        id="2401.00001", title="Title", abstract="Abstract", authors=["Yann LeCun"],
        sources=[PaperSource(signals={}), PaperSource(signals={"organization": "Meta AI"})],
        topics=[PaperTopic(topic="Computer Vision", rank=0), PaperTopic(topic="NLP", rank=1)],
    )
    assert view_of(stored) == PaperView(
        id="2401.00001", title="Title", abstract="Abstract", authors=("Yann LeCun",),
        organization="Meta AI", topics=("Computer Vision", "NLP"),
    )
