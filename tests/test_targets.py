"""Tests for crmcore.targets: the weight-index formulas of 黄成明《数据化管理》(2014), worked by hand.

The running example: two weeks from Monday 2024-01-01, weekday means Mon..Thu 10, Fri 20,
Sat 30, Sun 50 (total 280 over 14 days = 2 weeks → average weekly sales 140). With K = 7 the
day weights are mean / 140 × 7 = mean / 20: Mon..Thu 0.5, Fri 1.0, Sat 1.5, Sun 2.5 (sum 7).
February 2024 starts on a Thursday and has 29 days: four whole weeks (4 × 7 = 28) plus one more
Thursday (0.5), so its month weight index is 28.5.
"""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")  # the pytest process only; notebooks keep the inline backend

import numpy as np
import pandas as pd
import pytest

from crmcore import targets as tg
from crmcore.errors import DataError, DomainError, ParameterError


def series(start: str, values) -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"), dtype=float)


# week 1 and week 2 differ Mon..Wed, but their weekday means are 10, 10, 10
TWO_WEEKS = series("2024-01-01", [8, 10, 12, 10, 20, 30, 50, 12, 10, 8, 10, 20, 30, 50])
PATTERN = [10, 10, 10, 10, 20, 30, 50]  # Mon..Sun


@pytest.fixture
def wi():
    return tg.weight_index(TWO_WEEKS, weekly_index=7)


# ---------------------------------------------------------------------------------------------
# Day weight index, month weight index, unit weight value
# ---------------------------------------------------------------------------------------------

def test_day_weight_is_weekday_mean_over_average_weekly_sales_times_k(wi):
    # total 280 over 14 days → 2 weeks → average weekly sales 280 / 2 = 140
    assert wi.total_sales == 280
    assert wi.n_days == 14 and wi.n_weeks == 2
    assert wi.avg_weekly_sales == 140
    # w = mean / 140 × 7: 10/20 = 0.5, 20/20 = 1.0, 30/20 = 1.5, 50/20 = 2.5
    np.testing.assert_allclose(wi.weekday_weights.to_numpy(), [0.5, 0.5, 0.5, 0.5, 1.0, 1.5, 2.5])
    assert wi.weekday_weights.sum() == pytest.approx(7)
    assert wi.warnings == ()


def test_weekly_index_scales_the_weights_linearly():
    # K = 14: w = mean / 140 × 14 = mean / 10 → 1, 1, 1, 1, 2, 3, 5 (sum 14)
    w14 = tg.weight_index(TWO_WEEKS, weekly_index=14)
    np.testing.assert_allclose(w14.weekday_weights.to_numpy(), [1, 1, 1, 1, 2, 3, 5])


@pytest.mark.parametrize("k", [7, 9.5, 14])
@pytest.mark.parametrize("n_days", [21, 10, 45])
def test_uniform_sales_give_every_day_weight_k_over_7(k, n_days):
    # mean per weekday = 100, average weekly sales = 100·n / (n/7) = 700 → w = 100/700 · K = K/7,
    # whole weeks or not
    wi = tg.weight_index(series("2024-03-06", [100.0] * n_days), weekly_index=k)
    np.testing.assert_allclose(wi.weekday_weights.to_numpy(), np.full(7, k / 7), rtol=1e-12)


def test_a_period_of_part_weeks_warns_that_the_weights_do_not_sum_to_k():
    # 8 days from Monday: Mon twice (10, 30), the rest once; total 8·10 + 20 = 100? no —
    # values: Mon 10, Tue..Sun 10, Mon 30 → total 100, weeks 8/7, avg weekly 87.5
    s = series("2024-01-01", [10, 10, 10, 10, 10, 10, 10, 30])
    wi = tg.weight_index(s, weekly_index=7)
    # Mon mean 20 → 20 / 87.5 × 7 = 1.6; others 10 / 87.5 × 7 = 0.8; sum 1.6 + 6 × 0.8 = 6.4
    np.testing.assert_allclose(wi.weekday_weights.to_numpy(), [1.6] + [0.8] * 6)
    assert "not whole weeks" in wi.warnings[0] and "6.4000" in wi.warnings[0]


