"""Tests for crmcore.customer_value: indicator mapping, five-value scoring, key accounts, RFM weights."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmcore import ahp
from crmcore import customer_value as cv
from crmcore.errors import DataError, DomainError, ParameterError

# --------------------------------------------------------------------------- mapping (函数映射)


def test_minmax_and_cost_direction_hand_worked():
    """x = (10, 20, 40): (x − 10)/30 = (0, 1/3, 1); cost direction 1 − y = (1, 2/3, 0)."""
    np.testing.assert_allclose(cv.map_indicator([10, 20, 40]), [0, 1 / 3, 1])
    np.testing.assert_allclose(cv.map_indicator([10, 20, 40], direction="cost"), [1, 2 / 3, 0])
    np.testing.assert_allclose(cv.map_indicator([10, 20, 40], lo=0, hi=100), [0.1, 0.2, 0.4])
    np.testing.assert_allclose(cv.map_indicator([5, 5, 5]), [0.5, 0.5, 0.5])


def test_log_mapping_hand_worked():
    """x = (0, e − 1, e² − 1): ln(1 + x) = (0, 1, 2) → (0, 0.5, 1)."""
    e = math.e
    np.testing.assert_allclose(cv.map_indicator([0, e - 1, e ** 2 - 1], method="log"), [0, 0.5, 1], atol=1e-15)


def test_log_mapping_treats_floating_point_noise_of_net_revenue_as_zero_but_refuses_real_negatives():
    """Issue 13: on Online Retail a customer's net revenue sums to −5.7e-14 (bought and fully returned);
    that is 0 to within ZERO_TOL · max|x|, so it maps like 0. A real negative (−0.01) is still refused."""
    x = [-5.68434e-14, 0.0, math.e - 1, math.e ** 2 - 1]
    np.testing.assert_allclose(cv.map_indicator(x, method="log"), [0, 0, 0.5, 1], atol=1e-15)
    # the tolerance is relative: −1e-6 next to a 5,000,000 total is noise, next to totals of 3 it is not
    assert cv.map_indicator([-1e-6, 5e6], method="log")[0] == 0
    with pytest.raises(DataError, match="negative"):
        cv.map_indicator([-1e-6, 3], method="log")
    with pytest.raises(DataError, match="negative"):
        cv.map_indicator([-0.01, 2.0, 3.0], method="log")


def test_negative_net_spend_counts_as_zero_only_when_asked_and_the_report_says_how_many():
    """Online Retail has customers whose returns exceed purchases (net revenue −95.93): the five-value model
    maps them like 0 (negative="zero"), and data_notes says so; by default a negative is still refused."""
    np.testing.assert_allclose(cv.map_indicator([-95.93, 0.0, math.e - 1, math.e ** 2 - 1], method="log",
                                                negative="zero"), [0, 0, 0.5, 1])
    with pytest.raises(DataError, match="negative"):
        cv.map_indicator([-95.93, 3.0], method="log")
    t = pd.DataFrame({"customer_id": ["a", "b", "c"], "revenue": [-95.93, -1.0, 10.0]})
    assert cv.data_notes(t) == ["2 customers have a negative net spend (returns exceed purchases in the data); "
                                "their spend and volume indicators count as 0."]
    assert cv.data_notes(t, lang="zh")[0].startswith("有 2 个客户的净消费额为负")
    assert cv.data_notes(t.assign(revenue=[1.0, 2.0, 3.0])) == []


def test_piecewise_linear_and_step_mappings():
    pts = [(0, 0.0), (100, 0.6), (200, 1.0)]
    np.testing.assert_allclose(cv.map_indicator([-5, 50, 150, 900], method="piecewise", points=pts),
                               [0, 0.3, 0.8, 1.0])
    # step: <1 → 0, 1–2 → 0.5, 3–5 → 0.8, ≥6 → 1 (breaks are inclusive on the left)
    y = cv.map_indicator([0, 1, 2, 3, 5, 6, 10], method="step", breaks=[1, 3, 6], scores=[0, 0.5, 0.8, 1])
    np.testing.assert_allclose(y, [0, 0.5, 0.5, 0.8, 0.8, 1, 1])


def test_manual_and_identity_mappings():
    np.testing.assert_allclose(cv.map_indicator([1, 3, 5], method="manual", lo=1, hi=5), [0, 0.5, 1])
    np.testing.assert_allclose(cv.map_indicator([0.2, 1.0], method="identity"), [0.2, 1.0])


def test_mapping_bad_inputs_name_column_row_and_fix():
    with pytest.raises(DataError, match=r"column 'spend': 1 of 3 values are missing or not numbers \(row 1: 'n/a'\)"):
        cv.map_indicator([1, "n/a", 3], name="spend")
    with pytest.raises(DataError, match="outside 1–5"):
        cv.map_indicator([1, 7], method="manual", lo=1, hi=5, name="brand")
    with pytest.raises(ParameterError, match="need the scale"):
        cv.map_indicator([1, 2], method="manual")
    with pytest.raises(ParameterError, match="divide points by 100"):
        cv.map_indicator([1, 2], method="step", breaks=[1], scores=[0, 80])
    with pytest.raises(DataError, match="negative"):
        cv.map_indicator([-1, 2], method="log")
    with pytest.raises(ParameterError, match="method='zscore'"):
        cv.map_indicator([1, 2], method="zscore")


# --------------------------------------------------------------------------- five-value model


def small_customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["a", "b", "c"],
        "revenue": [1000.0, 100.0, 10.0],
        "avg_order_value": [100.0, 50.0, 10.0],
        "max_order_value": [300.0, 80.0, 10.0],
        "orders": [10, 2, 1],
        "quantity": [50, 10, 1],
        "lines": [30, 5, 1],
        "brand_intent": [5, 3, 1],
        "profile_completeness": [1.0, 0.5, 0.0],
        "referrals": [6, 1, 0],
        "related_companies": [2, 0, 0],
    })


def test_five_value_score_is_100_times_weighted_sum_of_mapped_indicators():
    cust = small_customers()
    r = cv.customer_value(cust)
    w = r.weights
    assert sum(w.values()) == pytest.approx(1.0)
    # customer 'a' is best on every indicator → every mapped value is 1 → score 100
    # customer 'c' is worst on every indicator → 0
    t = r.table.set_index("customer_id")
    assert t.loc["a", "score"] == pytest.approx(100.0) and t.loc["c", "score"] == pytest.approx(0.0)
    # 'b' by hand: log-min-max per indicator, manual (3−1)/4, identity 0.5, step 0.5 and 0
    def logmm(v, lo, hi):
        return (math.log1p(v) - math.log1p(lo)) / (math.log1p(hi) - math.log1p(lo))

    mapped_b = {"revenue": logmm(100, 10, 1000), "avg_order_value": logmm(50, 10, 100),
                "max_order_value": logmm(80, 10, 300), "orders": logmm(2, 1, 10), "quantity": logmm(10, 1, 50),
                "lines": logmm(5, 1, 30), "brand_intent": 0.5, "profile_completeness": 0.5, "referrals": 0.5,
                "related_companies": 0.0}
    assert t.loc["b", "score"] == pytest.approx(100 * sum(w[k] * mapped_b[k] for k in w))
    # contributions add up to the score, and follow the group weights
    groups = ["market", "scale", "brand", "information", "network"]
    np.testing.assert_allclose(t[groups].sum(axis=1), t["score"])
    assert t.loc["a", "market"] == pytest.approx(100 * r.group_weights["market"])
    assert list(r.table["rank"]) == [1, 2, 3]


def test_five_value_default_weights_come_from_the_ahp_hierarchy():
    r = cv.customer_value(small_customers())
    top = ahp.pairwise(cv.FIVE_VALUE_SPEC["upper"], labels=list(cv.FIVE_VALUES)).priorities()
    assert r.group_weights == pytest.approx(top.weights_dict())
    assert top.consistent
    assert r.hierarchy.consistent


def test_adding_a_customer_with_in_range_values_does_not_change_others_scores():
    """Absolute measurement: with fixed mapping ranges, scores do not depend on who else is scored."""
    ind = {k: dict(v) for k, v in cv.FIVE_VALUE_INDICATORS.items()}
    for k in ("revenue", "avg_order_value", "max_order_value", "orders", "quantity", "lines"):
        ind[k].update(lo=0, hi=10_000)
    base = cv.customer_value(small_customers(), indicators=ind).table.set_index("customer_id")["score"]
    more = pd.concat([small_customers(), small_customers().iloc[[1]].assign(customer_id="d")])
    again = cv.customer_value(more, indicators=ind).table.set_index("customer_id")["score"]
    pd.testing.assert_series_equal(base, again.drop("d").reindex(base.index))


def test_customer_value_bad_inputs():
    cust = small_customers()
    with pytest.raises(DataError, match="column 'referrals'.*Columns found"):
        cv.customer_value(cust.drop(columns="referrals"))
    with pytest.raises(DataError, match="appear more than once"):
        cv.customer_value(pd.concat([cust, cust]))
    with pytest.raises(DataError, match="'client'"):
        cv.customer_value(cust, id_col="client")


def test_customer_value_sensitivity_and_monte_carlo():
    r = cv.customer_value(small_customers())
    sw = r.sweep("network")
    assert sw.current == pytest.approx(r.group_weights["network"])
    assert sw.table.loc[sw.table.index[-1], "a"] == pytest.approx(100.0)  # all weight on network: a maps to 1 on both
    mc = r.monte_carlo(n=50, seed=3)
    assert mc.table.iloc[0]["customer_id"] == "a" and mc.table.iloc[0]["p_first"] == 1.0
    assert "customer" in r.summary() and "市场价值" in r.summary("zh")


def test_value_sentences_name_groups_and_methods_in_the_reports_language():
    """Issue 14: the zh report said "market 当前权重 0.459" and "（scale，幅度 1）"; the group and the
    perturbation are now written in Chinese, and the sweep's count is of leader changes, not "points"."""
    r = cv.customer_value(small_customers())
    sw = r.sweep("market")
    zh, en = sw.summary("zh"), sw.summary("en")
    assert zh.startswith("市场价值") and "market" not in zh
    assert en.startswith("market value has weight") or en.startswith("As the weight of market value")
    assert "网络价值" in r.hierarchy.summary("zh") or "市场价值" in r.hierarchy.summary("zh") \
        or "累计消费额" in r.hierarchy.summary("zh") or "购买频次" in r.hierarchy.summary("zh")
    assert not any(k in r.hierarchy.summary("zh") for k in ("revenue", "orders", "quantity", "referrals"))
    mc = r.monte_carlo(n=20, seed=3).summary("zh")
    assert "scale" not in mc and "1–9 标度" in mc


