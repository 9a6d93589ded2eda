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


def said(result, lang: str) -> str:
    """A result's sentences (``interpret`` returns a list) read as one paragraph, joined as the language writes."""
    return ("" if lang == "zh" else " ").join(result.interpret(lang))


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
    en, zh = said(tr, "en"), said(tr, "zh")
    assert "4,275" in en and "450" in en and "-150" in en and "behind target, 1,425 short" in en
    assert "4,275" in zh and "缺口 1,425" in zh and "周四" in zh
    assert "Sun carries the highest day weight (2.50)" in said(wi, "en")
    assert "周日的日权重指数最高（2.50）" in said(wi, "zh")
    assert "500" in said(tg.daily_targets(5700, "2024-02", wi), "en")


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
    assert "+10.0%" in said(c, "en") and "同比" in said(c, "zh")
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
    assert "East (+200.0%)" in said(ref, "en")
    frame = pd.DataFrame({"region": ["East", "East", "West"], "revenue": [100.0, 200.0, 100.0]})
    assert tg.compare(frame, kind="space", by="region").table["value"].tolist() == [300, 100]
    plan = tg.compare({"A": 90.0, "B": 120.0}, kind="plan", target={"A": 100.0, "B": 100.0})
    # achievement 90 / 100 = 90 %, 120 / 100 = 120 %; one of two hit
    assert plan.table["achievement"].tolist() == pytest.approx([0.9, 1.2])
    assert "1 of 2 reached their target" in said(plan, "en") and "A at 90.0%" in said(plan, "en")
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
    assert "2 of 2" in said(bt, "en")


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
    assert said(std, "en") == "1 of 2 meet the standard of 0.5; the furthest below is E (-10.0%)."
    assert "2 项中 1 项达到标准" in said(std, "zh")
    s = series("2024-01-01", [PATTERN[d % 7] for d in range(91)])
    bt = tg.backtest(s, days=(7, 10), months=["2024-02", "2024-03"])
    assert "on day 7, 10" in said(bt, "en") and "0.0%, 0.0%" in said(bt, "en")
    assert "第 7、10 天" in said(bt, "zh")


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
# The derived weekly index (黄成明《数据化管理》: the weakest weekday = 1.0, K = the sum)
# ---------------------------------------------------------------------------------------------

# one week, Mon..Sun 40, 50, 50, 60, 80, 120, 100: total 500 = average weekly sales
ONE_WEEK = series("2024-01-01", [40, 50, 50, 60, 80, 120, 100])


def test_derived_weekly_index_gives_the_weakest_weekday_one_and_k_the_sum_of_the_day_weights():
    """Worked by hand after 黄成明 (2014): each weekday's mean over the weakest one's (Monday, 40):
    1, 1.25, 1.25, 1.5, 2, 3, 2.5; K = their sum = 12.5 (= 500 / 40), inside the book's 7..14."""
    wi = tg.weight_index(ONE_WEEK, weekly_index="derived")
    np.testing.assert_allclose(wi.weekday_weights.to_numpy(), [1, 1.25, 1.25, 1.5, 2, 3, 2.5])
    assert wi.weekly_index == pytest.approx(12.5) and wi.weekly_index_rule == "derived"
    assert wi.conventions()["weekly_index_rule"] == "derived"
    en = said(wi, "en")
    assert "the weakest weekday, Mon, gets 1.0 and Sat, the strongest, 3.00, so K = 12.50" in en
    assert "an average day weighs K/7 = 1.79" in en  # 12.5 / 7
    assert "最弱的周一记为 1.0，最强的周六为 3.00" in said(wi, "zh") and "K = 12.50" in said(wi, "zh")
    # the fixed K = 7 of the same week: mean / 500 × 7 → Monday 0.56; its sentence names K = 7
    assert tg.weight_index(ONE_WEEK, weekly_index=7).weekday_weights.iloc[0] == pytest.approx(0.56)
    assert "weekly weight index of 7," in said(tg.weight_index(ONE_WEEK), "en")


