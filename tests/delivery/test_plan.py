"""The plan of a day's delivery, which both modes follow: the editions to deliver, the readers
due or held, and their shares."""

import datetime as dt

from newsletter.day import Day
from newsletter.delivery import ledger
from newsletter.delivery.plan import Share, id_ranges, plan_delivery
from newsletter.models import Delivery
from tests.support.cast import TODAY

NOON = dt.datetime(2026, 11, 23, 12)


def test_subscribers_are_split_in_ranges_of_ids_with_gaps_inside():
    assert id_ranges([1, 2, 5, 9, 10], 2) == [(1, 2), (5, 9), (10, 10)]


def test_yesterdays_edition_is_planned_for_readers_west_of_utc_only_when_the_hour_counts(
        cast, session):
    cast.paper(1)
    yesterday = cast.edition(TODAY - dt.timedelta(days=1))
    cast.paper(2)
    today = cast.edition()
    # 7:00 in Los Angeles is 15:00 UTC: at noon UTC on the 23rd, the 22nd's edition is due
    # there and the 23rd's not yet
    west = cast.reader("west@example.org", [], timezone="America/Los_Angeles", delivery_hour=7,
                       confirmed_at=dt.datetime(2026, 1, 1))
    cast.commit()
    at_noon = plan_delivery(session, Day(TODAY, NOON), share_size=None)
    assert at_noon.edition_ids == [today.id, yesterday.id]
    assert at_noon.shares == [Share(yesterday.id, west.id, west.id)] and at_noon.not_due == 1
    whatever_the_hour = plan_delivery(session, Day(TODAY), share_size=None)
    assert whatever_the_hour.edition_ids == [today.id]


def test_a_share_covers_due_and_held_readers(cast, session):
    cast.paper(1)
    edition = cast.edition()
    first, held, due = cast.readers(3, ["NLP"])
    ledger.claim_digests(session, edition.id, {first.id: ["2611.00001"], held.id: ["2611.00001"]})
    [row] = session.query(Delivery.id).filter_by(subscriber_id=first.id).one()
    ledger.record(session, [ledger.Outcome(sent) for sent in ledger.start_sending(session, [row])])
    session.commit()  # first was sent; held is still "claimed" by a run that may have died
    plan = plan_delivery(session, Day(TODAY), share_size=None)
    assert plan.shares == [Share(edition.id, held.id, due.id)] and plan.planned == 2


def test_readers_confirmed_after_the_hour_start_tomorrow(cast, session):
    cast.paper(1)
    edition = cast.edition()
    cast.reader("early@example.org", [], delivery_hour=8, confirmed_at=dt.datetime(2026, 11, 1))
    late = cast.reader("late@example.org", [], delivery_hour=8,
                       confirmed_at=dt.datetime(2026, 11, 23, 9))
    cast.commit()
    plan = plan_delivery(session, Day(TODAY, NOON), share_size=None)
    assert (plan.planned, plan.not_due) == (1, 1)
    assert all(late.id not in range(share.first_id, share.last_id + 1) for share in plan.shares
               if share.edition_id == edition.id)
