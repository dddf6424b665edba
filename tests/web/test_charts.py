"""The charts' geometry: values map to heights on a round scale, days to positions."""

import datetime as dt

from newsletter.web.charts import HEIGHT, TOP, bar_chart, line_chart

DAYS = [dt.date(2026, 11, 20) + dt.timedelta(days=n) for n in range(4)]


def test_a_bar_is_as_tall_as_its_value_on_a_round_scale():
    chart = bar_chart("t", DAYS, {"sign-ups": {DAYS[0]: 50, DAYS[2]: 100}})
    [bars] = [s.bars for s in chart.series]
    heights = [round(h, 1) for _x, _y, _w, h in bars]
    full = chart.baseline - TOP  # the scale tops out at 100: four ticks of 25
    assert heights == [round(full / 2, 1), 0, round(full, 1), 0]
    assert [label for _y, label in chart.y_ticks] == ["0", "25", "50", "75", "100"]


def test_bars_of_one_day_stand_side_by_side_in_order():
    chart = bar_chart("t", DAYS, {"a": {DAYS[1]: 1}, "b": {DAYS[1]: 1}})
    a, b = (s.bars[1] for s in chart.series)
    assert a[0] + a[2] <= b[0]


def test_a_line_has_a_point_only_on_the_days_it_was_counted():
    chart = line_chart("t", DAYS, {"confirmed": {DAYS[1]: 3, DAYS[3]: 4}})
    [line] = chart.series
    assert len(line.points) == 2
    assert line.points[0][0] < line.points[1][0]
    assert all(TOP <= y <= HEIGHT for _x, y in line.points)
    assert [label for _x, label in chart.x_labels] == ["20 Nov", "22 Nov", "23 Nov"]
