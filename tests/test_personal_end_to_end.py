"""Personal digests end to end, through `run_daily` and the real web routes: a reader follows an
author and mutes a keyword, rates papers through the feedback links of one edition, and gets
the next edition re-ranked by those votes."""

import datetime as dt
import re
from html import escape
from pathlib import Path

import pytest
from sqlalchemy import select

from newsletter.day import Day, run_daily
from newsletter.delivery.picks import Picker
from newsletter.delivery.readers import READER_COLUMNS
from newsletter.editions.trending import ranked_at
from newsletter.models import Delivery, Edition, Paper, PaperRating, Subscriber
from newsletter.personal import MIN_RATINGS
from newsletter.sources import SourceSpec, sample_sources
from newsletter.subscribers import subscriptions
from tests.support.outbox import parts, read_outbox
from tests.support.site import BASE, Site

TODAY = dt.date(2026, 11, 23)
RATER, COLD = "rhea@example.org", "carl@example.org"
FOLLOWED_PAPER = "2611.14233"  # SparseKV, by Lena Hoffmann: Efficient ML, not Computer Vision
MUTED_PAPER = "2611.14247"  # "Depth Anything Under Fog": Computer Vision, mentions "fog"
LIKED = "2611.13965"  # Multimodal Fusion of Radiology Reports and Chest X-Rays
DISLIKED = ["2611.13520", "2611.14470", "2611.14262", "2611.13611"]  # video, 3D, captioning


@pytest.fixture
def readers(cast):
    """Two readers of Computer Vision: one who follows Lena Hoffmann and mutes "fog", and one
    who does nothing personal (the trending order)."""
    cast.reader(RATER, ["Computer Vision"],
                interests={"authors": ["L. Hoffmann"], "muted_keywords": ["fog"]})
    cast.reader(COLD, ["Computer Vision"])
    cast.commit()


def sent_ids(session, address: str, date: dt.date) -> list[str]:
    subscriber = subscriptions.find_subscriber(session, address)
    return session.query(Delivery).join(Edition, Edition.id == Delivery.edition_id).filter(
        Delivery.subscriber_id == subscriber.id, Edition.date == date).one().paper_ids


def feedback_path(message, paper_id: str, vote: str) -> str:
    """The path of a paper's feedback link in an email's plain-text part."""
    text = parts(message)[0]
    link = re.search(rf"{re.escape(BASE)}(/feedback/[^/\s]+/{re.escape(paper_id)}/{vote})", text)
    assert link, f"no {vote} link for {paper_id}"
    return link.group(1)


def rate(site: Site, message, paper_id: str, vote: str) -> None:
    """What a reader does: open the link, press the button."""
    path = feedback_path(message, paper_id, vote)
    assert site.submit(path, form_page=path).status_code == 200


MEDICAL = ["Radiology report generation from chest radiographs",
           "Image segmentation of chest radiographs for radiology reports",
           "Consistent radiology reports from prior chest images"]
DRIVING = ["Video world models for driving scenes",
           "Open-vocabulary 3D scene segmentation for embodied agents",
           "Embodied video captioning of driving scenes"]


def next_day_feed(tmp_path: Path) -> SourceSpec:
    """Seven new Computer Vision papers: three on medical imaging, three on driving scenes, the
    driving ones newer (so first in the trending order), and an older one that mentions fog,
    dated by the hours before the next day's edition ranks them."""
    now = ranked_at(TODAY + dt.timedelta(days=1))
    entries = [(f"med-{n}", title, 30 + n) for n, title in enumerate(MEDICAL)]
    entries += [(f"drive-{n}", title, n) for n, title in enumerate(DRIVING)]
    entries.append(("fog", "Pedestrian detection in fog", 40))
    xml = "".join(
        f"<entry><title>{escape(title)}</title><id>tag:lab.example,2026:{key}</id>"
        f'<link href="https://lab.example/{key}" rel="alternate"/>'
        f"<published>{(now - dt.timedelta(hours=age)).isoformat()}Z</published>"
        f"<author><name>Ann Example</name></author>"
        f"<summary>A computer vision study: {escape(title.lower())}.</summary></entry>"
        for key, title, age in entries)
    path = tmp_path / "day2.atom"
    path.write_text('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/'
                    f'Atom"><title>Lab</title><id>tag:lab.example,2026:feed</id>{xml}</feed>')
    return SourceSpec("feed", path.as_uri())