def test_period_limits_the_history_used():
    s = pd.concat([TWO_WEEKS, series("2024-01-15", [1000.0] * 7)])
    wi = tg.weight_index(s, weekly_index=7, period=("2024-01-01", "2024-01-14"))
    np.testing.assert_allclose(wi.weekday_weights.to_numpy(), [0.5, 0.5, 0.5, 0.5, 1.0, 1.5, 2.5])
    assert tg.history_period("2024-01-15", weeks=2) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-14"))
    # a month: the whole weeks ending the day before its first day
    assert tg.history_period("2024-02", weeks=1) == (pd.Timestamp("2024-01-25"), pd.Timestamp("2024-01-31"))


def test_month_weight_index_is_the_sum_of_its_day_weights(wi):
    # Feb 2024: Thu ×5 (1, 8, 15, 22, 29), every other weekday ×4 → 4 × 7 + 0.5 = 28.5
    assert wi.month_weight("2024-02") == pytest.approx(28.5)
    # Jan 2024 starts on Monday, 31 days: Mon, Tue, Wed ×5 → 28 + 3 × 0.5 = 29.5
    assert wi.month_weight("2024-01") == pytest.approx(29.5)
    # Mar 2024 starts on Friday, 31 days: Fri, Sat, Sun ×5 → 28 + 1.0 + 1.5 + 2.5 = 33.0
    assert wi.month_weight(pd.Period("2024-03", "M")) == pytest.approx(33.0)
    mw = wi.month_weights(2024)
    # 2024: 366 days from a Monday = 52 weeks + Mon 30 Dec + Tue 31 Dec → 364 + 0.5 + 0.5 = 365
    assert mw["month_weight"].sum() == pytest.approx(365)
    assert mw["share"].sum() == pytest.approx(1)


def test_unit_weight_value_is_sales_over_weights(wi):
    # week 1: Σ sales 140, Σ weights 7 → 20 per unit of weight
    assert tg.unit_weight_value(TWO_WEEKS.iloc[:7], wi) == pytest.approx(20)
    # Fri..Sun of week 2: (20 + 30 + 50) / (1 + 1.5 + 2.5) = 100 / 5 = 20
    assert tg.unit_weight_value(TWO_WEEKS.iloc[11:], wi) == pytest.approx(20)


def test_holidays_take_their_own_weight_and_stay_out_of_the_estimate():
    # three uniform weeks of 100, but Wed 2024-01-10 is a holiday that sold 1000:
    # it is left out, so the other 20 days give every weekday 100 / 700 × 7 = 1
    s = series("2024-01-01", [100.0] * 21)
    s.loc["2024-01-10"] = 1000
    wi = tg.weight_index(s, weekly_index=7, holidays=pd.DataFrame({"date": ["2024-01-10"], "weight": [3.0],
                                                                   "name": ["demo holiday"]}))
    assert wi.n_days == 20
    np.testing.assert_allclose(wi.weekday_weights.to_numpy(), np.ones(7))
    # the holiday falls in January: 31 days × 1 − 1 + 3 = 33
    assert wi.month_weight("2024-01") == pytest.approx(33)
    dt = tg.daily_targets(3300, "2024-01", wi)
    # 3300 / 33 = 100 per unit of weight → the holiday target is 300
    assert dt.targets[pd.Timestamp("2024-01-10")] == pytest.approx(300)
    assert dt.targets[pd.Timestamp("2024-01-11")] == pytest.approx(100)


# ---------------------------------------------------------------------------------------------
# Daily targets
# ---------------------------------------------------------------------------------------------

def test_daily_target_is_monthly_target_times_day_weight_over_month_weight(wi):
    # 5700 / 28.5 = 200 per unit of weight: Mon..Thu 0.5 × 200 = 100, Fri 200, Sat 300, Sun 500
    dt = tg.daily_targets(5700, "2024-02", wi)
    t = dt.targets
    assert dt.month_weight == pytest.approx(28.5)
    assert t[pd.Timestamp("2024-02-01")] == pytest.approx(100)  # Thu
    assert t[pd.Timestamp("2024-02-02")] == pytest.approx(200)  # Fri
    assert t[pd.Timestamp("2024-02-03")] == pytest.approx(300)  # Sat
    assert t[pd.Timestamp("2024-02-04")] == pytest.approx(500)  # Sun
    assert len(t) == 29
    assert math.fsum(t) == pytest.approx(5700, rel=1e-15)
    assert dt.table["cum_target"].iloc[2] == pytest.approx(600)