def test_derived_and_fixed_k_give_the_same_targets_and_forecast_but_not_the_unit_weight_value():
    # weights of February 2024 from the week above; 1–3 February (Thu, Fri, Sat) sell 60, 80, 120
    fixed = tg.weight_index(ONE_WEEK, weekly_index=7)
    derived = tg.weight_index(ONE_WEEK, weekly_index="derived")
    feb = series("2024-02-01", [60, 80, 120])
    tf, td = (tg.daily_targets(5000, "2024-02", w) for w in (fixed, derived))
    np.testing.assert_allclose(tf.targets.to_numpy(), td.targets.to_numpy())
    ff, fd = (tg.forecast_month(feb, "2024-02", w) for w in (fixed, derived))
    assert ff.forecast == pytest.approx(fd.forecast)
    # derived weights of Thu, Fri, Sat: 1.5 + 2 + 3 = 6.5 → u = 260 / 6.5 = 40 (sales of a day as strong as
    # the weakest weekday); with K = 7 the weights are 7/12.5 of those, so u = 40 × 12.5 / 7 = 71.43
    assert fd.unit_weight_value == pytest.approx(40.0)
    assert ff.unit_weight_value == pytest.approx(40 * 12.5 / 7)


def test_a_weekday_without_sales_gets_weight_zero_and_the_weakest_selling_day_one():
    # a wholesaler closed on Saturdays: Mon..Sun 40, 50, 50, 60, 80, 0, 20 → the weakest day with sales is
    # Sunday (20): weights 2, 2.5, 2.5, 3, 4, 0, 1 and K = 300 / 20 = 15 (above the book's usual 14)
    wi = tg.weight_index(series("2024-01-01", [40, 50, 50, 60, 80, 0, 20]), weekly_index="derived")
    np.testing.assert_allclose(wi.weekday_weights.to_numpy(), [2, 2.5, 2.5, 3, 4, 0, 1])
    assert wi.weekly_index == pytest.approx(15) and "Sat never sold" in wi.warnings[0]
    en = said(wi, "en")
    assert "the weakest weekday, Sun, gets 1.0" in en and "K is above 14" in en
    assert "Sat had no sales in the history, so the day weight and the daily target are 0." in en
    assert "周六在历史期间没有销售" in said(wi, "zh")
    assert tg.daily_targets(1000, "2024-02", wi).table.query("weekday == 'Sat'")["target"].eq(0).all()
    with pytest.raises(ParameterError, match="'derived'"):
        tg.weight_index(ONE_WEEK, weekly_index="book")


# ---------------------------------------------------------------------------------------------
# Month, snapshot and target derived from the data (notebook 09 on any data set)
# ---------------------------------------------------------------------------------------------

def test_report_period_derives_the_month_and_last_day_from_the_data():
    s = series("2024-01-01", [1.0] * 70)  # 1 January to 10 March 2024
    assert tg.report_period(s) == ("2024-03", pd.Timestamp("2024-03-10"))
    # asof is a snapshot: the days before it count
    assert tg.report_period(s, asof="2024-02-16") == ("2024-02", pd.Timestamp("2024-02-15"))
    # an earlier month is tracked to its end
    assert tg.report_period(s, month="2024-01") == ("2024-01", pd.Timestamp("2024-01-31"))
    with pytest.raises(ParameterError, match="has not started.*leave month empty for 2024-03"):
        tg.report_period(s, month="2025-06")
    with pytest.raises(ParameterError, match="lies before the data"):
        tg.report_period(s, month="2023-06")


def test_history_period_is_cut_to_whole_weeks_inside_the_data():
    # 52 weeks before March 2024 would start in March 2023; data from 2024-01-01 to 29 February are 60 days:
    # 8 whole weeks (56 days), 2024-01-05 to 2024-02-29
    assert tg.history_period("2024-03", weeks=52, not_before="2024-01-01 09:30") == (
        pd.Timestamp("2024-01-05"), pd.Timestamp("2024-02-29"))
    with pytest.raises(DataError, match="less than one whole week"):
        tg.history_period("2024-03", weeks=52, not_before="2024-02-26")


