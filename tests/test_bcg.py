"""BCG growth-share matrix: quadrant boundaries, relative share convention, proxy, bad input, words.

The quadrant rule and the 10% / 1.0 defaults follow Hedley (1977), "Strategy and the business
portfolio", Long Range Planning 10(1): high growth above 10% a year, high share when relative
market share ≥ 1 (the unit leads its market).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmcore import bcg, data, datasets
from crmcore.errors import DataError, DomainError, ParameterError

DATA = Path(__file__).resolve().parent.parent / "data"


def _market(**over) -> pd.DataFrame:
    """Four units, one per quadrant; A sits exactly on both thresholds.

    unit  growth  own   rival  relative share           quadrant
    A     0.10    0.30  0.30   0.30/0.30 = 1.0          star (both on the threshold → high)
    B     0.05    0.40  0.20   0.40/0.20 = 2.0          cash cow
    C     0.20    0.10  0.40   0.10/0.40 = 0.25         question mark
    D    -0.05    0.05  0.50   0.05/0.50 = 0.1          dog
    """
    df = pd.DataFrame({"category": ["A", "B", "C", "D"], "market_growth": [0.10, 0.05, 0.20, -0.05],
                       "own_share": [0.30, 0.40, 0.10, 0.05], "largest_competitor_share": [0.30, 0.20, 0.40, 0.50],
                       "revenue": [300.0, 400.0, 100.0, 50.0]})
    for k, v in over.items():
        df[k] = v
    return df


@pytest.mark.parametrize("growth, share, quadrant", [
    (0.10, 1.0, "star"),            # exactly on both thresholds: high, high
    (0.0999999, 1.0, "cash_cow"),
    (0.10, 0.9999999, "question_mark"),
    (0.0999999, 0.9999999, "dog"),
    (-0.30, 5.0, "cash_cow"),       # shrinking market, clear leader
    (1.10 / 1.00 - 1, 1.0, "star"),  # 0.10000000000000009 from a revenue ratio still counts as 10%
])
def test_quadrant_boundaries_count_as_high(growth, share, quadrant):
    assert bcg.classify(growth, share) == quadrant


def test_market_quadrants_and_relative_share_by_hand():
    res = bcg.from_market(_market())
    t = res.table.set_index("category")
    assert t.loc["A", "relative_share"] == pytest.approx(1.0)
    assert t.loc["B", "relative_share"] == pytest.approx(2.0)
    assert t.loc["C", "relative_share"] == pytest.approx(0.25)
    assert t.loc["D", "relative_share"] == pytest.approx(0.1)
    assert t["quadrant"].to_dict() == {"A": "star", "B": "cash_cow", "C": "question_mark", "D": "dog"}
    assert t.loc["B", "strategy"] == "hold (or harvest)"
    s = res.summary().set_index("quadrant")
    assert s.loc["cash_cow", "revenue_share"] == pytest.approx(400 / 850)
    assert list(s["units"]) == [1, 1, 1, 1]


def test_market_leader_is_compared_with_the_runner_up():
    """B leads with 40%; its largest competitor (the runner-up) has 20%: RMS = 2. A follower's RMS < 1."""
    res = bcg.from_market(_market())
    t = res.table.set_index("category")
    assert t.loc["B", "relative_share"] > 1 > t.loc["C", "relative_share"]
    assert "runner-up" in res.share_convention


def test_median_thresholds_take_the_median_unit_as_high():
    """Growth 0.10, 0.05, 0.20, -0.05 → median (0.05 + 0.10)/2 = 0.075; RMS 1, 2, 0.25, 0.1 → median 0.625."""
    res = bcg.from_market(_market(), growth_threshold="median", share_threshold="median")
    assert res.growth_threshold == pytest.approx(0.075)
    assert res.share_threshold == pytest.approx(0.625)
    t = res.table.set_index("category")["quadrant"].to_dict()
    assert t == {"A": "star", "B": "cash_cow", "C": "question_mark", "D": "dog"}


def test_mean_threshold_boundary_unit_is_high():
    """Growth 0.0, 0.1, 0.2 → mean 0.1 exactly: the middle unit is on the threshold and counts as high."""
    df = pd.DataFrame({"category": ["L", "M", "H"], "market_growth": [0.0, 0.1, 0.2], "own_share": [0.2, 0.2, 0.2],
                       "largest_competitor_share": [0.1, 0.1, 0.1]})
    res = bcg.from_market(df, growth_threshold="mean")
    assert res.table.set_index("category").loc["M", "quadrant"] == "star"