def test_targets_rounded_to_cents_use_largest_remainder_and_sum_exactly():
    # uniform weights, June 2025 (30 days), target 100.00 = 10,000 cents: 10,000 / 30 = 333.33 cents
    # each; floors give 30 × 333 = 9,990, the 10 cents left go to the first 10 days (equal remainders)
    wi = tg.WeightIndex.from_weekday_weights([1] * 7)
    dt = tg.daily_targets(100, "2025-06", wi, round_to=0.01)
    assert list(dt.table["target"].iloc[:10]) == [3.34] * 10
    assert list(dt.table["target"].iloc[10:]) == [3.33] * 20
    cents = np.rint(dt.table["target"].to_numpy() * 100).astype(int)
    assert cents.sum() == 10_000


@pytest.mark.parametrize("target", [1_000_000, 987_654.32, 0.07, 12_345_678.91])
@pytest.mark.parametrize("month", ["2024-02", "2025-06", "2025-12"])
def test_daily_targets_always_sum_to_the_monthly_target(wi, target, month):
    exact = tg.daily_targets(target, month, wi)
    assert math.fsum(exact.targets) == pytest.approx(target, rel=1e-14, abs=1e-12)
    cents = tg.daily_targets(target, month, wi, round_to=0.01)
    assert np.rint(cents.targets.to_numpy() * 100).astype(np.int64).sum() == round(target * 100)
    # rounding moves no day by more than one cent from its exact share
    assert np.abs(cents.targets.to_numpy() - exact.targets.to_numpy()).max() < 0.01 + 1e-9
    whole = tg.daily_targets(round(target), month, wi, round_to=1)
    assert whole.targets.sum() == round(target)


def test_largest_remainder_gives_the_extra_cents_to_the_largest_fractions():
    # weights Mon..Sun 1,1,1,1,1,1,3 in a week-long "month"? use Feb 2021: starts Monday, exactly 4 weeks
    # weight 36; target 1.00 = 100 cents: Mon..Sat 100/36 = 2.777 cents, Sun 8.333 cents
    # floors: 24 × 2 + 4 × 8 = 80; 20 cents left: remainders .777 (24 days) beat .333 (Sundays),
    # so 20 of the 24 weekdays get 3 cents, in date order
    wi = tg.WeightIndex.from_weekday_weights([1, 1, 1, 1, 1, 1, 3])
    t = tg.daily_targets(1, "2021-02", wi, round_to=0.01).table
    cents = np.rint(t["target"] * 100).astype(int)
    assert cents.sum() == 100
    assert (cents[t["weekday"] == "Sun"] == 8).all()
    assert (cents[t["weekday"] != "Sun"] == 3).sum() == 20


# ---------------------------------------------------------------------------------------------
# Month forecast and tracking
# ---------------------------------------------------------------------------------------------

FEB_START = series("2024-02-01", [60, 150, 240])  # Thu, Fri, Sat


def test_month_forecast_is_sales_so_far_over_weight_share(wi):
    # Σ sales 60 + 150 + 240 = 450; Σ w 0.5 + 1.0 + 1.5 = 3.0; W = 28.5
    # F = 450 / (3.0 / 28.5) = 450 × 9.5 = 4275; unit weight value 450 / 3 = 150 = F / W
    fc = tg.forecast_month(FEB_START, "2024-02", wi)
    assert fc.days_elapsed == 3 and fc.asof == pd.Timestamp("2024-02-03")
    assert fc.sales_to_date == 450 and fc.weight_to_date == pytest.approx(3.0)
    assert fc.forecast == pytest.approx(4275)
    assert fc.unit_weight_value == pytest.approx(150)
    # run rate: 450 / 3 days × 29 days = 4350
    assert fc.run_rate_forecast == pytest.approx(4350)


def test_forecast_asof_cuts_the_days_counted(wi):
    # asof 2024-02-02: Σ sales 210, Σ w 1.5 → F = 210 / 1.5 × 28.5 = 3990
    fc = tg.forecast_month(FEB_START, "2024-02", wi, asof="2024-02-02", target=4000)
    assert fc.forecast == pytest.approx(3990)
    assert fc.achievement == pytest.approx(3990 / 4000)