def test_recommendations_follow_the_tiers_and_call_the_ranking_robust_only_when_it_is():
    """A naive "assign managers to the tier-A accounts" is false when no account reaches A; "the ranking is
    robust" is false when the leader is first in under 90 % of the perturbed runs."""
    from types import SimpleNamespace

    def keys(tiers):
        t = pd.DataFrame({"customer_id": ["k1", "k2", "k3"], "score": [70.0, 50.0, 20.0], "tier": tiers})
        return cv.ScoreResult(t, {}, {}, pd.DataFrame(), None, "key_account", "customer_id", (60, 40))

    def mc(p):
        return SimpleNamespace(table=pd.DataFrame({"customer_id": ["c9"], "p_first": [p], "mean_rank": [1.2]}))

    en = cv.recommendations(keys(["A", "B", "C"]), mc(0.95))
    assert en[0].startswith("Assign an account manager to each of the 1 tier-A key accounts (k1)")
    assert "1 tier-B" in en[0] and "robust" in en[1] and "95.0%" in en[1]
    # 99.7 % must not be rounded up to "100%" beside a table that shows 99.7 %
    assert "99.7%" in cv.recommendations(keys(["A", "B", "C"]), mc(0.997))[1]
    none = cv.recommendations(keys(["B", "B", "C"]), mc(0.55))
    assert none[0].startswith("No account reaches tier A (score ≥ 60)") and "Assign" not in none[0]
    assert "only 55.0%" in none[1] and "robust" not in none[1]
    zh = cv.recommendations(keys(["B", "B", "C"]), mc(0.55), lang="zh")
    assert "没有客户达到 A 类" in zh[0] and "只有 55.0%" in zh[1]


