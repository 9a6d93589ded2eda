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
    rows = [("c1", "o1", "2024-01-03", "pA", "A", 100.0), ("c2", "o2", "2024-04-01", "pB", "B", 50.0),
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


# ------------------------------------------------------------------------------------------
# engine input, fallbacks, periods the data cover, and sentences a naive wording would get wrong
# ------------------------------------------------------------------------------------------

def test_proxy_accepts_an_ibis_table_and_a_path_like_every_engine_backed_method(tmp_path):
    """Issue 21: from_transactions refused an Ibis table. A table, a Parquet path and a CSV path give
    the DataFrame's answer (the path is read by the engine)."""
    from crmcore import engine

    tx = _proxy_tx()
    want = bcg.from_transactions(tx, asof="2026-01-01").table
    pq = tmp_path / "tx.parquet"
    tx.to_parquet(pq)
    csv = tmp_path / "tx.csv"
    tx.to_csv(csv, index=False)
    for src in (engine.table(tx.copy()), pq, str(csv)):
        got = bcg.from_transactions(src, asof="2026-01-01").table
        assert got["category"].tolist() == want["category"].tolist()
        np.testing.assert_allclose(got["growth"], want["growth"], rtol=1e-12)
        np.testing.assert_allclose(got["relative_share"], want["relative_share"], rtol=1e-12)
        assert got["quadrant"].tolist() == want["quadrant"].tolist()
    with pytest.raises(DataError, match="not a list"):
        bcg.from_transactions([1, 2], asof="2026-01-01")


def test_proxy_falls_back_to_a_grouping_the_data_have_and_says_so():
    """Online Retail has no category: with fallback="product_id" the proxy groups by product and the
    first sentence says so (en and zh); without a fallback the missing column is an error."""
    tx = _proxy_tx().drop(columns="category")
    res = bcg.from_transactions(tx, asof="2026-01-01", fallback="product_id")
    assert res.unit == "product_id" and res.requested_unit == "category"
    assert set(res.table["product_id"]) == {"pA", "pB", "pC"}
    assert res.interpret()[0] == ("The data have no 'category' column, so the proxy groups the sales by product "
                                  "(product_id) instead of by category.")
    assert res.interpret("zh")[0].startswith("数据中没有“category”列，因此代理矩阵改按商品（product_id）")
    with pytest.raises(DataError, match="'category'"):
        bcg.from_transactions(tx, asof="2026-01-01")
    # product codes carry their names into the sentences and the table (escaped later by crm.say / crm.show)
    named = tx.assign(product_name=tx["product_id"].map({"pA": "Lamp <b>", "pB": "Mug", "pC": "Pen"}))
    res = bcg.from_transactions(named, asof="2026-01-01", fallback="product_id")
    assert "pA (Lamp <b>) is a star (revenue growth 10.0%, relative share 1.38)" in " ".join(res.interpret())
    assert bcg.units_table(res)["product_name"].tolist() == ["Lamp <b>", "Mug", "Pen"]
    import crmcore as crm
    assert "Lamp &lt;b&gt;" in crm.say(res.interpret())._repr_html_()
    # a grouping the data have is not replaced, and no note is written
    assert not bcg.notes(bcg.from_transactions(_proxy_tx(), asof="2026-01-01", fallback="product_id"))


def _retail_like_tx() -> pd.DataFrame:
    """Sales from 1 Dec 2024 to 20 Sep 2025 (like Online Retail: data start in December, end mid-quarter).
    One sale a month for A (100) and B (50), except B sells 80 a month from 2025-04."""
    rows = []
    for i, d in enumerate(pd.date_range("2024-12-01", "2025-09-01", freq="MS")):
        rows.append(("c1", f"a{i}", d + pd.Timedelta(days=2), "pA", "A", 100.0))
        rows.append(("c2", f"b{i}", d + pd.Timedelta(days=3), "pB", "B", 80.0 if d >= pd.Timestamp("2025-04-01") else 50.0))
    rows.append(("c3", "z", pd.Timestamp("2025-09-20"), "pA", "A", 1.0))
    df = pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "product_id", "category", "unit_price"])
    df["quantity"] = 1
    return data.load_transactions(df)


def test_auto_period_length_uses_only_periods_the_data_cover():
    """asof 2025-09-21: no year is complete, 2024Q4 holds only December (the data start 1 Dec), 2025Q3 is
    not over. Covered quarters: 2025Q1 and 2025Q2, so freq="auto" picks quarters and 2025Q2 vs 2025Q1:
    B grows 240/150 − 1 = 60%, A 0%. A naive rule would compare 2025Q1 with a one-month 2024Q4 (+200%)."""
    tx = _retail_like_tx()
    assert bcg.choose_freq(tx, asof="2025-09-21") == "Q"
    res = bcg.from_transactions(tx, asof="2025-09-21", freq="auto")
    assert res.freq == "Q" and res.freq_chosen and res.period == "2025Q2" and res.previous is None
    t = res.table.set_index("category")
    assert t.loc["B", "growth"] == pytest.approx(0.6) and t.loc["A", "growth"] == pytest.approx(0.0)
    assert "2024Q4" not in set(res.history["period"]) and "2025Q1" not in set(res.history["period"])
    assert any(s.startswith("Periods are quarters") for s in res.interpret())
    with pytest.raises(DomainError, match="two complete years"):
        bcg.from_transactions(tx, asof="2025-09-21", freq="Y")