def test_forecast_on_the_last_day_equals_the_months_actual_total(wi):
    rng = np.random.default_rng(7)
    for month in ["2024-02", "2024-03", "2025-04"]:
        p = pd.Period(month, "M")
        s = series(str(p.start_time.date()), rng.gamma(2.0, 300.0, p.days_in_month))
        fc = tg.forecast_month(s, month, wi)
        assert fc.forecast == s.sum()
        tr = tg.track(s, month, wi, monthly_target=10_000)
        assert tr.table["forecast"].iloc[-1] == s.sum()


def test_track_gives_cumulative_gap_forecast_and_weight_adjusted_extremes(wi):
    tr = tg.track(FEB_START, "2024-02", wi, monthly_target=5700)
    t = tr.table
    # targets 100, 200, 300 → cumulative 600; actual 450 → gap −150
    assert list(t["cum_target"].iloc[:3]) == pytest.approx([100, 300, 600])
    assert list(t["cum_actual"].iloc[:3]) == pytest.approx([60, 210, 450])
    assert t["gap"].iloc[2] == pytest.approx(-150)
    # forecast made each day: 60/0.5×28.5 = 3420, 210/1.5×28.5 = 3990, 450/3×28.5 = 4275
    assert list(t["forecast"].iloc[:3]) == pytest.approx([3420, 3990, 4275])
    # expected = unit weight value 150 × w: 75, 150, 225; index = 60/75, 150/150, 240/225
    assert list(t["expected"].iloc[:3]) == pytest.approx([75, 150, 225])
    assert list(t["index"].iloc[:3]) == pytest.approx([0.8, 1.0, 240 / 225])
    assert tr.best_day["date"] == pd.Timestamp("2024-02-03")
    assert tr.worst_day["date"] == pd.Timestamp("2024-02-01") and tr.worst_day["index"] == pytest.approx(0.8)
    assert t["actual"].iloc[3:].isna().all() and len(t) == 29
    assert tr.forecast.forecast == pytest.approx(4275)


def test_interpretation_sentences_carry_the_numbers(wi):
    tr = tg.track(FEB_START, "2024-02", wi, monthly_target=5700)
    en, zh = tr.interpret("en"), tr.interpret("zh")
    assert "4,275" in en and "450" in en and "-150" in en and "behind target, 1,425 short" in en
    assert "4,275" in zh and "缺口 1,425" in zh and "周四" in zh
    assert "Sun carries the highest day weight (2.50)" in wi.interpret("en")
    assert "周日的日权重指数最高（2.50）" in wi.interpret("zh")
    assert "500" in tg.daily_targets(5700, "2024-02", wi).interpret("en")


def test_daily_sales_from_transactions_uses_the_engine():
    tx = pd.DataFrame({
        "customer_id": ["a", "b", "a"], "order_id": ["1", "2", "3"],
        "order_date": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 15:00", "2024-01-03 10:00"]),
        "product_id": ["p", "p", "q"], "quantity": [1, 2, 1], "unit_price": [10.0, 5.0, 7.5],
        "amount": [10.0, 10.0, 7.5],
    })
    s = tg.daily_sales(tx)
    # 2024-01-01: 10 + 10 = 20; 2024-01-02 has no row (not filled); 2024-01-03: 7.5
    assert list(s.index) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-03")]
    assert list(s) == [20.0, 7.5]


def test_engine_frame_is_accepted_as_daily_sales(wi):
    df = pd.DataFrame({"period": TWO_WEEKS.index, "revenue": TWO_WEEKS.to_numpy(), "orders": 1})
    w2 = tg.weight_index(df, weekly_index=7)
    np.testing.assert_allclose(w2.weekday_weights, wi.weekday_weights)


# ---------------------------------------------------------------------------------------------
# Target decomposition
# ---------------------------------------------------------------------------------------------

def test_decompose_by_month_weight(wi):
    # 2024 weight 365; 730,000 / 365 = 2,000 per unit: Jan 29.5 × 2000 = 59,000, Feb 28.5 × 2000 = 57,000
    plan = tg.decompose_target(730_000, 2024, wi)
    m = plan.months.set_index("month")["target"]
    assert m["2024-01"] == pytest.approx(59_000) and m["2024-02"] == pytest.approx(57_000)
    assert m["2024-03"] == pytest.approx(66_000)  # 33 × 2000
    assert math.fsum(m) == pytest.approx(730_000, rel=1e-15)
    # days: Feb 2024 Sunday = 2.5 × 2000 = 5,000
    d = plan.table.set_index("date")["target"]
    assert d[pd.Timestamp("2024-02-04")] == pytest.approx(5000)
    assert len(d) == 366