def test_simulated_profiles_are_deterministic_and_in_range():
    a = cv.simulated_profiles(["x", "y", "z"] * 10, seed=5)
    b = cv.simulated_profiles(["x", "y", "z"] * 10, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert a["brand_intent"].between(1, 5).all() and a["profile_completeness"].between(0, 1).all()


def test_customer_table_from_transactions():
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "b", "b", "b"],
        "order_id": ["1", "2", "3", "3", "4"],
        "order_date": pd.to_datetime(["2025-01-05", "2025-03-01", "2025-02-01", "2025-02-01", "2025-06-01"]),
        "product_id": ["p", "q", "p", "q", "p"],
        "quantity": [1, 2, 1, 1, 3],
        "unit_price": [10.0, 5.0, 10.0, 5.0, 10.0],
        "amount": [10.0, 10.0, 10.0, 5.0, 30.0],
    })
    t = cv.customer_table(tx, asof="2026-01-01").set_index("customer_id")
    assert t.loc["b", "revenue"] == 45.0 and t.loc["b", "orders"] == 2 and t.loc["b", "avg_order_value"] == 22.5
    assert t.loc["b", "max_order_value"] == 30.0
    assert {"brand_intent", "referrals", "profile_completeness"} <= set(t.columns)
    r = cv.customer_value(t.reset_index())
    assert r.table.iloc[0]["customer_id"] in ("a", "b")


