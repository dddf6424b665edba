"""The one small cast of test data, stored through the code production uses: papers through
`papers.upsert_records`, readers through `subscriptions.subscribe`, editions through
`build_edition`. Paper n is arXiv 2611.0000n ("Paper number n about things"); a test that needs
other text passes the fields it cares about."""

from __future__ import annotations

import datetime as dt

from newsletter.config import OFFLINE_MODEL
from newsletter.editions.build import build_edition
from newsletter.ingest import papers
from newsletter.models import Edition, Paper, PaperTopic, Subscriber, Summary
from newsletter.personal import PaperView
from newsletter.sources.records import PaperRecord
from newsletter.subscribers import subscriptions
from newsletter.summarize.prompt import PROMPT_VERSION, SummaryRequest
from newsletter.summarize.summaries import paper_hash

TODAY = dt.date(2026, 11, 23)  # a Monday: weekly digests are due


def arxiv_id(number: int) -> str:
    return f"2611.{number:05d}"


class Cast:
    """Builders of papers, editions and readers on one session (the test's)."""

    def __init__(self, session, services):
        self.session, self.services = session, services

    @staticmethod
    def record(number: int = 1, **fields) -> PaperRecord:
        """What a source says about paper `number`; `fields` replace the defaults."""
        values = dict(external_id=arxiv_id(number), arxiv_id=arxiv_id(number),
                      title=f"Paper number {number} about things", abstract="Text.")
        return PaperRecord(**{**values, **fields})

    def store(self, record: PaperRecord, *, kind: str = "arxiv", url: str = "file:///a",
              backdate: bool = False) -> tuple[str, Paper]:
        """Ingest one record as a source of `kind` at `url` would: (outcome, paper)."""
        [stored] = papers.upsert_records(self.session, [record], kind=kind, url=url,
                                         backdate=backdate)
        return stored

    def paper(self, number: int = 1, *, topics=("NLP",), upvotes: int = 0, kind: str = "hf",
              url: str = "file:///hf", tldr: str | None = None, summary: dict | None = None,
              **fields) -> Paper:
        """Paper `number` with `upvotes`, tagged with `topics` (None: left untagged); with `tldr`,
        also its cached English summary by the offline summarizer (`summary`: more of its
        fields: highlights, summary, methodology, results, implications)."""
        record = self.record(number, **{"signals": {"upvotes": upvotes}, **fields})
        _, paper = self.store(record, kind=kind, url=url)
        if topics is not None:
            paper.topics = [PaperTopic(topic=topic, rank=rank) for rank, topic in enumerate(topics)]
        if tldr is not None:
            self.session.flush()
            self.session.add(Summary(content_hash=paper_hash(paper), requested_model=OFFLINE_MODEL,
                                     model=OFFLINE_MODEL, prompt_version=PROMPT_VERSION,
                                     language="en",
                                     fields={"tldr": tldr, "highlights": [], **(summary or {})}))
        return paper

    def edition(self, date: dt.date = TODAY, now: dt.datetime | None = None) -> Edition:
        """The edition of `date`, built as a run builds it."""
        return build_edition(self.session, date, now=now)

    def two_editions(self) -> None:
        """The editions of the day before TODAY (Robotics papers 1 with 5 upvotes and 2 with
        50) and of TODAY (Robotics papers 3 with 1 upvote and 4 with 90, and paper 5 on
        Theory)."""
        for number, upvotes in ((1, 5), (2, 50)):
            self.paper(number, topics=["Robotics"], upvotes=upvotes)
        self.edition(TODAY - dt.timedelta(days=1))
        for number, upvotes in ((3, 1), (4, 90)):
            self.paper(number, topics=["Robotics"], upvotes=upvotes)
        self.paper(5, topics=["Theory"])
        self.edition(TODAY)

    def reader(self, email: str = "reader@example.org", topics=("Robotics",), *,
               confirmed: bool = True, **fields) -> Subscriber:
        """A subscriber of `topics` (none: every topic), confirmed unless said otherwise;
        `fields` set any other column (language, timezone, delivery_hour, max_papers...)."""
        subscriber = subscriptions.subscribe(self.session, email, list(topics),
                                             self.services.taxonomy, confirmed=confirmed)
        for name, value in fields.items():
            setattr(subscriber, name, value)
        self.session.flush()
        return subscriber

    def readers(self, count: int, topics=(), prefix: str = "r", **fields) -> list[Subscriber]:
        """`count` confirmed readers {prefix}{n}@example.org of `topics`, committed."""
        made = [self.reader(f"{prefix}{n}@example.org", topics, **fields) for n in range(count)]
        self.commit()
        return made

    def commit(self) -> None:
        self.session.commit()

    @staticmethod
    def view(pid: str, title: str = "A paper", abstract: str = "", topics=(), authors=(),
             organization: str | None = None) -> PaperView:
        """A paper as personalization sees it."""
        return PaperView(id=pid, title=title, abstract=abstract, authors=tuple(authors),
                         organization=organization, topics=tuple(topics))

    @staticmethod
    def request(number: int = 1, language: str = "en") -> SummaryRequest:
        """What the summarizer is asked about paper `number`."""
        return SummaryRequest(f"Paper number {number}",
                              f"We study problem {number}. Our method improves results by 3.5 "
                              "points.", ["cs.LG"], language)

    @staticmethod
    def hf_item(number: int = 1, **paper) -> dict:
        """One item of the Hugging Face Daily Papers API; `paper` replaces its paper's fields."""
        fields = {"id": arxiv_id(number), "title": f"Paper {number}", "summary": "Text.",
                  "upvotes": number, **paper}
        return {"paper": fields, "title": fields["title"], "numComments": 1}