def test_decompose_by_last_years_shares_and_across_units_sums_exactly(wi):
    # 2023 sold 10 every day → month shares days / 365: 365,000 → Jan 31,000, Feb 28,000
    hist = series("2023-01-01", [10.0] * 365)
    plan = tg.decompose_target(365_000, 2024, wi, by="last_year", history=hist)
    m = plan.months.set_index("month")["target"]
    assert m["2024-01"] == pytest.approx(31_000) and m["2024-02"] == pytest.approx(28_000)
    # across units: A 60 % = 438,000, B 292,000; A's Jan by weights 438,000 × 29.5 / 365 = 35,400
    plan2 = tg.decompose_target(730_000, 2024, wi, shares={"A": 0.6, "B": 0.4}, round_to=0.01)
    mm = plan2.months.set_index(["unit", "month"])["target"]
    assert mm[("A", "2024-01")] == pytest.approx(35_400)
    cents = lambda x: int(np.rint(np.asarray(x) * 100).sum())
    assert cents(plan2.table.loc[plan2.table["unit"] == "A", "target"]) == 43_800_000
    assert cents(plan2.table["target"]) == 73_000_000
    for (unit, month), g in plan2.table.groupby(["unit", "month"]):
        assert cents(g["target"]) == cents([mm[(unit, month)]])


# ---------------------------------------------------------------------------------------------
# Comparison analysis
# ---------------------------------------------------------------------------------------------

def test_compare_time_gives_month_on_month_and_year_on_year():
    idx = pd.date_range("2024-01-01", periods=14, freq="MS")
    vals = [80, 90, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 120, 99]
    c = tg.compare(pd.Series(vals, index=idx, dtype=float), kind="time")
    t = c.table.set_index(["item", "basis"])
    # 2025-01 = 120: MoM vs 2024-12 = 100 → +20 %; YoY vs 2024-01 = 80 → +40 / 80 = +50 %
    assert t.loc[("2025-01", "mom"), "pct_difference"] == pytest.approx(0.20)
    assert t.loc[("2025-01", "yoy"), "pct_difference"] == pytest.approx(0.50)
    # 2025-02 = 99: MoM (99 − 120) / 120 = −17.5 %; YoY vs 90 → +10 %
    assert t.loc[("2025-02", "mom"), "difference"] == pytest.approx(-21)
    assert t.loc[("2025-02", "mom"), "pct_difference"] == pytest.approx(-0.175)
    assert t.loc[("2025-02", "yoy"), "pct_difference"] == pytest.approx(0.10)
    # no month before 2024-01, no year before 2024
    assert math.isnan(t.loc[("2024-01", "mom"), "reference"])
    assert t.xs("yoy", level="basis")["reference"].notna().sum() == 2
    assert "+10.0%" in c.interpret("en") and "同比" in c.interpret("zh")
    # quarters: 2025Q1 = 50 against 2024Q4 = 40 (+25 %) and 2024Q1 = 20 (+150 %)
    q = pd.Series([20.0, 30.0, 35.0, 40.0, 50.0], index=pd.date_range("2024-01-01", periods=5, freq="QS"))
    tq = tg.compare(q, kind="time", freq="Q").table.set_index(["item", "basis"])
    assert tq.loc[("2025Q1", "mom"), "pct_difference"] == pytest.approx(0.25)
    assert tq.loc[("2025Q1", "yoy"), "pct_difference"] == pytest.approx(1.5)