def test_a_median_star_below_the_leader_is_not_told_to_keep_the_lead():
    """With median thresholds a unit can be a "star" with relative share < 1: it does not lead, so the
    naive hint "invest to keep the lead" would be false; and a negative growth threshold is named."""
    res = bcg.from_transactions(_proxy_tx(), asof="2026-01-01", growth_threshold="median", share_threshold="median")
    t = res.table.set_index("category")
    assert t.loc["B", "quadrant"] == "star" and t.loc["B", "relative_share"] < 1
    en = res.interpret()
    b = next(s for s in en if s.startswith("B is a star"))
    assert "keep the lead" not in b and "not the largest unit yet" in b
    a = next(s for s in en if s.startswith("A is a"))
    assert "market" not in a.split(":", 1)[1]  # a proxy speaks of sales, not the market
    shrink = bcg.from_market(_market(market_growth=[-0.10, -0.05, -0.20, -0.02]), growth_threshold="median")
    assert "includes units whose sales shrink" in shrink.interpret()[0]
    assert "也包括销售额下降的单元" in shrink.interpret("zh")[0]


def test_chinese_sentences_and_tables_translate_the_demo_categories():
    res = bcg.from_market(DATA / "bcg_market.csv", lang="zh")
    zh = res.interpret("zh")
    assert any(s.startswith("灯具 属于明星类（市场增长率 30.0%，相对份额 1.31）") for s in zh)
    assert "家纺 由 2024 期的现金牛类变为瘦狗类。" in zh
    assert not any("Lighting" in s or "Textiles" in s for s in zh)
    t = bcg.units_table(res, "zh")
    assert t["category"].tolist()[0] == "灯具" and t["quadrant"].tolist()[0] == "明星"
    s = bcg.summary_table(res, "zh")
    assert s.loc[s["label"] == "瘦狗", "members"].item() == "家纺、厨房用品、文具"


def test_top_limits_unit_sentences_and_counts_the_other_moves():
    """Seven demo categories, top=2: two unit sentences, the moves of those two, and the others counted."""
    res = bcg.from_market(DATA / "bcg_market.csv")
    en = res.interpret(top=2)
    assert "The 2 units with the most revenue in 2025:" in en
    assert sum(" is a " in s for s in en) == 2  # Lighting, Garden
    assert "Garden moved from star to question mark since 2024." in en
    assert "1 of the other units changed quadrant since 2024." in en  # Textiles
    ax = res.plot(top=3)
    assert "3 of 7 units" in ax.get_title()


def test_comparison_with_the_market_counts_only_shared_units():
    market = bcg.from_market(DATA / "bcg_market.csv")
    proxy = bcg.from_transactions(datasets.load("tiny"), asof=datasets.DEMO_ASOF, growth_threshold="median",
                                  share_threshold="median")
    s = bcg.compare_sentences(market, proxy)[0]
    common = set(market.table["category"]) & set(proxy.table["category"])
    differ = [u for u in common if market.table.set_index("category").loc[u, "quadrant"]
              != proxy.table.set_index("category").loc[u, "quadrant"]]
    assert f"on {len(differ)} of {len(common)} units" in s or len(differ) == 0
    other = bcg.from_transactions(_proxy_tx(), asof="2026-01-01")
    assert bcg.compare_sentences(market, other)[0].startswith("The market file and the transactions share no unit")
    assert bcg.market_for("demo").name == "bcg_market.csv" and bcg.market_for("online_retail") is None
    assert bcg.market_for("demo", "my_sales.csv") is None


def test_exercise_self_checks_accept_right_and_refuse_wrong_answers(capsys):
    from crmcore.exercises import n08_bcg as ex

    market = DATA / "bcg_market.csv"
    assert ex.check_1(["Garden", "Kitchen", "Textiles"], market=market)
    assert not ex.check_1(["Garden"], market=market, lang="zh")
    assert "还不对" in capsys.readouterr().out
    assert ex.check_2(0.019 / 0.015, own_share=0.019)
    assert not ex.check_2(0.019 / 0.15, own_share=0.019)
    assert not ex.check_2("cash cow", own_share=0.019)


@pytest.mark.notebook
def test_notebook_runs_on_online_retail_in_chinese_with_a_product_fallback(run_notebook):
    """Issue 13: 08 failed with -p dataset online_retail (no category). It now groups by product, picks
    quarters, shows no market view (the demo market file is not Online Retail's) and says all of it."""
    rec = run_notebook("08_bcg.ipynb", dataset="online_retail", lang="zh")
    assert rec["proxy_unit"] == "product_id" and rec["proxy_freq"] == "Q"
    assert "market_counts" not in rec
    assert rec["proxy_findings"][0].startswith("数据中没有“category”列")
    assert sum(rec["proxy_counts"].values()) == rec["proxy_units"]