def test_a_target_not_given_is_last_years_same_days_plus_growth_or_the_historys_pace():
    # 2023-02-01 .. 2024-03-31, 10 a day: February 2024 a year earlier is 1–29 Feb 2023 … which has
    # 28 days (2023-02-29 does not exist: DateOffset ends the base on 28 Feb) → 280 × 1.1 = 308
    s = series("2023-02-01", [10.0] * 425)
    wi = tg.weight_index(s, weekly_index=7, period=("2024-01-01", "2024-01-28"))
    d = tg.derive_target(s, "2024-02-01", "2024-02-29", wi, growth=0.10)
    assert d.basis == "last_year" and d.base == pytest.approx(280) and d.value == pytest.approx(308)
    assert "a year earlier (2023-02-01 to 2023-02-28) sold 280; plus 10.0% growth that is 308." in said(d, "en")
    assert "去年同期（2023-02-01 至 2023-02-28）销售 280" in said(d, "zh")
    # January 2023 is not in the data: the pace of the weights' history, 10 per unit of weight (uniform, K = 7
    # → every w = 1), × 31 days of weight 1 = 310, × 1.1 = 341
    d2 = tg.derive_target(s, "2024-01-01", "2024-01-31", wi, growth=0.10)
    assert d2.basis == "pace" and d2.unit_value == pytest.approx(10) and d2.weight == pytest.approx(31)
    assert d2.value == pytest.approx(341)
    assert "10.00 per unit of weight × the period's weight 31.00 = 310" in said(d2, "en")


# ---------------------------------------------------------------------------------------------
# Comparison sentences and charts in the report's language
# ---------------------------------------------------------------------------------------------

def test_comparison_sentences_and_chart_labels_translate_the_demo_values():
    c = tg.compare(pd.Series({"store": 300.0, "online": 100.0}), kind="space")
    zh = said(c, "zh")
    # the naive sentence said "最高的是 store" in a Chinese report
    assert "门店" in zh and "线上商城" in zh and "store" not in zh and "online" not in zh
    assert "the highest is store (+50.0%)" in said(c, "en")
    ref = tg.compare(pd.Series({"East": 300.0, "West": 100.0}), kind="space", reference="West")
    assert said(ref, "zh").startswith("对比西部：") and "华东" in said(ref, "zh")
    import matplotlib.pyplot as plt

    ax = c.plot(lang="zh")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["线上商城", "门店"]
    assert ax.get_title() == "空间对比：与各单位平均值的差异"
    assert c.plot(lang="en", title="Revenue by channel, 2025").get_title() == "Revenue by channel, 2025"
    assert tg.compare(pd.Series({"a": 1.0}), kind="plan", target=2.0).plot().get_title().startswith("Plan comparison")
    plt.close("all")


def test_standard_sentence_does_not_call_anyone_below_when_all_meet_it():
    std = tg.compare(pd.Series({"E": 1300.0, "W": 1250.0}), kind="standard", benchmark=1234.5)
    # W: (1250 − 1234.5) / 1234.5 = +1.3 %: all meet it, so "the furthest below is W" would be false
    en = said(std, "en")
    assert en == "All 2 meet the standard of 1,234.50; the closest to it is W (+1.3%)."
    assert "furthest below" not in en and "e+" not in en
    assert said(std, "zh") == "2 项全部达到 1,234.50 的标准；最接近标准的是W（+1.3%）。"


def test_a_complete_month_is_reported_as_its_actual_not_as_a_forecast(wi):
    # all 29 days of February 2024 at the weekly pattern: 4 weeks × 140 + Thu 29th 10 = 570 against 600
    feb = series("2024-02-01", [PATTERN[(3 + d) % 7] for d in range(29)])
    fc = tg.forecast_month(feb, "2024-02", wi, target=600)
    assert fc.forecast == pytest.approx(570)
    en = said(fc, "en")
    # the naive sentence said "the month forecast is 570 … on track/behind" of a month already over
    assert en == ("2024-02 is complete (29 of 29 days): sales are 570, so the forecast is the actual total. "
                  "Against the target of 600 that is 95.0%: target missed by 30.")
    assert "forecast is 570" not in en
    assert said(fc, "zh") == "2024-02 已经结束（29/29 天）：销售额 570，预测值即实际总额。相对目标 600，完成 95.0%：未完成目标，差 30。"
    # part of the month: still a forecast (days 1–3 sell 10, 20, 30 over weights 0.5 + 1.0 + 1.5 → u = 20, F = 570)
    part = tg.forecast_month(feb.iloc[:3], "2024-02", wi)
    assert "After 3 of 29 days" in said(part, "en") and "forecast is 570" in said(part, "en")