def test_compare_space_plan_and_standard_on_known_numbers():
    s = pd.Series({"East": 300.0, "West": 100.0})
    sp = tg.compare(s, kind="space").table.set_index("item")
    # mean 200: East +100 (+50 %), West −100 (−50 %); shares 0.75 / 0.25
    assert sp.loc["East", "pct_difference"] == pytest.approx(0.5)
    assert sp.loc["West", "pct_difference"] == pytest.approx(-0.5)
    assert sp.loc["East", "share"] == pytest.approx(0.75) and sp.loc["East", "rank"] == 1
    ref = tg.compare(s, kind="space", reference="West")
    # East vs West: (300 − 100) / 100 = +200 %
    assert ref.table.set_index("item").loc["East", "pct_difference"] == pytest.approx(2.0)
    assert "East (+200.0%)" in ref.interpret("en")
    frame = pd.DataFrame({"region": ["East", "East", "West"], "revenue": [100.0, 200.0, 100.0]})
    assert tg.compare(frame, kind="space", by="region").table["value"].tolist() == [300, 100]
    plan = tg.compare({"A": 90.0, "B": 120.0}, kind="plan", target={"A": 100.0, "B": 100.0})
    # achievement 90 / 100 = 90 %, 120 / 100 = 120 %; one of two hit
    assert plan.table["achievement"].tolist() == pytest.approx([0.9, 1.2])
    assert "1 of 2 reached their target" in plan.interpret("en") and "A at 90.0%" in plan.interpret("en")
    std = tg.compare(s, kind="standard", benchmark=250)
    # East 300 vs 250: +20 %; West 100 vs 250: −60 %
    assert std.table["pct_difference"].tolist() == pytest.approx([0.2, -0.6])


# ---------------------------------------------------------------------------------------------
# Backtest
# ---------------------------------------------------------------------------------------------

def test_backtest_on_a_pure_weekly_pattern_forecasts_exactly_and_beats_run_rate():
    # sales repeat Mon..Sun 10, 10, 10, 10, 20, 30, 50 from Monday 2024-01-01 to 2024-03-31
    s = series("2024-01-01", [PATTERN[d % 7] for d in range(91)])
    bt = tg.backtest(s, days=(7, 10), months=["2024-02", "2024-03"], min_weeks=4)
    t = bt.table.set_index(["month", "day"])
    # Feb 2024 actual: 4 weeks × 140 + Thu 29th 10 = 570; days 1–7 (Thu..Wed) sell 140
    # run rate on day 7: 140 / 7 × 29 = 580 → APE 10 / 570
    assert t.loc[("2024-02", 7), "actual"] == 570
    assert t.loc[("2024-02", 7), "run_rate_forecast"] == pytest.approx(580)
    assert t.loc[("2024-02", 7), "ape_run_rate"] == pytest.approx(10 / 570)
    # the weights reproduce the pattern, so the weight forecast is exact on every day
    assert bt.table["ape_weight"].max() < 1e-12
    assert (bt.summary["mape_run_rate"] > bt.summary["mape_weight"]).all()
    assert "2 of 2" in bt.interpret("en")


def test_backtest_leaves_out_forecasts_from_days_of_zero_weight():
    # the history never sells on Thursday, so Thursday's weight is 0; Feb 2024 starts on a Thursday,
    # so the day-1 forecast is undefined (NaN) and not scored, while day 2 is
    pattern = [10, 10, 10, 0, 20, 30, 50]
    s = series("2024-01-01", [pattern[d % 7] for d in range(60)])
    bt = tg.backtest(s, days=(1, 2), months=["2024-02"], missing="error")
    t = bt.table.set_index("day")
    assert math.isnan(t.loc[1, "weight_forecast"])
    assert list(bt.summary["day"]) == [2]
    # day 2: Thu 0 + Fri 20 over weights 0 + 1.0 (K = 7, avg weekly 130: 20/130×7 = 1.0769...);
    # Feb's actual 4 × 130 + Thu 29th 0 = 520 and the weights reproduce the pattern → exact
    assert t.loc[2, "actual"] == 520
    assert t.loc[2, "weight_forecast"] == pytest.approx(520)


def test_sales_by_sums_units_over_the_dates_given():
    tx = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d"], "order_id": ["1", "2", "3", "4"],
        "order_date": pd.to_datetime(["2024-01-01 09:00", "2024-01-02 15:00", "2024-01-02 10:00", "2024-01-05 10:00"]),
        "product_id": ["p"] * 4, "quantity": [1, 1, 1, 1], "unit_price": [10.0, 5.0, 7.5, 100.0],
        "amount": [10.0, 5.0, 7.5, 100.0], "region": ["E", "E", "W", "W"],
    })
    # 1–2 January: E = 10 + 5 = 15, W = 7.5 (the 100 on 5 January is outside)
    assert tg.sales_by(tx, by="region", start="2024-01-01", end="2024-01-02").to_dict() == {"E": 15.0, "W": 7.5}