def test_quadrants_do_not_depend_on_the_revenue_scale():
    a = bcg.from_market(_market())
    b = bcg.from_market(_market(revenue=[3e6, 4e6, 1e6, 5e5]))
    assert a.table["quadrant"].tolist() == b.table["quadrant"].tolist()


def _proxy_tx(scale: float = 1.0) -> pd.DataFrame:
    """Category revenue 2024 → 2025: A 100 → 110, B 50 → 80, C 20 → 10 (one line each)."""
    rows = [("c1", "o1", "2024-03-01", "pA", "A", 100.0), ("c2", "o2", "2024-04-01", "pB", "B", 50.0),
            ("c3", "o3", "2024-05-01", "pC", "C", 20.0), ("c1", "o4", "2025-03-01", "pA", "A", 110.0),
            ("c2", "o5", "2025-04-01", "pB", "B", 80.0), ("c3", "o6", "2025-05-01", "pC", "C", 10.0)]
    df = pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "product_id", "category", "unit_price"])
    df["unit_price"] *= scale
    df["quantity"] = 1
    return data.load_transactions(df)


def test_transaction_proxy_by_hand():
    """growth A = 110/100 − 1 = 10% (on the threshold → high), B = 80/50 − 1 = 60%, C = 10/20 − 1 = −50%;
    relative share in 2025: A = 110/80 = 1.375 (vs the second), B = 80/110, C = 10/110."""
    res = bcg.from_transactions(_proxy_tx(), asof="2026-01-01")
    t = res.table.set_index("category")
    assert res.basis == "proxy" and res.period == "2025"
    assert t.loc["A", "growth"] == pytest.approx(0.10)
    assert t.loc["B", "growth"] == pytest.approx(0.60)
    assert t.loc["C", "growth"] == pytest.approx(-0.50)
    assert t.loc["A", "relative_share"] == pytest.approx(110 / 80)
    assert t.loc["B", "relative_share"] == pytest.approx(80 / 110)
    assert t.loc["C", "relative_share"] == pytest.approx(10 / 110)
    assert t["quadrant"].to_dict() == {"A": "star", "B": "question_mark", "C": "dog"}
    assert any("proxy" in s for s in res.interpret())


def test_transaction_proxy_is_invariant_to_rescaling_revenue():
    a = bcg.from_transactions(_proxy_tx(), asof="2026-01-01").table
    b = bcg.from_transactions(_proxy_tx(scale=1000.0), asof="2026-01-01").table
    np.testing.assert_allclose(a["growth"], b["growth"], rtol=1e-12)
    np.testing.assert_allclose(a["relative_share"], b["relative_share"], rtol=1e-12)
    assert a["quadrant"].tolist() == b["quadrant"].tolist()


def test_proxy_drops_incomplete_periods():
    """asof 2025-06-01: 2025 is not over, so only 2024 is complete — one period cannot give growth."""
    with pytest.raises(DomainError, match="two complete years"):
        bcg.from_transactions(_proxy_tx(), asof="2025-06-01")


def test_proxy_on_tiny_demo_has_arrows_between_two_periods():
    res = bcg.from_transactions(datasets.load("tiny"), asof=datasets.DEMO_ASOF)
    assert res.period == "2025" and res.previous == "2024"
    assert res.table["previous_quadrant"].notna().all()
    assert set(res.table["quadrant"]) <= set(bcg.QUADRANTS)


def test_example_market_file_places_the_demo_categories():
    res = bcg.from_market(DATA / "bcg_market.csv")
    t = res.table.set_index("category")
    assert res.period == "2025" and res.previous == "2024"
    assert t.loc["Lighting", "quadrant"] == "star"
    assert t.loc["Textiles", "quadrant"] == "dog" and t.loc["Textiles", "previous_quadrant"] == "cash_cow"
    assert t.loc["Textiles", "relative_share"] == pytest.approx(0.276 / 0.29)
    assert t.loc["Textiles", "growth"] < 0
    assert "Textiles moved from cash cow to dog since 2024." in res.interpret()