def test_comparison_sentences_carry_what_was_compared_and_shares_as_percentages():
    # share of the month target achieved: E 45 %, W 55 %, against a weighted time progress of 50 %
    std = tg.compare(pd.Series({"East": 0.45, "West": 0.55}), kind="standard", benchmark=0.5, as_share=True)
    lead = tg.in_context(std.interpret("en"), "ctx_standard", "en", by="region", e="2025-06-15")
    assert lead == ("Share of each region's month target achieved by 2025-06-15, against the weighted time progress "
                    "(the standard of a region on plan) — 1 of 2 meet the standard of 50.0%; the furthest below is "
                    "East (-10.0%).")
    zh = tg.in_context(std.interpret("zh"), "ctx_standard", "zh", by="region", e="2025-06-15")
    assert zh.startswith("截至 2025-06-15 各区域的月目标完成比例") and "华东（-10.0%）" in zh
    sp = tg.compare(pd.Series({"store": 3.0, "online": 1.0}), kind="space")
    assert tg.in_context(sp.interpret("en"), "ctx_space", "en", by="channel", s="2025-06-01", e="2025-06-15") \
        .startswith("Sales by channel, 2025-06-01 to 2025-06-15 — vs mean of all: the highest is store (+50.0%)")
    assert tg.in_context("", "ctx_space", "en", by="channel", s="2025-06-01", e="2025-06-15") == ""
    assert tg.space_title("channel", "2025-06-01", "2025-06-15", "zh") == "各渠道销售额（2025-06-01 至 2025-06-15）：与平均值的差异"


def test_smart_plan_uses_last_year_when_the_data_cover_it_and_says_how_it_fell_back_otherwise():
    from tests.helpers import make_tx

    # 2024 and 2025: East sells 30 and West 10 on each day of 2024 (shares 75 % / 25 %)
    days = pd.date_range("2024-01-01", "2025-01-28")
    rows = [(c, d, a) for d in days for c, a in (("e", 30.0), ("w", 10.0))]
    tx = make_tx(rows).assign(region=lambda d: d["customer_id"].map({"e": "East", "w": "West"}))
    weights = tg.weight_index(tg.daily_sales(tx), period=("2024-12-02", "2025-01-26"))
    plan, derived = tg.smart_plan(tx, 2025, weights, annual_target=0, growth=0.10)
    # derived: 2024 sold 40 × 366 = 14,640; + 10 % = 16,104; East gets 75 % of it
    assert derived.basis == "last_year" and derived.value == pytest.approx(16104)
    assert plan.unit == "region" and plan.months.groupby("unit")["target"].sum()["East"] == pytest.approx(12078)
    en = said(plan, "en")
    assert "split across 2 regions by their share of sales from 2024-01-01 to 2024-12-31" in en
    assert "Months get the share each month had of 2024's sales." in en
    # for 2026 the data do not cover all of 2025: month weights, the history's pace, and it says so
    plan26, d26 = tg.smart_plan(tx.drop(columns="region"), 2026, weights, growth=0.0)
    assert d26.basis == "pace" and plan26.unit is None and plan26.by == "weights"
    en26 = said(plan26, "en")
    assert "none of the columns region, channel" in en26 and "do not cover all of 2025" in en26
    assert "数据没有覆盖 2025 年全年" in said(plan26, "zh")
    assert plan26.months["target"].sum() == pytest.approx(d26.value, abs=0.01)