# --------------------------------------------------------------------------- key accounts


def accounts() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["k1", "k2", "k3", "k4"],
        "sales_2y": [1e6, 2e5, 5e4, 1e4],
        "potential_3y": [2e6, 5e5, 1e5, 1e4],
        "winnable": [5, 4, 2, 1],
        "deliverable": [5, 3, 3, 1],
        "demonstration": [4, 5, 1, 1],
    })


def test_key_account_scores_and_tiers_hand_worked():
    """Weights given directly: w = (0.3, 0.3, 0.2, 0.1, 0.1). k1: sales and potential map to 1 (max),
    winnable (5−1)/4 = 1, deliverable 1, demonstration (4−1)/4 = 0.75 → 100·(0.9 + 0.075) = 97.5 → A."""
    w = {"sales_2y": 0.3, "potential_3y": 0.3, "winnable": 0.2, "deliverable": 0.1, "demonstration": 0.1}
    r = cv.key_account_scores(accounts(), weights=w, tiers=(80, 40))
    t = r.table.set_index("customer_id")
    assert t.loc["k1", "score"] == pytest.approx(97.5) and t.loc["k1", "tier"] == "A"
    assert t.loc["k4", "score"] == pytest.approx(0.0) and t.loc["k4", "tier"] == "C"
    lm = lambda v, lo, hi: (math.log1p(v) - math.log1p(lo)) / (math.log1p(hi) - math.log1p(lo))  # noqa: E731
    k2 = 100 * (0.3 * lm(2e5, 1e4, 1e6) + 0.3 * lm(5e5, 1e4, 2e6) + 0.2 * 0.75 + 0.1 * 0.5 + 0.1 * 1.0)
    assert t.loc["k2", "score"] == pytest.approx(k2)
    assert t.loc["k2", "tier"] == ("A" if k2 >= 80 else "B" if k2 >= 40 else "C")
    assert "1 is a tier-A key account" in r.summary()


