"""When a digest is due: the subscriber's hour on their own clock, across zones and DST."""

import datetime as dt
from types import SimpleNamespace

from newsletter.delivery.schedule import (
    due_at,
    first_digest,
    is_due,
    why_not_due,
    window_start,
)

MONDAY = dt.date(2026, 11, 23)


def reader(zone="UTC", hour=7, frequency="daily", confirmed_at=None):
    return SimpleNamespace(timezone=zone, delivery_hour=hour, frequency=frequency,
                           confirmed_at=confirmed_at)


def test_a_daily_digest_is_due_at_the_readers_hour_in_their_zone():
    assert due_at(reader("Europe/Paris", 7), MONDAY) == dt.datetime(2026, 11, 23, 6)
    assert due_at(reader("America/New_York", 7), MONDAY) == dt.datetime(2026, 11, 23, 12)


def test_summer_time_moves_the_utc_instant_not_the_local_hour():
    assert due_at(reader("America/New_York", 7), dt.date(2026, 7, 6)) == dt.datetime(2026, 7, 6, 11)


def test_a_zone_east_of_utc_is_due_the_utc_day_before():
    assert due_at(reader("Asia/Tokyo", 7), MONDAY) == dt.datetime(2026, 11, 22, 22)
    assert due_at(reader("Pacific/Kiritimati", 0), MONDAY) == dt.datetime(2026, 11, 22, 10)


def test_an_hour_skipped_by_spring_forward_comes_an_hour_later_on_the_wall_clock():
    # 2026-03-29 02:00 does not exist in Paris: clocks jump from 02:00 CET to 03:00 CEST.
    assert due_at(reader("Europe/Paris", 2), dt.date(2026, 3, 29)) == dt.datetime(2026, 3, 29, 1)


def test_an_hour_repeated_by_fall_back_is_its_first_occurrence():
    # 2026-11-01 01:00 happens twice in New York: first at EDT (UTC-4).
    assert due_at(reader("America/New_York", 1), dt.date(2026, 11, 1)) == dt.datetime(2026, 11, 1, 5)


def test_a_weekly_digest_is_due_only_on_mondays_and_draws_on_the_week():
    assert due_at(reader(frequency="weekly"), MONDAY) == dt.datetime(2026, 11, 23, 7)
    assert due_at(reader(frequency="weekly"), MONDAY + dt.timedelta(days=1)) is None
    assert window_start("weekly", MONDAY) == dt.date(2026, 11, 17)
    assert window_start("daily", MONDAY) == MONDAY


def test_an_unknown_zone_is_read_as_utc():
    assert due_at(reader("Mars/Olympus_Mons", 9), MONDAY) == dt.datetime(2026, 11, 23, 9)


def test_is_due_compares_with_now_unless_the_hour_is_ignored():
    paris = reader("Europe/Paris", 7)
    assert not is_due(paris, MONDAY, dt.datetime(2026, 11, 23, 5, 59))
    assert is_due(paris, MONDAY, dt.datetime(2026, 11, 23, 6, 0))
    assert is_due(paris, MONDAY, None)
    assert not is_due(reader(frequency="weekly"), MONDAY + dt.timedelta(days=2), None)


def test_a_reader_who_joins_after_their_hour_gets_that_days_edition_at_the_next_run():
    joined = reader("Europe/Paris", 7, confirmed_at=dt.datetime(2026, 11, 23, 15))
    assert is_due(joined, MONDAY, dt.datetime(2026, 11, 23, 15, 5))
    assert not is_due(joined, MONDAY - dt.timedelta(days=1), dt.datetime(2026, 11, 23, 15, 5))
    assert why_not_due(joined, MONDAY - dt.timedelta(days=1), dt.datetime(2026, 11, 23, 15)) == (
        "joined after today's hour: first digest tomorrow")


def test_a_weekly_reader_who_joins_on_monday_after_the_hour_gets_that_mondays_digest():
    monday = reader(frequency="weekly", confirmed_at=dt.datetime(2026, 11, 23, 20))
    assert is_due(monday, MONDAY, dt.datetime(2026, 11, 23, 21))
    tuesday = reader(frequency="weekly", confirmed_at=dt.datetime(2026, 11, 24, 9))
    assert why_not_due(tuesday, MONDAY, dt.datetime(2026, 11, 24, 10)) == (
        "joined after this week's hour: first digest next Monday")


def test_why_not_due_says_the_hour_and_zone_or_the_weekday():
    assert why_not_due(reader("Europe/Paris", 7), MONDAY, dt.datetime(2026, 11, 23, 5)) == (
        "hour not reached: at 07:00 Europe/Paris")
    assert why_not_due(reader("Mars/Olympus_Mons", 9), MONDAY, dt.datetime(2026, 11, 23)) == (
        "hour not reached: at 09:00 UTC")
    tuesday = MONDAY + dt.timedelta(days=1)
    assert why_not_due(reader(frequency="weekly"), tuesday, None) == "weekly: next Monday"
    assert why_not_due(reader(), MONDAY, dt.datetime(2026, 11, 23, 7)) is None
    assert why_not_due(reader(), MONDAY, None) is None


def test_the_welcome_sentence_says_when_the_first_digest_comes_and_how_often():
    before = first_digest(reader("Europe/Paris", 7), dt.datetime(2026, 11, 23, 5))
    assert before == ("Your first digest comes today at 07:00; after that, every day at "
                      "07:00 Europe/Paris.")
    after = first_digest(reader("Europe/Paris", 7), dt.datetime(2026, 11, 23, 15))
    assert after.startswith("Your first digest comes with the next run, today's edition;")
    wednesday = first_digest(reader(frequency="weekly"), dt.datetime(2026, 11, 25, 9))
    assert wednesday == ("Your first digest comes on Monday 30 November at 07:00; after that, "
                         "every Monday at 07:00 UTC.")
