"""The plan of a day's delivery, which both modes follow: the editions to deliver, the readers
due or held, and their shares."""

import datetime as dt

from newsletter.day import Day
from newsletter.delivery import ledger
from newsletter.delivery.plan import PIECE, Share, id_ranges, plan_delivery
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


def test_a_reader_confirmed_after_todays_hour_gets_todays_edition_not_yesterdays(cast, session):
    cast.paper(1)
    yesterday = cast.edition(TODAY - dt.timedelta(days=1))
    cast.paper(2)
    today = cast.edition()
    late = cast.reader("late@example.org", [], delivery_hour=8,
                       confirmed_at=dt.datetime(2026, 11, 23, 9))
    cast.commit()
    plan = plan_delivery(session, Day(TODAY, NOON), share_size=None)
    assert plan.shares == [Share(today.id, late.id, late.id)]
    assert yesterday.id in plan.edition_ids and plan.not_due == 0


def test_the_plan_says_why_each_reader_waits(cast, session):
    cast.paper(1)
    cast.edition()  # Monday 23 November
    old = dt.datetime(2026, 1, 1)
    cast.reader("paris@example.org", [], timezone="Europe/Paris", delivery_hour=18,
                confirmed_at=old)
    cast.reader("weekly@example.org", [], frequency="weekly", delivery_hour=18, confirmed_at=old)
    # 01:00 on the 24th in Tokyo: they joined after the 23rd's edition was theirs
    cast.reader("tokyo@example.org", [], timezone="Asia/Tokyo", delivery_hour=7,
                confirmed_at=dt.datetime(2026, 11, 23, 16))
    cast.commit()
    plan = plan_delivery(session, Day(TODAY + dt.timedelta(days=1), dt.datetime(2026, 11, 24, 16)),
                         share_size=None)
    assert plan.waiting == {"hour not reached: at 18:00 Europe/Paris": 1,
                            "weekly: next Monday": 1}
    monday = plan_delivery(session, Day(TODAY, dt.datetime(2026, 11, 23, 16, 30)), share_size=None)
    assert monday.waiting == {"hour not reached: at 18:00 Europe/Paris": 1,
                              "hour not reached: at 18:00 UTC": 1,
                              "joined after today's hour: first digest tomorrow": 1}


def test_without_a_share_size_the_readers_are_planned_in_about_equal_parts(cast, session):
    cast.paper(1)
    edition = cast.edition()
    readers = cast.readers(3 * PIECE, ["NLP"])
    cast.commit()
    ids = [reader.id for reader in readers]
    halves = plan_delivery(session, Day(TODAY), share_size=None, parts=2).shares
    assert halves == [Share(edition.id, ids[0], ids[2 * PIECE - 1]),
                      Share(edition.id, ids[2 * PIECE], ids[-1])]  # equal to within a piece
    thirds = plan_delivery(session, Day(TODAY), share_size=None, parts=3).shares
    assert [(share.first_id, share.last_id) for share in thirds] == [
        (ids[start], ids[start + PIECE - 1]) for start in range(0, 3 * PIECE, PIECE)]
    assert len(plan_delivery(session, Day(TODAY), share_size=None, parts=10).shares) == 3
    assert len(plan_delivery(session, Day(TODAY), share_size=None).shares) == 1


def test_one_share_plans_the_readers_that_shares_of_a_size_do(cast, session):
    cast.paper(1)
    edition = cast.edition()  # Monday 23 November, at 07:00 UTC
    early, same_day, next_day = [
        cast.reader(f"{name}@example.org", [], delivery_hour=7, confirmed_at=confirmed)
        for name, confirmed in [("early", dt.datetime(2026, 1, 1)),
                                ("same-day", dt.datetime(2026, 11, 23, 9)),
                                ("next-day", dt.datetime(2026, 11, 24, 1))]]
    cast.reader("honolulu@example.org", [], timezone="Pacific/Honolulu", delivery_hour=23,
                confirmed_at=dt.datetime(2026, 1, 1))
    cast.commit()
    day = Day(TODAY, dt.datetime(2026, 11, 24, 2))
    one, each = plan_delivery(session, day, share_size=None), plan_delivery(session, day, 1)
    assert one.planned == each.planned == 2
    assert one.waiting == each.waiting == {"joined after today's hour: first digest tomorrow": 1,
                                           "hour not reached: at 23:00 Pacific/Honolulu": 1}
    assert one.shares == [Share(edition.id, early.id, same_day.id)] and next_day.id > same_day.id
    assert each.shares == [Share(edition.id, early.id, early.id),
                           Share(edition.id, same_day.id, same_day.id)]
