"""The delivery ledger's bulk statements, on SQLite and on PostgreSQL: claims of readers with and
without papers in one insert, "sending" with the papers of each batch stored once, and outcomes recorded a
request at a time; what a reader was sent is read back from their sent rows."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from newsletter import leases
from newsletter.db import session_scope
from newsletter.delivery import ledger
from newsletter.delivery.ledger import sent_among
from newsletter.models import Delivery, DigestPapers, Lease, utcnow
from tests.support.cast import TODAY, Cast

NLP_PAPERS = ["2611.00001", "2611.00002"]


@pytest.fixture
def db_session(services_on_each_database):
    """A session and its services, on SQLite and on PostgreSQL."""
    with session_scope(services_on_each_database.factory) as session:
        yield session, services_on_each_database


@pytest.fixture
def three_readers(db_session):
    """An edition of two papers and three readers."""
    cast = Cast(*db_session)
    for number in (1, 2):
        cast.paper(number, topics=["NLP"])
    edition = cast.edition()
    readers = cast.readers(3, ["NLP"])
    return cast.session, edition.id, [reader.id for reader in readers]


def rows(session) -> dict[int, Delivery]:
    session.expire_all()
    return {row.subscriber_id: row for row in session.scalars(select(Delivery))}


def test_readers_with_and_without_papers_are_claimed_in_one_call_and_only_once(three_readers):
    session, edition_id, (first, second, third) = three_readers
    picks = {first: NLP_PAPERS, second: [], third: NLP_PAPERS}
    claimed = ledger.claim_digests(session, edition_id, picks)
    assert set(claimed) == {first, second, third}
    assert {s: row.status for s, row in rows(session).items()} == {
        first: ledger.CLAIMED, second: ledger.EMPTY, third: ledger.CLAIMED}
    assert ledger.claim_digests(session, edition_id, picks) == {}


def test_rows_inserted_as_sending_are_inserted_once_and_closed_by_request(three_readers):
    session, edition_id, (first, second, third) = three_readers
    [list_id] = ledger.PaperLists().ids(session, [tuple(NLP_PAPERS)]).values()
    lists = dict.fromkeys([first, second, third], list_id)
    sending = ledger.claim_sending(session, edition_id, lists, "run")
    session.commit()
    assert set(sending) == {first, second, third}
    assert {row.status for row in rows(session).values()} == {ledger.SENDING}
    assert ledger.claim_sending(session, edition_id, lists, "another run") == {}  # never twice
    ledger.record(session, [ledger.Outcome(sending[first], "request-1"),
                            ledger.Outcome(sending[second], "request-1"),
                            ledger.Outcome(sending[third], error="refused")])
    session.commit()
    after = rows(session)
    assert [(after[s].status, after[s].provider_message_id) for s in (first, second, third)] == [
        (ledger.SENT, "request-1"), (ledger.SENT, "request-1"), (ledger.FAILED, None)]
    assert after[first].paper_ids == NLP_PAPERS


def test_sent_rows_keep_the_message_id_and_their_papers_count_as_sent(three_readers):
    session, edition_id, (first, second, third) = three_readers
    claimed = ledger.claim_digests(session, edition_id, dict.fromkeys(three_readers[2], NLP_PAPERS))
    ids = [claimed[first], claimed[second], claimed[third]]
    assert ledger.start_sending(session, ids) == set(ids)
    session.commit()
    assert ledger.start_sending(session, ids) == set()  # never sent twice
    assert len(session.scalars(select(DigestPapers)).all()) == 1  # one list, shared
    ledger.record(session, [ledger.Outcome(ids[0], "msg-1"), ledger.Outcome(ids[1], "msg-1"),
                            ledger.Outcome(ids[2], error="refused")])
    session.commit()
    after = rows(session)
    assert [(after[s].status, after[s].provider_message_id) for s in (first, second)] == [
        (ledger.SENT, "msg-1"), (ledger.SENT, "msg-1")]
    assert (after[third].status, after[third].error) == (ledger.FAILED, "refused")
    assert after[first].paper_ids == NLP_PAPERS
    assert sent_among(session, three_readers[2], NLP_PAPERS, TODAY) == {
        first: set(NLP_PAPERS), second: set(NLP_PAPERS)}  # not the failed one
    assert sent_among(session, three_readers[2], NLP_PAPERS, TODAY + dt.timedelta(days=1)) == {}


def test_a_run_stores_each_paper_list_once(three_readers):
    session, edition_id, (first, second, third) = three_readers
    lists = ledger.PaperLists()
    ledger.claim_digests(session, edition_id, {first: NLP_PAPERS, second: NLP_PAPERS[:1]}, lists)
    ledger.claim_digests(session, edition_id, {third: NLP_PAPERS}, lists)
    assert sorted(session.scalars(select(DigestPapers.paper_ids))) == [NLP_PAPERS[:1], NLP_PAPERS]
    assert [rows(session)[reader].paper_ids for reader in three_readers[2]] == [
        NLP_PAPERS, NLP_PAPERS[:1], NLP_PAPERS]


def test_rows_picked_again_get_their_new_papers_or_close_as_empty(three_readers):
    session, edition_id, (first, second, _) = three_readers
    claimed = ledger.claim_digests(session, edition_id, {first: NLP_PAPERS, second: NLP_PAPERS})
    ledger.pick_again(session, {claimed[first]: NLP_PAPERS[1:], claimed[second]: []})
    after = rows(session)
    assert (after[first].status, after[first].paper_ids) == (ledger.CLAIMED, NLP_PAPERS[1:])
    assert (after[second].status, after[second].paper_ids) == (ledger.EMPTY, [])


def test_rows_released_before_sending_are_not_moved_or_sent(three_readers):
    session, edition_id, (first, *_) = three_readers
    claimed = ledger.claim_digests(session, edition_id, {first: NLP_PAPERS})
    session.execute(Delivery.__table__.delete())
    session.commit()
    assert ledger.start_sending(session, [claimed[first]]) == set()


def hold(session, holder: str, minutes: float = 5) -> None:
    """A lease for `holder`, ending in `minutes` (a negative number: it ended that long ago)."""
    leases.take(session, holder, holder, dt.timedelta(minutes=5))
    session.execute(update(Lease).where(Lease.owner == holder).values(
        expires_at=utcnow() + dt.timedelta(minutes=minutes)))
    session.commit()


def test_a_dead_holders_rows_are_released_or_taken_over_once_after_the_provider_reports(three_readers):
    session, edition_id, (never_sent, maybe, answered) = three_readers
    hold(session, "first-run")
    hold(session, "heir")
    claimed = ledger.claim_digests(session, edition_id, dict.fromkeys(three_readers[2], NLP_PAPERS),
                                   holder="first-run")
    ledger.start_sending(session, [claimed[maybe], claimed[answered]], "first-run")
    session.commit()
    ledger.confirm_sent(session, {claimed[answered]: "msg-9"})  # the provider's event came
    session.commit()
    awaited = ledger.PROVIDER_REPORTS_WITHIN  # SendGrid's events may still come
    assert ledger.reclaim(session, edition_id, None, None, "heir", awaited) == (
        ledger.Reclaimed(0, {}))
    hold(session, "first-run", minutes=-1)  # it died: its lease ran out
    assert ledger.reclaim(session, edition_id, None, None, "heir", awaited) == (
        ledger.Reclaimed(1, {}))
    sending_at = rows(session)[maybe].sending_at
    assert ledger.reclaimable_at(session, edition_id, None, None, awaited) == sending_at + awaited
    later = sending_at + awaited + dt.timedelta(seconds=1)
    reclaimed = ledger.reclaim(session, edition_id, None, None, "heir", awaited, now=later)
    assert reclaimed == ledger.Reclaimed(0, taken_over={maybe: claimed[maybe]})
    assert ledger.reclaim(session, edition_id, None, None, "other", now=later).taken_over == {}
    after = rows(session)
    assert set(after) == {maybe, answered} and never_sent not in after
    assert (after[maybe].status, after[maybe].holder) == (ledger.CLAIMED, "heir")
    assert after[maybe].sending_at is not None
    assert (after[answered].status, after[answered].provider_message_id) == (ledger.SENT, "msg-9")
    assert sent_among(session, three_readers[2], NLP_PAPERS, TODAY) == {answered: set(NLP_PAPERS)}


def test_rows_of_a_live_holder_are_counted_as_held_and_never_taken(three_readers):
    session, edition_id, (first, second, _) = three_readers
    hold(session, "alive")
    claimed = ledger.claim_digests(session, edition_id, {first: NLP_PAPERS, second: NLP_PAPERS},
                                   holder="alive")
    ledger.start_sending(session, [claimed[first]], "alive")
    session.commit()
    assert ledger.held_by_others(session, edition_id, first, second, "heir") == 2
    assert ledger.held_by_others(session, edition_id, first, second, "alive") == 0
    assert ledger.held_by_others(session, edition_id, second, second, "heir") == 1
    assert ledger.reclaimable_at(session, edition_id, first, second,
                                 ledger.PROVIDER_REPORTS_WITHIN) is None
    assert ledger.start_sending(session, [claimed[second]], "heir") == set()  # not its row
