"""A digest cut to the reader's limit: every topic keeps a paper, "Other" comes last, and the
email says how many more papers matched, with a link to the day's edition."""

import email
import email.policy
from pathlib import Path

from newsletter.delivery.send import deliver_edition
from newsletter.mail.outbox import OutboxMailer


def test_a_capped_digest_keeps_every_topic_and_says_how_many_more_matched(
        cast, session, settings, tmp_path):
    for number in range(1, 7):  # six hot papers in one topic
        cast.paper(number, topics=["Large Language Models"], upvotes=100 - number)
    cast.paper(7, topics=["Speech & Audio"], upvotes=1)
    cast.paper(8, topics=["Safety & Alignment"], upvotes=1)
    cast.paper(9, topics=None, upvotes=1000)  # untagged ("Other"), and the day's hottest
    edition = cast.edition()
    cast.reader("all@example.org", [], max_papers=4)
    cast.commit()
    outbox = tmp_path / "outbox"
    assert deliver_edition(session, settings, OutboxMailer(outbox), edition)["sent"] == 1
    [path] = Path(outbox).glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    contents = text.split("IN THIS EMAIL\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert contents == ["- Large Language Models (1)", "- Speech & Audio (1)",
                        "- Safety & Alignment (1)", "- Other (1)"]
    assert "5 more papers matched your topics; see them all in the archive:" in text
    assert f"{settings.base_url}/editions/{edition.date.isoformat()}" in text
    assert "5 more papers matched your topics" in html
    assert text.count("Extractive summaries: taken from each abstract") == 1