def test_interpretation_sentences_en_and_zh():
    res = bcg.from_market(_market())
    en = res.interpret()
    assert en[0].startswith("4 units: 1 star, 1 cash cow, 1 question mark and 1 dog. Stars bring 35.3% of revenue")
    assert any(x.startswith("A is a star (market growth 10.0%, relative share 1.00): build — invest") for x in en)
    assert en.index("B is a cash cow (market growth 5.0%, relative share 2.00): hold (or harvest) — defend the share "
                    "and use the cash to fund stars and question marks; harvest the weak ones.") == 1  # largest first
    assert "values on a threshold count as high" in en[0]
    zh = res.interpret("zh")
    assert "1 个明星、1 个现金牛、1 个问题、1 个瘦狗" in zh[0]
    assert any(s.startswith("B 属于现金牛类（市场增长率 5.0%，相对份额 2.00）：维持（或收获）") for s in zh)
    assert any(s.startswith("D 属于瘦狗类") and "放弃" in s for s in zh)


def test_strategy_hints():
    assert bcg.strategy("star") == "build"
    assert bcg.strategy("question_mark", "zh") == "发展（或放弃）"
    assert bcg.strategy("dog", "zh") == "放弃（或收获）"
    with pytest.raises(ParameterError):
        bcg.strategy("unicorn")


def test_plot_has_reversed_log_x_negative_growth_and_arrows():
    df = pd.concat([_market(period="2024", market_growth=[0.12, 0.02, 0.15, -0.02]), _market(period="2025")])
    res = bcg.from_market(df)
    ax = res.plot()
    lo, hi = ax.get_xlim()
    assert ax.get_xscale() == "log" and lo > hi           # high share on the left
    assert ax.get_ylim()[0] < -5                          # D at −5% is visible
    arrows = [a for a in ax.get_children() if type(a).__name__ == "Annotation" and a.arrow_patch is not None]
    assert len(arrows) == 4
    ys = [l.get_ydata()[0] for l in ax.get_lines() if len(set(l.get_ydata())) == 1]
    assert 10.0 in ys                                     # growth threshold line at 10%


@pytest.mark.parametrize("over, exc, fragment", [
    (dict(own_share=[0.3, -0.1, 0.1, 0.05]), DomainError, "negative market shares"),
    (dict(largest_competitor_share=[30, 20, 40, 50]), DomainError, "Give shares as fractions"),
    (dict(own_share=[0.6, 0.4, 0.1, 0.05], largest_competitor_share=[0.5, 0.2, 0.4, 0.5]), DomainError, "above 1"),
    (dict(largest_competitor_share=[0.3, 0.0, 0.4, 0.5]), DomainError, "zero competitor shares"),
    (dict(market_growth=[0.1, "n/a", 0.2, 0.1]), DataError, "not numbers"),
    (dict(revenue=[1.0, -5.0, 1.0, 1.0]), DataError, "negative revenues"),
    (dict(market_growth=[0.1, -1.2, 0.2, 0.1]), DomainError, "-100% or less"),
])
def test_bad_market_data_raise_clear_errors(over, exc, fragment):
    with pytest.raises(exc) as e:
        bcg.from_market(_market(**over))
    assert fragment in str(e.value)
    assert "row " in str(e.value)  # names the row


def test_missing_columns_and_bad_parameters():
    with pytest.raises(DataError, match="missing column.*'largest_competitor_share'"):
        bcg.from_market(_market().drop(columns="largest_competitor_share"))
    with pytest.raises(DataError, match="repeat a"):
        bcg.from_market(pd.concat([_market(), _market()]))
    with pytest.raises(ParameterError, match="'median' or 'mean'"):
        bcg.from_market(_market(), growth_threshold="avg")
    with pytest.raises(ParameterError, match="must be > 0"):
        bcg.from_market(_market(), share_threshold=0)
    with pytest.raises(ParameterError, match="period='2030'"):
        bcg.from_market(_market(), period="2030")
    with pytest.raises(DataError, match="'segment'"):
        bcg.from_transactions(_proxy_tx(), asof="2026-01-01", level="segment")
    with pytest.raises(ParameterError, match="freq='W'"):
        bcg.from_transactions(_proxy_tx(), asof="2026-01-01", freq="W")


def test_percent_growth_gives_a_warning():
    with pytest.warns(UserWarning, match="percentages"):
        bcg.from_market(_market(market_growth=[10.0, 5.0, 20.0, 0.5]))


@pytest.mark.notebook
def test_notebook_runs_on_tiny(run_notebook):
    rec = run_notebook("08_bcg.ipynb", dataset="tiny")
    assert rec["market_quadrants"]["Lighting"] == "star"
    assert sum(rec["proxy_counts"].values()) == rec["proxy_units"]