def test_standard_and_backtest_sentences_in_both_languages():
    std = tg.compare(pd.Series({"E": 0.45, "W": 0.55}), kind="standard", benchmark=0.5)
    # E: (0.45 − 0.5) / 0.5 = −10 %
    assert std.interpret("en") == "1 of 2 meet the standard of 0.5; the furthest below is E (-10.0%)."
    assert "2 项中 1 项达到标准" in std.interpret("zh")
    s = series("2024-01-01", [PATTERN[d % 7] for d in range(91)])
    bt = tg.backtest(s, days=(7, 10), months=["2024-02", "2024-03"])
    assert "on day 7, 10" in bt.interpret("en") and "0.0%, 0.0%" in bt.interpret("en")
    assert "第 7、10 天" in bt.interpret("zh")


# ---------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------

def test_plots_draw_on_the_given_axes_in_either_language(wi):
    import matplotlib.pyplot as plt

    tr = tg.track(FEB_START, "2024-02", wi, monthly_target=5700)
    for kind in ("cumulative", "unit_weight", "daily"):
        fig, ax = plt.subplots()
        assert tr.plot(ax=ax, kind=kind, lang="zh") is ax
        assert ax.get_title()
        plt.close(fig)
    ax = tg.plot_cumulative(tr, lang="zh")
    assert "累计销售" in ax.get_title()
    labels = [l.get_label() for l in ax.get_lines()]
    assert "累计目标" in labels and "预测路径" in labels
    plt.close("all")
    ax = tg.plot_unit_weight(tr)
    assert ax.get_title().startswith("Unit weight value curve")
    # the target's unit weight value 5700 / 28.5 = 200 is drawn as a horizontal line
    assert any(np.allclose(l.get_ydata(), 200) for l in ax.get_lines())
    plt.close("all")
    for obj in (wi, tg.compare(pd.Series({"E": 3.0, "W": 1.0}), kind="space"),
                tg.backtest(series("2024-01-01", [PATTERN[d % 7] for d in range(91)]), months=["2024-03"])):
        assert obj.plot(lang="en") is not None
        plt.close("all")


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("k", [6.9, 14.01, 0, -7, "abc", None, float("nan")])
def test_weekly_index_outside_7_to_14_is_a_parameter_error(k):
    with pytest.raises(ParameterError, match="weekly_index"):
        tg.weight_index(TWO_WEEKS, weekly_index=k)


def test_missing_days_raise_naming_the_dates_unless_the_shop_was_open():
    s = TWO_WEEKS.drop([pd.Timestamp("2024-01-03"), pd.Timestamp("2024-01-10")])
    with pytest.raises(DataError, match=r"2 of 14 days .* \(2024-01-03, 2024-01-10\).*missing='zero'"):
        tg.weight_index(s)
    # missing="zero": Wed sold 0 both weeks → Wed weight 0; total 280 − 12 − 8 = 260, avg weekly 130
    # Mon mean 10 → 10 / 130 × 7 = 0.5385
    wi = tg.weight_index(s, missing="zero")
    assert wi.n_filled == 2
    assert wi.weekday_weights[2] == 0
    assert wi.weekday_weights[0] == pytest.approx(10 / 130 * 7)
    with pytest.raises(ParameterError, match="missing='maybe'"):
        tg.weight_index(s, missing="maybe")


def test_a_month_with_no_history_is_a_data_error(wi):
    with pytest.raises(DataError, match="2024-03 has no sales history"):
        tg.forecast_month(FEB_START, "2024-03", wi)
    with pytest.raises(DataError, match="no sales history up to 2024-02-05"):
        tg.forecast_month(series("2024-02-06", [1.0]), "2024-02", wi, asof="2024-02-05")
    hist = series("2023-01-01", [10.0] * 300)  # ends 27 Oct: Nov and Dec 2023 have no history
    with pytest.raises(DataError, match=r"2 month\(s\) of 2023 have no sales history \(2023-11, 2023-12\)"):
        tg.decompose_target(1000, 2024, wi, by="last_year", history=hist)