def test_a_followed_paper_outside_the_topics_is_sent_and_a_muted_one_never(
        services, session, readers):
    run(services)
    rater, cold = sent_ids(session, RATER, TODAY), sent_ids(session, COLD, TODAY)
    assert FOLLOWED_PAPER in rater and FOLLOWED_PAPER not in cold
    assert MUTED_PAPER not in rater and MUTED_PAPER in cold
    assert "Fog" not in parts(read_outbox(services.settings.outbox_dir)[RATER])[0]


def test_the_followed_paper_is_in_its_own_section_with_its_reason(services, readers):
    run(services)
    text, html = parts(read_outbox(services.settings.outbox_dir)[RATER])
    # rendered by newsletter.groups through Picker.sections
    followed = text.split("FOLLOWED", 1)
    assert len(followed) == 2, "no Followed section"
    assert "SparseKV" in followed[1].split("COMPUTER VISION")[0]
    assert "» You follow L. Hoffmann" in text and "You follow L. Hoffmann" in html
    assert "» Topic: Computer Vision" in text


def test_opening_a_feedback_link_records_nothing(services, session, readers, site):
    run(services)
    message = read_outbox(services.settings.outbox_dir)[RATER]
    page = site.get(feedback_path(message, LIKED, "more"))
    assert page.status_code == 200 and "Radiology" in page.text
    assert session.query(PaperRating).count() == 0


def test_votes_through_the_links_rerank_the_next_edition(
        services, session, readers, site, tmp_path):
    run(services)
    message = read_outbox(services.settings.outbox_dir)[RATER]
    rate(site, message, LIKED, "more")
    for paper_id in DISLIKED:
        rate(site, message, paper_id, "less")
    assert session.query(PaperRating).count() == MIN_RATINGS

    day2 = TODAY + dt.timedelta(days=1)
    report = run_day(services, day2, next_day_feed(tmp_path))
    assert report.deliveries["sent"] == 2
    trending, personal = sent_ids(session, COLD, day2), sent_ids(session, RATER, day2)
    assert set(titles_of(session, trending)[:3]) == set(DRIVING), "driving papers trend first"
    titles = titles_of(session, personal)
    assert set(titles[:3]) == set(MEDICAL), titles
    assert "Pedestrian detection in fog" not in titles


def run(services):
    return run_daily(services, sample_sources(), Day(TODAY))


def run_day(services, date: dt.date, spec: SourceSpec):
    return run_daily(services, [spec], Day(date))


def titles_of(session, paper_ids: list[str]) -> list[str]:
    return [session.get(Paper, paper_id).title for paper_id in paper_ids]


def test_readers_with_nothing_personal_keep_the_trending_order_and_share_their_picks(
        cast, services, session):
    run(services)  # the edition; the readers below come after it was delivered
    cast.reader("dora@example.org", ["Computer Vision"])
    cast.reader("eve@example.org", ["Computer Vision"])
    cast.reader("finn@example.org", ["Computer Vision"], interests={"muted_keywords": ["fog"]})
    cast.commit()
    edition = session.query(Edition).filter(Edition.date == TODAY).one()
    rows = session.execute(select(*READER_COLUMNS).order_by(Subscriber.id)).all()
    picks = Picker(session, services.settings, edition).picks(rows)
    dora, eve, finn = (picks[row.id] for row in rows)
    assert dora is eve  # one personal digest computed, one rendering shared
    trending = [e.paper for e in edition.papers if "Computer Vision" in e.paper.topic_names][:25]
    assert [c.id for c in dora] == [p.id for p in trending]
    assert [c.id for c in finn] == [p.id for p in trending if p.id != MUTED_PAPER]