def test_the_weekly_index_parameters_and_the_side_by_side_table():
    assert tg.weekly_index_choice("derived", 7) == "derived" and tg.weekly_index_choice("fixed", 9) == 9.0
    with pytest.raises(ParameterError, match="weekly_index_rule='book'"):
        tg.weekly_index_choice("book", 7)
    with pytest.raises(ParameterError, match="outside 7..14"):
        tg.weekly_index_choice("fixed", 20)
    feb = series("2024-02-01", [60, 80, 120])
    derived = tg.weight_index(ONE_WEEK, weekly_index="derived")
    fixed = tg.weight_index(ONE_WEEK, weekly_index=7)
    t = tg.compare_weekly_index(feb, "2024-02", "2024-02-03", (derived, fixed), target=1000, lang="en")
    assert list(t.columns) == ["K derived (weakest weekday = 1)", "K fixed"]
    assert t.loc["weekly weight index K"].tolist() == ["12.500", "7.000"]
    # the same forecast and the same day-1 target, unit weight values 40 and 71.43 (see above)
    assert t.loc["month sales forecast"].nunique() == 1 and t.iloc[2].nunique() == 1
    assert t.loc["unit weight value"].tolist() == ["40.00", "71.43"]
    summary = tg.data_summary(series("2024-01-01", [1.0, 2.0]).drop(pd.Timestamp("2024-01-02")).pipe(
        lambda x: pd.concat([x, series("2024-01-04", [3.0])])), "2024-01", "2024-01-04", "zh")
    assert summary["figure_value"].tolist() == ["2", "2", "2024-01-01 – 2024-01-04", "2024-01", "2024-01-04"]


def test_exercise_self_checks_accept_the_right_answer_and_explain_a_wrong_one(capsys):
    from crmcore.exercises import n09_sales_targets as ex

    s = series("2024-01-01", [PATTERN[d % 7] for d in range(70)])  # to 10 March
    period = ("2024-01-01", "2024-02-25")
    w10 = tg.weight_index(s, weekly_index=10, period=period)
    u = tg.forecast_month(s, "2024-03", w10, asof="2024-03-10").unit_weight_value
    assert ex.check_1(u, sales=s, month="2024-03", last_day="2024-03-10", period=period, weekly_index=10)
    assert "Right" in capsys.readouterr().out
    assert not ex.check_1(u * 10 / 7, sales=s, month="2024-03", last_day="2024-03-10", period=period,
                          weekly_index=10, lang="zh")
    assert "还不对" in capsys.readouterr().out
    wd = tg.weight_index(s, weekly_index="derived", period=period)
    assert ex.check_2(wd.month_weight("2024-03"), sales=s, month="2024-03", period=period)  # no festival in March
    assert not ex.check_2(0, sales=s, month="2024-03", period=period)
    f10 = tg.forecast_month(s, "2024-03", wd, asof="2024-03-10").forecast
    assert ex.check_3(f10, sales=s, month="2024-03", period=period)
    assert not ex.check_3("abc", sales=s, month="2024-03", period=period)


# ---------------------------------------------------------------------------------------------
# Notebook smoke test
# ---------------------------------------------------------------------------------------------

@pytest.mark.notebook
def test_notebook_runs_on_tiny_data_and_records_consistent_numbers(run_notebook):
    rec = run_notebook("09_sales_targets.ipynb", dataset="tiny", asof="2025-06-16")
    # the seven day weights of whole weeks sum to the weekly index
    assert sum(rec["day_weights"]) == pytest.approx(rec["weekly_index"], rel=1e-9)
    assert rec["daily_targets_sum"] == pytest.approx(rec["monthly_target"], abs=0.005)
    assert rec["forecast"] > 0 and rec["unit_weight_value"] > 0
    assert rec["forecast"] == pytest.approx(rec["unit_weight_value"] * rec["month_weight"], rel=1e-9)
    assert set(rec["backtest_mape_weight"]) == {"7", "14", "21"}
    # the month derives from the snapshot (the days before 16 June count) and K from the data; the backtest
    # sees nothing from the snapshot on (its last month is May, though tiny runs to December)
    assert rec["month"] == "2025-06" and rec["weekly_index_rule"] == "derived"
    assert rec["backtest_last_month"] == "2025-05"
    assert min(w for w in rec["day_weights"] if w > 0) == pytest.approx(1.0)


@pytest.mark.notebook
def test_notebook_runs_on_online_retail_in_chinese_with_only_the_dataset_changed(run_notebook):
    """Issue 13: 09 failed with -p dataset online_retail (month 2025-06 outside the data)."""
    rec = run_notebook("09_sales_targets.ipynb", dataset="online_retail", lang="zh")
    assert rec["month"] == "2011-12"
    text = " ".join(rec["sentences"])
    # the wholesaler never sells on Saturdays: weight 0, said in Chinese; the fallbacks are stated
    assert rec["day_weights"][5] == 0 and "周六在历史期间没有销售" in text
    assert "数据没有覆盖 2010 年全年" in text and "未给定目标" in text