def test_key_account_default_weights_are_ahp_and_inconsistent_judgements_are_refused():
    r = cv.key_account_scores(accounts())
    res = ahp.priorities(cv.KEY_ACCOUNT_JUDGEMENTS)
    assert r.weights == pytest.approx(res.weights_dict()) and res.consistent
    bad = dict(cv.KEY_ACCOUNT_JUDGEMENTS)
    bad[("demonstration", "sales_2y")] = 9
    del bad[("sales_2y", "demonstration")]
    bad[("winnable", "deliverable")] = "1/9"
    with pytest.raises(DomainError, match=r"inconsistent \(CR = 0\.663 ≥ 0\.1\)\. No single change.*then"):
        cv.key_account_scores(accounts(), weights=bad)
    with pytest.raises(DomainError, match="sum to 1"):
        cv.key_account_scores(accounts(), weights={"sales_2y": 0.5, "potential_3y": 0.2, "winnable": 0.1,
                                                   "deliverable": 0.1, "demonstration": 0.0})
    with pytest.raises(ParameterError, match="high first"):
        cv.key_account_scores(accounts(), tiers=(40, 80))


# --------------------------------------------------------------------------- weighted RFM


def test_rfm_weights_dict_from_judgements():
    """{R: 1, F: 1/3, M: 2}-consistent judgements: R/F = 3, R/M = 1/2, F/M = 1/6 → w = (1, 1/3, 2)/(10/3)."""
    d = cv.rfm_weights({("recency", "frequency"): 3, ("R", "M"): "1/2", ("F", "M"): "1/6"})
    assert list(d) == ["R", "F", "M"]
    assert d == pytest.approx({"R": 0.3, "F": 0.1, "M": 0.6})
    d2 = cv.rfm_weights([[1, 3, "1/2"], ["1/3", 1, "1/6"], [2, 6, 1]])
    assert d2 == pytest.approx(d)
    assert cv.rfm_weights(ahp.priorities({("R", "F"): 3, ("R", "M"): "1/2", ("F", "M"): "1/6"})) == pytest.approx(d)


def test_rfm_weights_refuse_inconsistent_judgements_unless_told():
    cyc = {("R", "F"): 5, ("F", "M"): 5, ("M", "R"): 5}
    with pytest.raises(DomainError, match="inconsistent.*intransitive"):
        cv.rfm_weights(cyc)
    assert sum(cv.rfm_weights(cyc, strict=False).values()) == pytest.approx(1.0)
    with pytest.raises(DomainError, match="compare R, F and M"):
        cv.rfm_weights({("R", "X"): 2})


def test_plot_contributions_returns_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = cv.customer_value(small_customers()).plot(lang="zh")
    assert isinstance(ax, matplotlib.axes.Axes) and len(ax.patches) == 15
    plt.close("all")


def test_rfm_weights_feed_the_rfm_modules_weighted_score():
    """W = w_R·R + w_F·F + w_M·M with the AHP weights (0.3, 0.1, 0.6): for R=5, F=1, M=2 → 1.5 + 0.1 + 1.2 = 2.8."""
    rfm = pytest.importorskip("crmcore.rfm")
    w = cv.rfm_weights({("R", "F"): 3, ("R", "M"): "1/2", ("F", "M"): "1/6"})
    scores = pd.DataFrame({"customer_id": ["a", "b"], "R": [5, 1], "F": [1, 5], "M": [2, 2]})
    out = rfm.weighted_score(scores, w).set_index("customer_id")
    assert out.loc["a", "weighted_score"] == pytest.approx(2.8)
    assert out.loc["b", "weighted_score"] == pytest.approx(0.3 + 0.5 + 1.2)