def test_missing_days_inside_the_month_so_far_are_caught_by_the_forecast(wi):
    gap = FEB_START.drop(pd.Timestamp("2024-02-02"))
    with pytest.raises(DataError, match="2024-02-02"):
        tg.forecast_month(gap, "2024-02", wi)
    # as zero: Σ 300 over Σ w 3.0 → 300 / 3 × 28.5 = 2850
    assert tg.forecast_month(gap, "2024-02", wi, missing="zero").forecast == pytest.approx(2850)


def test_negative_sales_are_a_data_error_naming_the_day():
    s = TWO_WEEKS.copy()
    s.loc["2024-01-05"] = -20
    with pytest.raises(DataError, match=r"1 of 14 values are negative \(row 2024-01-05: -20.0\)"):
        tg.weight_index(s)


def test_other_bad_inputs_say_what_to_do(wi):
    with pytest.raises(DataError, match="time of day"):
        tg.weight_index(pd.Series([1.0, 2.0], index=pd.to_datetime(["2024-01-01 10:00", "2024-01-02 00:00"])))
    with pytest.raises(DataError, match="repeated dates"):
        tg.weight_index(pd.Series([1.0, 2.0], index=pd.to_datetime(["2024-01-01", "2024-01-01"])))
    with pytest.raises(DataError, match="no Sat, Sun"):
        tg.weight_index(series("2024-01-01", [1.0] * 5))
    with pytest.raises(DataError, match="'period' or 'date'"):
        tg.weight_index(pd.DataFrame({"x": [1, 2]}))
    with pytest.raises(ParameterError, match="not a multiple of round_to"):
        tg.daily_targets(100.005, "2024-02", wi, round_to=0.01)
    with pytest.raises(ParameterError, match="monthly_target"):
        tg.daily_targets(-5, "2024-02", wi)
    with pytest.raises(ParameterError, match="not a month"):
        tg.daily_targets(100, "June", wi)
    with pytest.raises(ParameterError, match="not a date"):
        tg.forecast_month(FEB_START, "2024-02", wi, asof="June 15")  # no year: never guess it from the clock
    with pytest.raises(ParameterError, match="WeightIndex"):
        tg.daily_targets(100, "2024-02", {"Mon": 1})
    with pytest.raises(DomainError, match="sum to 1"):
        tg.decompose_target(100, 2024, wi, shares={"A": 0.5, "B": 0.6})
    with pytest.raises(ParameterError, match="kind='trend'"):
        tg.compare(pd.Series({"a": 1.0}), kind="trend")
    with pytest.raises(ParameterError, match="needs target="):
        tg.compare(pd.Series({"a": 1.0}), kind="plan")
    with pytest.raises(DataError, match="no value for 1 item"):
        tg.compare(pd.Series({"a": 1.0, "b": 2.0}), kind="plan", target={"a": 1.0})
    with pytest.raises(ParameterError, match="asof"):
        tg.forecast_month(FEB_START, "2024-02", wi, asof="2024-03-01")
    with pytest.raises(ParameterError, match="days="):
        tg.backtest(TWO_WEEKS, days=(7, 30))
    with pytest.raises(ParameterError, match="kind='pie'"):
        tg.track(FEB_START, "2024-02", wi, monthly_target=1).plot(kind="pie")
    with pytest.raises(ParameterError, match="lang"):
        wi.interpret("fr")


# ---------------------------------------------------------------------------------------------
# Notebook smoke test
# ---------------------------------------------------------------------------------------------

@pytest.mark.notebook
def test_notebook_runs_on_tiny_data_and_records_consistent_numbers(run_notebook):
    rec = run_notebook("09_sales_targets.ipynb", dataset="tiny")
    # the seven day weights of whole weeks sum to the weekly index
    assert sum(rec["day_weights"]) == pytest.approx(rec["weekly_index"], rel=1e-9)
    assert rec["daily_targets_sum"] == pytest.approx(rec["monthly_target"], abs=0.005)
    assert rec["forecast"] > 0 and rec["unit_weight_value"] > 0
    assert rec["forecast"] == pytest.approx(rec["unit_weight_value"] * rec["month_weight"], rel=1e-9)
    assert set(rec["backtest_mape_weight"]) == {"7", "14", "21"}

