"""crmcore.rfm: hand-worked tables and scores, properties, bad input, public data checks."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmcore import rfm
from crmcore.errors import DataError, DomainError, ParameterError

ASOF = "2024-01-11"


def _lines(rows):
    cols = ["customer_id", "order_id", "order_date", "product_id", "quantity", "unit_price", "is_promo", "is_return"]
    df = pd.DataFrame(rows, columns=cols)
    df["order_date"] = pd.to_datetime(df["order_date"])
    df["amount"] = df["quantity"] * df["unit_price"]
    return df


@pytest.fixture
def tx():
    """Four customers. A: three invoices on two days and one return; B: one order the day before
    asof; C: only a return; D: one order before and one ON asof (must not count)."""
    return _lines([
        ("A", "O1", "2024-01-01 10:00", "P1", 2, 10.0, True, False),   # 20 promo
        ("A", "O1", "2024-01-01 10:00", "P2", 1, 50.0, False, False),  # 50 high price
        ("A", "O2", "2024-01-05 09:00", "P1", 1, 10.0, False, False),  # 10
        ("A", "O3", "2024-01-05 17:00", "P3", 1, 30.0, True, False),   # 30 promo, same day as O2
        ("A", "R1", "2024-01-06 12:00", "P2", -1, 50.0, False, True),  # return of 50
        ("B", "O4", "2024-01-10 23:00", "P2", 2, 50.0, False, False),  # 100 high price
        ("C", "R2", "2024-01-03 08:00", "P1", -1, 10.0, False, True),  # only a return
        ("D", "O5", "2024-01-11 00:00", "P3", 1, 30.0, False, False),  # on asof: excluded
        ("D", "O6", "2023-12-31 15:00", "P3", 1, 30.0, False, False),  # 30
    ])


# ---------------------------------------------------------------- rfm_table
def test_rfm_table_hand_worked_example(tx):
    with pytest.warns(UserWarning, match="1 customer\\(s\\) have only return lines.*e.g. C"):
        t = rfm.rfm_table(tx, asof=ASOF).set_index("customer_id")
    assert list(t.index) == ["A", "B", "D"]            # C only returned goods
    a = t.loc["A"]
    assert a.recency == 11 - 5                          # last purchase day 01-05, asof 01-11
    assert a.tenure == 11 - 1
    assert (a.orders, a.purchase_days, a.lines) == (3, 2, 4)
    assert a.frequency == 3                             # invoices
    assert a.spend == 20 + 50 + 10 + 30
    assert a.returned == 0 and a.revenue == 110 and a.monetary == 110   # returns dropped
    assert a.max_purchase == 20 + 50                    # order O1
    assert a.promo_share == pytest.approx((20 + 30) / 110)
    # purchase unit prices 10,50,10,30,50,30 → sorted 10,10,30,30,50,50; 0.8 quantile at position 0.8×5 = 4 → 50
    assert t.attrs["crmcore"]["rfm"]["high_price_threshold"] == 50
    assert a.high_price_share == pytest.approx(50 / 110)
    assert a.mean_interval == (5 - 1) / (2 - 1)
    b = t.loc["B"]
    assert (b.recency, b.tenure, b.frequency, b.monetary) == (1, 1, 1, 100)
    assert b.high_price_share == 1.0 and math.isnan(b.mean_interval)
    d = t.loc["D"]
    assert (d.recency, d.frequency, d.monetary) == (11, 1, 30)   # O5 on asof does not count
    assert t.attrs["crmcore"]["rfm"]["customers_only_returns"] == 1
    assert t.attrs["crmcore"]["rfm"]["only_return_examples"] == ["C"]


def test_rfm_table_conventions_net_days_mean_weeks(tx):
    t = rfm.rfm_table(tx, asof=ASOF, frequency="days", monetary="mean", returns="net",
                      recency_unit="W").set_index("customer_id")
    a = t.loc["A"]
    assert a.returned == 50 and a.revenue == 110 - 50
    assert a.frequency == 2 and a.monetary == (110 - 50) / 2
    assert a.recency == pytest.approx(6 / 7) and a.tenure == pytest.approx(10 / 7)
    lines = rfm.rfm_table(tx, asof=ASOF, frequency="lines").set_index("customer_id")
    assert lines.loc["A", "frequency"] == 4


def test_rfm_table_does_not_mutate_and_ignores_row_order(tx):
    before = tx.copy()
    t1 = rfm.rfm_table(tx, asof=ASOF)
    pd.testing.assert_frame_equal(tx, before)
    t2 = rfm.rfm_table(tx.sample(frac=1, random_state=3).reset_index(drop=True), asof=ASOF)
    pd.testing.assert_frame_equal(t1, t2)


def test_rfm_table_order_over_two_days_and_return_inside_an_order():
    """Lines are collapsed to orders first: an order whose lines fall on two days still counts
    both days, and a return line inside a purchase order is not part of that order's value."""
    t = rfm.rfm_table(_lines([
        ("E", "O1", "2024-01-01 23:50", "P1", 1, 10.0, False, False),
        ("E", "O1", "2024-01-02 00:10", "P2", 1, 20.0, False, False),  # same order, next day
        ("E", "O1", "2024-01-02 00:20", "P2", -1, 20.0, False, True),  # a return line in that order
        ("E", "O2", "2024-01-03 09:00", "P1", 1, 5.0, False, False),
        ("F", "O3", "2024-01-04 12:00", "P1", 2, 10.0, False, False),
    ]), asof=ASOF, returns="net").set_index("customer_id")
    e = t.loc["E"]
    assert (e.orders, e.purchase_days, e.lines) == (2, 3, 3)       # days 01-01, 01-02, 01-03
    assert (e.spend, e.returned, e.revenue, e.max_purchase) == (35, 20, 15, 30)
    assert (e.recency, e.tenure, e.mean_interval) == (8, 10, 1.0)
    assert (t.loc["F", "purchase_days"], t.loc["F", "orders"]) == (1, 1)


def test_rfm_table_runs_on_a_parquet_path(tx, tmp_path):
    p = tmp_path / "tx.parquet"
    tx.to_parquet(p)
    pd.testing.assert_frame_equal(rfm.rfm_table(p, asof=ASOF), rfm.rfm_table(tx, asof=ASOF), check_dtype=False)


def test_rfm_table_without_promo_column_gives_nan_share(tx):
    t = rfm.rfm_table(tx.drop(columns="is_promo"), asof=ASOF)
    assert t["promo_share"].isna().all()


def test_asof_before_first_purchase_is_a_data_error(tx):
    with pytest.raises(DataError, match="no purchase is dated before asof=2023-01-01.*earliest line is 2023-12-31"):
        rfm.rfm_table(tx, asof="2023-01-01")


def test_only_returns_everywhere_is_a_data_error(tx):
    with pytest.raises(DataError, match="only return lines"):
        rfm.rfm_table(tx[tx.customer_id == "C"], asof=ASOF)


def test_bad_parameters_name_the_choices(tx):
    with pytest.raises(ParameterError, match="frequency='orders'.*'invoices', 'days', 'lines'"):
        rfm.rfm_table(tx, asof=ASOF, frequency="orders")
    with pytest.raises(ParameterError, match="asof is required"):
        rfm.rfm_table(tx, asof="")
    with pytest.raises(ParameterError, match="not a date"):
        rfm.rfm_table(tx, asof="someday")
    with pytest.raises(DataError, match="needs column"):
        rfm.rfm_table(tx.drop(columns="amount"), asof=ASOF)


def test_one_customer_scores_and_segments():
    t = rfm.rfm_table(_lines([("X", "O1", "2024-01-02", "P", 1, 5.0, False, False)]), asof=ASOF)
    s = rfm.score(t)
    # nobody is strictly worse: 1 + floor(5 × 0/1) = 1 on every axis
    assert s.table[["R", "F", "M"]].iloc[0].tolist() == [1, 1, 1]
    # one customer cannot be segmented: not "lost" (rfm11) nor "important value" (cn8)
    for scheme in ("rfm11", "cn8"):
        g = rfm.segment(s, scheme=scheme)
        assert g.table["segment"].tolist() == ["no_spread"] and g.no_spread


# ---------------------------------------------------------------- scores
def _table(recency, frequency, monetary):
    n = len(recency)
    return pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)], "recency": recency,
                         "frequency": frequency, "monetary": monetary})


def test_quantile_scores_hand_worked_with_ties():
    """score = 1 + floor(5 × #strictly worse / n), n = 5."""
    s = rfm.score(_table([10, 20, 20, 40, 80], [1, 1, 1, 2, 3], [5.0, 1.0, 2.0, 3.0, 4.0]))
    # R (lower is better): worse than 10 → 4 → 5; 20 → 2 (40, 80) → 3; 40 → 1 → 2; 80 → 0 → 1
    assert s.table["R"].tolist() == [5, 3, 3, 2, 1]
    # F: the three 1s have nobody worse → 1; 2 → 3 worse → 1 + 3 = 4; 3 → 4 worse → 5
    assert s.table["F"].tolist() == [1, 1, 1, 4, 5]
    assert s.table["M"].tolist() == [5, 1, 2, 3, 4]
    assert s.cuts["R"] == (10, 10, 20, 40)        # R ≥ 5 iff recency ≤ 10, ..., R ≥ 2 iff ≤ 40
    assert s.cuts["F"] == (2, 2, 2, 3)            # F ≥ 2,3,4 iff frequency ≥ 2; F = 5 iff ≥ 3
    assert s.table["rfm_code"].tolist() == ["515", "311", "312", "243", "154"]
    assert "F: no customer has score 2, 3 (tied values of frequency: 3 of 5 customers have frequency = 1)" in s.warnings


def test_fixed_thresholds_reproduce_quantile_scores():
    rng = np.random.default_rng(1)
    t = _table(rng.integers(0, 400, 300), rng.geometric(0.4, 300), rng.gamma(2, 50, 300).round(2))
    q = rfm.score(t)
    f = rfm.score(t, method="fixed", thresholds=q.cuts)
    pd.testing.assert_frame_equal(q.table, f.table)


def test_fixed_scores_hand_worked():
    s = rfm.score(_table([0, 30, 31, 200], [1, 2, 5, 9], [10, 100, 1000, 50]), method="fixed",
                  thresholds={"R": [30, 60, 90, 180], "F": [2, 3, 5, 8], "M": [50, 100, 500, 1000]})
    # R: 1 + #{cuts ≥ recency}: 0 → 5, 30 → 5, 31 → 4, 200 → 1
    assert s.table["R"].tolist() == [5, 5, 4, 1]
    # F/M: 1 + #{cuts ≤ value}
    assert s.table["F"].tolist() == [1, 2, 4, 5]
    assert s.table["M"].tolist() == [1, 3, 5, 2]


def test_scores_properties_range_monotone_cuts_row_order():
    rng = np.random.default_rng(7)
    t = _table(rng.integers(0, 700, 1000), rng.geometric(0.3, 1000), rng.lognormal(5, 1, 1000).round(2))
    before = t.copy()
    s = rfm.score(t)
    pd.testing.assert_frame_equal(t, before)            # the input is not changed
    for k in ("R", "F", "M"):
        assert s.table[k].between(1, 5).all()
        assert list(s.cuts[k]) == sorted(s.cuts[k])
    # identical values → identical scores
    assert (s.table.groupby("frequency")["F"].nunique() == 1).all()
    # more recent never scores lower
    srt = s.table.sort_values("recency")
    assert srt["R"].is_monotonic_decreasing
    shuffled = rfm.score(t.sample(frac=1, random_state=5)).table.sort_values("customer_id")
    pd.testing.assert_frame_equal(shuffled, s.table.sort_values("customer_id"))


def test_all_equal_values_get_score_one_and_a_warning():
    s = rfm.score(_table([5] * 4, [2] * 4, [9.0] * 4))
    assert set(s.table[["R", "F", "M"]].to_numpy().ravel()) == {1}
    assert s.cuts["F"] == (math.inf,) * 4 and s.cuts["R"] == (-math.inf,) * 4
    assert len(s.warnings) == 3


def test_score_bad_input():
    t = _table([1, 2], [1, 2], [1.0, np.nan])
    with pytest.raises(DataError, match="column 'monetary'.*1 of 2 values are missing"):
        rfm.score(t)
    with pytest.raises(ParameterError, match="bins=1"):
        rfm.score(_table([1], [1], [1.0]), bins=1)
    with pytest.raises(ParameterError, match=r"thresholds\['F'\].*4 ascending"):
        rfm.score(_table([1], [1], [1.0]), method="fixed",
                  thresholds={"R": [1, 2, 3, 4], "F": [3, 2, 1, 0], "M": [1, 2, 3, 4]})
    with pytest.raises(DataError, match="customer_id repeats"):
        rfm.score(pd.DataFrame({"customer_id": ["a", "a"], "recency": [1, 2], "frequency": [1, 1], "monetary": [1, 2]}))


# ---------------------------------------------------------------- segments
def test_cn8_on_scores_vs_mean_hand_worked():
    s = rfm.score(_table([10, 20, 20, 40, 80], [1, 1, 1, 2, 3], [5.0, 1.0, 2.0, 3.0, 4.0]))
    # R = 5,3,3,2,1 (mean 2.8); F = 1,1,1,4,5 (mean 2.4); M = 5,1,2,3,4 (mean 3)
    g = rfm.segment(s, scheme="cn8", lang="zh")
    assert g.thresholds == {"R": 2.8, "F": 2.4, "M": 3.0}
    assert g.table["segment"].tolist() == ["important_development", "general_development", "general_development",
                                           "important_retention", "important_retention"]
    assert g.table["segment_name"].iloc[0] == "重要发展客户"


def test_cn8_on_values_treats_short_recency_as_high():
    t = _table([10, 100], [5, 1], [500.0, 10.0])   # means: R 55, F 3, M 255
    g = rfm.segment(t, scheme="cn8", on="values")
    assert g.table["segment"].tolist() == ["important_value", "general_winback"]
    med = rfm.segment(_table([1, 2, 3], [1, 1, 9], [1.0, 2.0, 100.0]), scheme="cn8", on="values", basis="median")
    # medians R 2, F 1, M 2: customer 0 R≤2 high, F≥1 high, M<2 low → general value
    assert med.table["segment"].tolist() == ["general_value", "important_value", "important_retention"]


def test_rfm11_is_a_partition_of_the_125_cells_and_counts_add_up():
    rules = rfm.check_rules(rfm.RFM11)
    assert len(rules) == 11
    rng = np.random.default_rng(3)
    t = _table(rng.integers(0, 700, 500), rng.geometric(0.3, 500), rng.lognormal(5, 1, 500))
    g = rfm.segment(rfm.score(t), scheme="rfm11")
    assert g.counts().sum() == 500
    # every segment is reachable: each holds at least one of the 125 cells
    grid = pd.DataFrame([(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)], columns=list("RFM"))
    grid.insert(0, "customer_id", [f"g{i}" for i in range(len(grid))])
    assert (rfm.segment(grid, scheme="rfm11").counts() > 0).all()
    # a recent one-time buyer is new whatever the first basket (the old R × FM map needed M = 1)
    cell = pd.DataFrame({"customer_id": ["x", "y", "z", "w"], "R": [5, 4, 1, 3], "F": [1, 1, 5, 5], "M": [1, 5, 4, 5]})
    assert rfm.segment(cell, scheme="rfm11").table["segment"].tolist() == ["new", "new", "cant_lose", "need_attention"]


def test_rule_table_with_overlap_and_gap_is_refused_naming_cells():
    rules = [{"segment": "top", "R": "4-5"}, {"segment": "mid", "R": "3-4"}, {"segment": "low", "R": "1", "F": "1-4"}]
    with pytest.raises(DomainError) as e:
        rfm.check_rules(rules)
    msg = str(e.value)
    assert "25 score cells match more than one rule (R=4,F=1,M=1 in top and mid" in msg
    assert "match no rule (R=1,F=5,M=1" in msg and "R=2,F=1,M=1" in msg


def test_user_rule_table_assigns_segments():
    rules = pd.DataFrame({"segment": ["keep", "grow", "wake"], "zh": ["保持", "发展", "唤醒"],
                          "R": ["4-5", "4-5", "1-3"], "F": ["3-5", "1-2", None]})
    cell = pd.DataFrame({"customer_id": ["a", "b", "c"], "R": [5, 4, 2], "F": [3, 1, 5], "M": [1, 1, 1]})
    g = rfm.segment(cell, scheme=rules, lang="zh")
    assert g.table["segment"].tolist() == ["keep", "grow", "wake"]
    assert g.table["segment_name"].tolist() == ["保持", "发展", "唤醒"]


# ---------------------------------------------------------------- weighted score
def test_weighted_score_hand_worked_and_ranks():
    sc = pd.DataFrame({"customer_id": ["a", "b", "c"], "R": [5, 1, 3], "F": [1, 5, 3], "M": [3, 3, 3]})
    w = rfm.weighted_score(sc, {"R": 0.5, "F": 0.3, "M": 0.2})
    # a: .5×5 + .3×1 + .2×3 = 3.4; b: .5 + 1.5 + .6 = 2.6; c: 3.0
    assert w.set_index("customer_id")["weighted_score"].to_dict() == pytest.approx({"a": 3.4, "b": 2.6, "c": 3.0})
    assert w["customer_id"].tolist() == ["a", "c", "b"] and w["rank"].tolist() == [1, 2, 3]
    tie = rfm.weighted_score(sc, {"R": 0.5, "F": 0.5, "M": 0.0})
    assert tie["rank"].tolist() == [1, 1, 1] and tie["customer_id"].tolist() == ["a", "b", "c"]


def test_weighted_score_takes_an_ahp_like_result():
    class AHP:
        weights_dict = {"R": 0.2, "F": 0.3, "M": 0.5}
    sc = pd.DataFrame({"customer_id": ["a"], "R": [1], "F": [2], "M": [3]})
    assert rfm.weighted_score(sc, AHP())["weighted_score"].iloc[0] == pytest.approx(0.2 + 0.6 + 1.5)


def test_weighted_score_bad_weights():
    sc = pd.DataFrame({"customer_id": ["a"], "R": [1], "F": [2], "M": [3]})
    with pytest.raises(DomainError, match="sum to 1.*1.1"):
        rfm.weighted_score(sc, {"R": 0.5, "F": 0.3, "M": 0.3})
    with pytest.raises(ParameterError, match="missing \\['M'\\]"):
        rfm.weighted_score(sc, {"R": 0.5, "F": 0.5})
    with pytest.raises(DomainError, match="non-negative"):
        rfm.weighted_score(sc, {"R": 1.2, "F": -0.2, "M": 0})


# ---------------------------------------------------------------- public data
@pytest.fixture(scope="module")
def online_retail(shared_data):
    from crmcore import data
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the preset keeps bad rows for clean() to count
        raw = data.load_transactions(shared_data / "online_retail.csv.gz", preset="online_retail")
    # keep postage/fee lines (non_product=()) to match the customer count usually quoted
    return data.clean(raw, returns="drop", non_product=()).transactions


@pytest.mark.shared
def test_online_retail_one_time_buyers_all_score_f1(online_retail):
    """Chen (2015) Online Retail, snapshot 2011-12-10, returns dropped: 4,338 customers, 1,493 buy once."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = rfm.rfm_table(online_retail, asof="2011-12-10")
    assert len(t) == 4338
    assert (t["frequency"] == 1).sum() == 1493
    s = rfm.score(t)
    f = s.table["F"].value_counts().sort_index()
    # all 1,493 one-invoice customers share F = 1 (plain quintiles would split them arbitrarily)
    assert f.loc[1] == 1493
    # cumulative customers with ≤ 1, 2, 3, 4, 5, 6 invoices: 1493, 2328, 2836, 3224, 3466, 3638
    # F for 2 invoices: 1 + floor(5 × 1493/4338 = 1.72) = 2; 3: 1 + floor(5 × 2328/4338 = 2.68) = 3;
    # 4: 1 + floor(3.27) = 4; 5, 6: floor(3.72), floor(3.99) → 4; 7: 1 + floor(5 × 3638/4338 = 4.19) = 5
    assert s.cuts["F"] == (2, 3, 4, 7)
    assert f.tolist() == [1493, 2328 - 1493, 2836 - 2328, 3638 - 2836, 4338 - 3638]
    assert f.sum() == 4338
    for scheme in ("cn8", "rfm11"):
        assert rfm.segment(s, scheme=scheme).counts().sum() == 4338


# ---------------------------------------------------------------- BTYD summary
def test_btyd_summary_hand_worked(tx):
    """lifetimes' definition: periods = days; frequency = repeat days; recency from the FIRST purchase."""
    b = rfm.btyd_summary(tx, asof=ASOF).set_index("customer_id")
    # A buys on 01-01 (70) and 01-05 (10 + 30 = 40, two invoices, one day); returns dropped
    assert b.loc["A"].tolist() == [1.0, 4.0, 9.0, 40.0]   # frequency, recency, T = 10 − 1 days, monetary
    # B: one day → frequency 0, monetary 0; T = 01-10 − 01-10 = 0
    assert b.loc["B"].tolist() == [0.0, 0.0, 0.0, 0.0]
    weeks = rfm.btyd_summary(tx, asof=ASOF, freq_multiplier=7).set_index("customer_id")
    assert weeks.loc["A", "T"] == pytest.approx(9 / 7)
    net = rfm.btyd_summary(tx, asof=ASOF, returns="net").set_index("customer_id")
    # net: the return on 01-06 is a third period of −50 → frequency 2, mean of (40, −50) = −5
    assert net.loc["A", "frequency"] == 2 and net.loc["A", "monetary_value"] == -5


def test_btyd_summary_weekly_periods(tx):
    w = rfm.btyd_summary(tx, asof=ASOF, freq="W").set_index("customer_id")
    # 2024-01-01 is a Monday: A's purchases 01-01 and 01-05 fall in one week → no repeat
    assert w.loc["A", "frequency"] == 0 and w.loc["A", "T"] == 1   # asof week starts 01-08


def _half_up(x, nd=2):
    return np.floor(np.asarray(x) * 10**nd + 0.5 + 1e-9) / 10**nd


@pytest.mark.shared
def test_btyd_summary_reproduces_lifetimes_cdnow(shared_data):
    """CDNOW sample (Fader, Hardie & Lee 2005), calibration to 1997-09-30, daily periods in weeks:
    every customer's frequency, recency, T (and zbar) equals lifetimes' published summary."""
    from crmcore import data
    tx = data.load_transactions(shared_data / "CDNOW_sample.txt", preset="cdnow")
    b = rfm.btyd_summary(tx, asof="1997-10-01", freq="D", freq_multiplier=7)
    b["ID"] = b["customer_id"].astype(int)
    ref = pd.read_csv(shared_data / "cdnow_customers_summary.csv")
    zbar = pd.read_csv(shared_data / "cdnow_customers_summary_with_transactions.csv")
    m = b.merge(ref, on="ID", suffixes=("", "_ref")).merge(zbar[["ID", "zbar"]], on="ID")
    assert len(b) == len(m) == 2357
    assert (m["frequency"] == m["frequency_ref"]).all()
    assert (_half_up(m["recency"]) == m["recency_ref"]).all()
    assert (_half_up(m["T"]) == m["T_ref"]).all()
    assert np.abs(_half_up(m["monetary_value"]) - m["zbar"]).max() < 1e-9
    # customer 1: days 01-01, 01-18, 08-02 → x = 2, t_x = 213/7 = 30.43, T = 272/7 = 38.86
    one = m.set_index("ID").loc[1]
    assert (one.frequency, round(one.recency * 7), round(one["T"] * 7)) == (2, 213, 272)


# ---------------------------------------------------------------- summary and migration
def test_segment_summary_adds_up(tx):
    g = rfm.segment(rfm.score(rfm.rfm_table(tx, asof=ASOF)), scheme="rfm11")
    s = rfm.segment_summary(g)
    assert len(s) == 11 and s["customers"].sum() == 3 and s["share"].sum() == pytest.approx(1)
    assert s["revenue"].sum() == 110 + 100 + 30
    assert s["revenue_share"].sum() == pytest.approx(1)
    nz = s[s.orders > 0]
    assert (nz["average_order_value"] == nz["revenue"] / nz["orders"]).all()


def test_migration_hand_worked():
    tx = _lines([
        ("A", "O1", "2024-01-01", "P", 1, 10.0, False, False), ("A", "O2", "2024-03-01", "P", 1, 10.0, False, False),
        ("B", "O3", "2024-01-01", "P", 1, 20.0, False, False), ("C", "O4", "2024-02-15", "P", 1, 10.0, False, False),
    ])
    rules = [{"segment": "active", "R": "3-5"}, {"segment": "lapsed", "R": "1-2"}]
    m = rfm.migration(tx, asof_from="2024-02-01", asof_to="2024-04-01", scheme=rules)
    # 02-01: A and B both 31 days (spend 10 and 20) → tied → R = 1 → lapsed. 04-01: A 31 d (R = 1 + ⌊5·2/3⌋ = 4, active),
    # C 46 d (R = 1 + ⌊5·1/3⌋ = 2, lapsed), B 91 d (R = 1, lapsed); C is new
    assert m.counts.loc["lapsed"].tolist() == [1, 1]
    assert m.counts.loc["(new)"].tolist() == [0, 1]
    assert m.counts.to_numpy().sum() == 3
    assert m.stayed() == 0.5
    fixed = rfm.migration(tx, asof_from="2024-02-01", asof_to="2024-04-01", scheme=rules, cuts="from")
    # first snapshot's R cuts are all −inf (nobody scored above 1), so everyone stays R = 1
    assert fixed.counts["lapsed"].sum() == 3
    with pytest.raises(ParameterError, match="must be later"):
        rfm.migration(tx, asof_from="2024-04-01", asof_to="2024-02-01")


def test_plots_return_axes_in_both_languages(tx):
    s = rfm.score(rfm.rfm_table(tx, asof=ASOF))
    g = rfm.segment(s, scheme="cn8", lang="zh")
    for ax in (rfm.plot_distribution(s.table, "monetary", log=True), rfm.plot_rf_heatmap(s, lang="zh"),
               rfm.plot_segments(g), s.plot()):
        assert ax.get_title()
    assert rfm.plot_segments(g).get_title() == "各客户分群的客户数与销售额 (八类客户)"
    ax = rfm.plot_distribution(s.table, "monetary", log=True, lang="zh")
    assert ax.get_xlabel() == "消费金额（对数刻度）" and "e+" not in ax.xaxis.get_major_formatter()(1000.0, 0)


# ---------------------------------------------------------------- notebook
@pytest.mark.notebook
def test_notebook_05_rfm_runs_on_tiny(run_notebook):
    from pathlib import Path

    rec = run_notebook("05_rfm.ipynb", dataset="tiny")
    assert rec["asof"] == "2026-01-01"                  # derived from the data: the day after the last line
    assert rec["scheme"] == "cn8"                       # the demo report's scheme is the notebook default
    assert rec["customers"] == 100
    assert rec["segment_total"] == 100
    assert sum(rec["rfm11_counts"].values()) == 100 and sum(rec["cn8_counts"].values()) == 100
    assert sum(rec["dormancy"].values()) == 100
    for k in ("R", "F", "M"):
        assert rec["cuts"][k] == sorted(rec["cuts"][k])
    assert 0 < rec["gini"] < 1
    assert rec["migration_total"] == 100
    assert all(Path(p).exists() for p in rec["exported"])
    assert {Path(p).suffix for p in rec["exported"]} == {".csv", ".xlsx"}


@pytest.mark.notebook
def test_notebook_05_rfm_refuses_an_unknown_scheme(run_notebook):
    """Issue 13: -p scheme rfm12 ran, fell back to cn8 and the header said rfm12."""
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError, match="scheme='rfm12' is unknown"):
        run_notebook("05_rfm.ipynb", dataset="tiny", scheme="rfm12")


def test_rfm11_recovers_the_demo_customers_latent_types():
    """The demo generator's answer key (datasets.customers('demo').true_type): RFM must find
    the champions and must put the lost customers in the low-R segments."""
    from crmcore import datasets

    tx = datasets.load("demo")
    g = rfm.segment(rfm.score(rfm.rfm_table(tx, asof="2026-01-01")), scheme="rfm11")
    m = g.table.merge(datasets.customers("demo")[["customer_id", "true_type"]], on="customer_id")
    ct = pd.crosstab(m["true_type"], m["segment"]).reindex(columns=[r["segment"] for r in rfm.RFM11], fill_value=0)
    champions = ct.loc["champion"]
    assert champions["champions"] / champions.sum() > 0.95
    lost = ct.loc["lost"]
    assert lost[["lost", "hibernating", "cant_lose", "at_risk"]].sum() / lost.sum() > 0.95
    assert ct.loc[["at_risk", "lost"], "champions"].sum() == 0
    # the generator's new customers bought recently a few times, or once and not since: never lapsed or lost
    lapsed = ["at_risk", "hibernating", "cant_lose", "lost", "champions", "loyal"]
    assert ct.loc["new", lapsed].sum() == 0


@pytest.mark.shared
def test_rfm_table_matches_r_rfm_package_readme(shared_data):
    """R package rfm 0.3.0 (Hebbali, rsquaredacademy/rfm) README: rfm_table_order(rfm_data_orders,
    analysis_date = 2006-12-31) prints recency_days, transaction_count and amount per customer.
    The README names carry titles ("Abbey O'Reilly DVM", "Aden Lesch Sr."); the 0.3.0 data drop them."""
    raw = pd.read_csv(shared_data / "rfm_data_orders.csv", parse_dates=["order_date"])
    tx = pd.DataFrame({"customer_id": raw["customer_id"], "order_id": raw.index.astype(str),
                       "order_date": raw["order_date"], "product_id": "x", "quantity": 1,
                       "unit_price": raw["revenue"].astype(float), "amount": raw["revenue"].astype(float)})
    t = rfm.rfm_table(tx, asof="2006-12-31").set_index("customer_id")
    assert len(t) == 995 and t["frequency"].sum() == 4906
    readme = {"Abbey O'Reilly": (205, 6, 472), "Add Senger": (140, 3, 340), "Aden Lesch": (194, 4, 405),
              "Admiral Senger": (132, 5, 448), "Agness O'Keefe": (90, 9, 843), "Aileen Barton": (84, 9, 763),
              "Ailene Hermann": (281, 8, 699)}
    for cid, (r, f, m) in readme.items():
        assert (t.at[cid, "recency"], t.at[cid, "frequency"], t.at[cid, "monetary"]) == (r, f, m), cid


def test_high_price_threshold_options(tx):
    none = rfm.rfm_table(tx, asof=ASOF, high_price_quantile=None)
    assert none["high_price_share"].isna().all()
    assert none.attrs["crmcore"]["rfm"]["high_price_threshold"] is None
    fixed = rfm.rfm_table(tx, asof=ASOF, high_price_threshold=30).set_index("customer_id")
    # A: lines at ≥ 30 are P2 (50) and P3 (30) → 80 of 110
    assert fixed.at["A", "high_price_share"] == pytest.approx(80 / 110)
    with pytest.raises(ParameterError, match="high_price_quantile=1.5"):
        rfm.rfm_table(tx, asof=ASOF, high_price_quantile=1.5)


def test_high_price_threshold_equals_numpy_linear_quantile():
    rng = np.random.default_rng(11)
    n = 2000
    tx = pd.DataFrame({"customer_id": rng.integers(0, 50, n).astype(str), "order_id": np.arange(n).astype(str),
                       "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D"),
                       "unit_price": rng.choice([1.5, 2.25, 9.99, 10.0, 42.0, 99.5], n) * rng.integers(1, 4, n),
                       "is_return": rng.random(n) < 0.05})
    tx["amount"] = np.where(tx["is_return"], -1, 1) * tx["unit_price"]
    for q in (0.5, 0.8, 0.93):
        t = rfm.rfm_table(tx, asof="2025-01-01", high_price_quantile=q)
        expect = np.quantile(tx.loc[~tx["is_return"], "unit_price"], q)   # numpy 'linear' = DuckDB quantile_cont
        assert t.attrs["crmcore"]["rfm"]["high_price_threshold"] == pytest.approx(expect, abs=1e-12)


# ---------------------------------------------------------------- teaching and report helpers
def test_report_sentences_are_generated_from_the_numbers(tx):
    g = rfm.segment(rfm.score(rfm.rfm_table(tx, asof=ASOF)), scheme="rfm11")
    # revenue A 110, B 100, D 30 (total 240); every segment holds one customer
    lines = rfm.report_sentences(g, top=2)
    assert lines[0].startswith("Of 3 customers the largest segment is")
    assert "45.8% of revenue" in " ".join(lines)          # A: 110/240
    zh = rfm.report_sentences(rfm.segment(rfm.score(rfm.rfm_table(tx, asof=ASOF)), scheme="cn8", lang="zh"))
    assert zh[0].startswith("共 3 位客户")


def test_export_customers_writes_csv_and_excel(tx, tmp_path):
    g = rfm.segment(rfm.score(rfm.rfm_table(tx, asof=ASOF)), scheme="cn8", lang="zh")
    csv, xlsx = rfm.export_customers(g, tmp_path / "out")
    assert (csv.name, xlsx.name) == ("rfm_customers-zh.csv", "rfm_customers-zh.xlsx")   # zh never overwrites en
    back = pd.read_csv(csv, encoding="utf-8-sig")
    assert len(back) == 3 and set(back["客户分群"]) <= {r["zh"] for r in rfm.CN8}
    assert pd.read_excel(xlsx)["客户编号"].tolist() == back["客户编号"].tolist()
    en = rfm.export_customers(g, tmp_path / "out", lang="en")
    back_en = pd.read_csv(en[0], encoding="utf-8-sig")
    assert en[0].name == "rfm_customers.csv" and set(back_en["Segment"]) <= {r["en"] for r in rfm.CN8}


def test_export_customers_neutralises_formula_like_customer_ids(tmp_path):
    """OWASP CSV injection: a customer id such as '=HYPERLINK(...)' must reach the sheet as text."""
    from openpyxl import load_workbook

    hostile = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
    t = _table([1, 5, 9, 20], [1, 2, 3, 4], [10.0, 20.0, 30.0, 40.0])
    t["customer_id"] = hostile
    g = rfm.segment(rfm.score(t), scheme="rfm11")
    csv, xlsx = rfm.export_customers(g, tmp_path)
    text = csv.read_text(encoding="utf-8-sig")
    for h in hostile:
        assert "'" + h.split("(")[0] in text
    ws = load_workbook(xlsx).active
    cells = [c.value for c in ws["A"][1:]]
    assert all(isinstance(v, str) and v.startswith("'") for v in cells)
    assert all(c.data_type == "s" for c in ws["A"][1:])


def test_compare_definitions_and_tie_demo(tx):
    d = rfm.compare_definitions(tx, asof=ASOF).set_index("definition")
    # A: 3 invoices, 2 days, 4 lines; B and D: 1 each → mean F 5/3, 4/3, 2; BTYD repeat days: A 1 → mean 1/3
    assert d["mean_F"].tolist() == pytest.approx([5 / 3, 4 / 3, 2.0, 1 / 3])
    many_ties = pd.DataFrame({"customer_id": [f"c{i:03d}" for i in range(200)], "recency": 1,
                              "frequency": [1] * 150 + [2] * 50, "monetary": 1.0})
    r = rfm.row_order_instability(many_ties, seeds=(0, 1))
    assert r["crmcore_changed"] == 0 and r["naive_changed"] > 0


def test_weighted_score_takes_the_real_ahp_result():
    from crmcore import ahp

    res = ahp.consistent_matrix({"R": 0.25, "F": 0.25, "M": 0.5}).priorities()
    sc = pd.DataFrame({"customer_id": ["a", "b"], "R": [5, 1], "F": [1, 5], "M": [2, 4]})
    w = rfm.weighted_score(sc, res).set_index("customer_id")["weighted_score"]
    # a: .25·5 + .25·1 + .5·2 = 2.5; b: .25 + 1.25 + 2 = 3.5
    assert w.to_dict() == pytest.approx({"a": 2.5, "b": 3.5})


# ---------------------------------------------------------------- issue 16: segment maps, ties, no spread
#: what each rfm11 name promises, in score bands (R 4–5 = bought recently, R 3 = cooling, R 1–2 = lapsed;
#: F 1 = one purchase, F 2–3 = a few, F 4–5 = often; M 4–5 = spends the most)
PROMISE = {
    "champions": {"R": (4, 5), "F": (4, 5), "M": (4, 5)},
    "loyal": {"R": (4, 5), "F": (4, 5)},
    "potential_loyalist": {"R": (4, 5), "F": (2, 3), "M": (3, 5)},
    "promising": {"R": (4, 5), "F": (2, 3), "M": (1, 2)},
    "new": {"R": (4, 5), "F": (1, 1)},
    "need_attention": {"R": (3, 3), "F": (3, 5)},
    "about_to_sleep": {"R": (3, 3), "F": (1, 2)},
    "at_risk": {"R": (1, 2), "F": (3, 5)},
    "hibernating": {"R": (1, 2), "F": (1, 2)},
    "cant_lose": {"R": (1, 1), "F": (4, 5)},
    "lost": {"R": (1, 2), "F": (1, 3)},
}


@pytest.mark.parametrize("dataset", ["demo", "online_retail"])
def test_rfm11_every_segment_is_reachable_and_keeps_the_promise_of_its_name(dataset):
    """Issue 16: the old map left "New" empty by construction (R = 5 with FM = 1 needs M = 1) and called
    customers with a median recency of 221 days "Loyal". On demo and Online Retail every segment must hold
    customers, and its median R, F, M scores — and its median recency in days — sit in the band its name
    promises: recent segments below the data's R-score-4 cut (the best 40 %), lapsed ones above R 3's."""
    import warnings

    from crmcore import datasets
    from crmcore.nbtools import resolve_asof

    tx = datasets.load(dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = rfm.score(rfm.rfm_table(tx, asof=resolve_asof("", tx)))
    g = rfm.segment(s, scheme="rfm11")
    assert set(PROMISE) == set(g.rules["segment"])
    med = g.table.groupby("segment")[["R", "F", "M", "recency", "frequency"]].median()
    assert (g.counts() > 0).all(), g.counts()
    cut_r4, cut_r3 = s.cuts["R"][1], s.cuts["R"][2]     # R ≥ 4 iff recency ≤ cut_r4; R ≥ 3 iff ≤ cut_r3
    for seg, bands in PROMISE.items():
        for ax, (lo, hi) in bands.items():
            assert lo <= med.at[seg, ax] <= hi, (seg, ax, med.loc[seg].to_dict())
        if bands["R"][0] >= 4:
            assert med.at[seg, "recency"] <= cut_r4, (seg, med.at[seg, "recency"])
        if bands["R"][1] <= 2:
            assert med.at[seg, "recency"] > cut_r3, (seg, med.at[seg, "recency"])
    assert med.at["new", "frequency"] == 1


def test_no_spread_gives_one_outcome_in_every_scheme():
    """All values tied: rfm11 used to call everyone "lost" and cn8 "important value"."""
    t = _table([30] * 4, [2] * 4, [50.0] * 4).assign(revenue=50.0, orders=2)
    s = rfm.score(t)
    for scheme, on in (("rfm11", "scores"), ("cn8", "scores"), ("cn8", "values")):
        g = rfm.segment(s if on == "scores" else t, scheme=scheme, on=on, lang="zh")
        assert g.no_spread and g.counts().to_dict() == {"no_spread": 4}
        assert g.table["segment_name"].unique().tolist() == ["差异不足，无法分群"]
        assert rfm.segment_summary(g)["customers"].tolist() == [4]
    en = rfm.report_sentences(rfm.segment(s, scheme="cn8"))
    assert en == ["All 4 customer(s) have the same recency, frequency and monetary value: there is not enough "
                  "spread to segment them. Action: collect more history (a longer period or more customers) "
                  "before segmenting."]
    assert rfm.report_sentences(rfm.segment(s, scheme="rfm11", lang="zh"))[0].startswith("4 位客户的最近一次消费")
    # one flat axis is not "no spread", but it is noted
    g = rfm.segment(rfm.score(_table([1, 5, 9], [2, 2, 2], [1.0, 2.0, 3.0])), scheme="rfm11")
    assert not g.no_spread and g.notes == ("every customer has the same frequency (2); it does not separate the segments",)


def test_segment_refuses_an_unknown_scheme_naming_the_choices():
    s = rfm.score(_table([1, 5, 9], [1, 2, 3], [1.0, 2.0, 3.0]))
    with pytest.raises(ParameterError, match="scheme='rfm12' is unknown; use one of 'rfm11', 'cn8'"):
        rfm.segment(s, scheme="rfm12")


def test_ties_worse_or_better_for_a_group_straddling_a_cut():
    """bins = 5, recency 10, 20, 20, 20, 40: the three at 20 days fill positions 2–4.
    ties="worse" (crmcore): 1 customer strictly worse → R = 1 + ⌊5·1/5⌋ = 2.
    ties="better": 3 worse or equal, minus themselves... position 3 → R = 1 + ⌊5·3/5⌋ = 4 — what R's rfm
    0.3.0 gives: quantiles (type 7) 18, 20, 20, 24 → cuts + 1 = 19, 21, 21, 25, classes [lower, upper)
    reversed for recency → 10 → 5, 20 → 4 ([19, 21)), 40 → 1."""
    t = _table([10, 20, 20, 20, 40], [1, 2, 3, 4, 5], [1.0, 2.0, 3.0, 4.0, 5.0])
    assert rfm.score(t).table["R"].tolist() == [5, 2, 2, 2, 1]
    better = rfm.score(t, ties="better")
    assert better.table["R"].tolist() == [5, 4, 4, 4, 1]
    assert better.ties == "better" and "better score" in better.tie_rule
    # without ties both rules are the plain rank
    assert better.table["F"].tolist() == rfm.score(t).table["F"].tolist() == [1, 2, 3, 4, 5]
    # the cut points reproduce either rule
    again = rfm.score(t, method="fixed", thresholds=better.cuts)
    assert again.table["R"].tolist() == [5, 4, 4, 4, 1]
    with pytest.raises(ParameterError, match="ties='middle'.*'worse', 'better'"):
        rfm.score(t, ties="middle")


def test_report_sentences_cumulate_segments_in_revenue_order():
    """Issue 13: the old sentence listed "the 3 segments with the most revenue" and summed customer shares
    of segments in the wrong order. Here the biggest segment by customers brings the least revenue, and the
    scheme's first segment is not the largest earner: the sentence must rank by revenue, stop where 80 % is
    reached, and not say "only" when the customers are not few."""
    rules = [{"segment": "a", "en": "Alpha", "zh": "甲", "R": "4-5"},
             {"segment": "b", "en": "Beta", "zh": "乙", "R": "3"},
             {"segment": "c", "en": "Gamma", "zh": "丙", "R": "1-2"}]
    t = pd.DataFrame({"customer_id": [f"c{i}" for i in range(10)],
                      "R": [5, 5, 3, 1, 1, 1, 1, 1, 2, 2], "F": 1, "M": 1,
                      # a: 2 customers 115 each; b: 1 customer 700; c: 7 customers 10 each → total 1,000
                      "revenue": [115.0, 115.0, 700.0] + [10.0] * 7, "orders": 1,
                      "recency": [1, 2, 50, 300, 300, 300, 300, 300, 200, 200], "frequency": 1, "monetary": 1.0})
    g = rfm.segment(t, scheme=rules)
    lines = rfm.report_sentences(g, top=2)
    assert lines[0] == "Of 10 customers the largest segment is 'Gamma' with 7 (70.0%)."
    # by revenue: Beta 70 %, Alpha 23 % → 93 % ≥ 80 % with 2 segments = 30 % of customers ("only": 30 < 46.5)
    assert lines[1] == ("Cumulated from the largest, the top 2 segments by revenue ('Beta' and 'Alpha') bring 93.0% "
                        "of revenue and are only 30.0% of customers.")
    assert lines[2].startswith("'Beta': 1 customers, 70.0% of revenue")
    zh = rfm.report_sentences(rfm.segment(t, scheme=rules, lang="zh"))
    assert zh[1] == "按销售额从高到低累计，前 2 个客户分群（“乙”、“甲”）合计贡献 93.0% 的销售额，而只占客户总数的 30.0%。"
    c = rfm.revenue_concentration(g)
    assert c["segment"].tolist() == ["b", "a", "c"] and c["core"].tolist() == [True, True, False]
    assert c["cum_revenue_share"].round(3).tolist() == [0.7, 0.93, 1.0]
    # one segment with most of the revenue and most customers: no "only"
    t2 = t.assign(revenue=[1.0, 1.0, 1.0] + [100.0] * 7)
    s2 = rfm.report_sentences(rfm.segment(t2, scheme=rules))[1]
    assert s2 == ("The segment with the most revenue, 'Gamma', alone brings 99.6% of revenue and is 70.0% of "
                  "customers.")


def test_migration_sentence_counts_only_customers_present_at_both_dates():
    """Customers who first bought in between cannot "keep" a segment: the share leaves them out."""
    tx = _lines([
        ("A", "O1", "2024-01-01", "P", 1, 10.0, False, False), ("A", "O2", "2024-03-01", "P", 1, 10.0, False, False),
        ("B", "O3", "2024-01-01", "P", 1, 20.0, False, False), ("C", "O4", "2024-02-15", "P", 1, 10.0, False, False),
    ])
    rules = [{"segment": "active", "R": "3-5"}, {"segment": "lapsed", "R": "1-2"}]
    m = rfm.migration(tx, asof_from="2024-02-01", asof_to="2024-04-01", scheme=rules)
    # A: lapsed → active; B: lapsed → lapsed; C new: 1 of 2 kept (50 %), not 1 of 3
    assert m.sentence() == ("Of the 2 customers who had bought before 2024-02-01, 1 (50.0%) were in the same segment "
                            "at 2024-04-01; 1 more first bought between the two dates.")
    assert m.sentence("zh") == ("在 2024-02-01 之前已购买的 2 位客户中，1 位（50.0%）到 2024-04-01 仍在原来的客户分群；"
                                "另有 1 位客户在这两个日期之间首次购买。")
    assert rfm.migration_start("2026-01-01", 6) == "2025-07-01"
    with pytest.raises(ParameterError, match="months=0"):
        rfm.migration_start("2026-01-01", 0)


def test_btyd_summary_net_returns_warns_on_return_only_periods_and_negative_spend():
    """returns="net": a day holding only a return counts as a repeat "purchase" and spend can go negative."""
    tx = _lines([
        ("A", "O1", "2024-01-01", "P", 1, 50.0, False, False),
        ("A", "R1", "2024-01-03", "P", -1, 50.0, False, True),   # a day with only a return
        ("B", "O2", "2024-01-02", "P", 1, 20.0, False, False),
    ])
    drop = rfm.btyd_summary(tx, asof="2024-01-10").set_index("customer_id")
    assert drop.at["A", "frequency"] == 0 and drop.at["A", "monetary_value"] == 0
    with pytest.warns(UserWarning) as rec:
        net = rfm.btyd_summary(tx, asof="2024-01-10", returns="net").set_index("customer_id")
    msgs = " ".join(str(w.message) for w in rec)
    assert "1 customer(s) have periods that hold only returns" in msgs
    assert "1 customer(s) have a negative monetary_value" in msgs
    assert net.at["A", "frequency"] == 1 and net.at["A", "monetary_value"] == -50
    assert net.attrs["crmcore"]["btyd"]["return_only_customers"] == 1


# ---------------------------------------------------------------- exercise self-checks (notebook 05)
def test_exercise_self_checks_accept_the_right_answer_and_refuse_a_wrong_one(capsys):
    from crmcore.exercises import n05_rfm as ex

    tx = _lines([
        ("A", "O1", "2024-01-01 10:00", "P", 1, 10.0, False, False),
        ("A", "O2", "2024-01-01 15:00", "P", 1, 10.0, False, False),   # two invoices, one day
        ("B", "O3", "2024-01-02 09:00", "P", 1, 10.0, False, False),
        ("B", "O4", "2024-01-05 09:00", "P", 1, 10.0, False, False),
        ("C", "O5", "2024-01-03 09:00", "P", 1, 10.0, False, False),
    ])
    # invoices: A 2, B 2, C 1 → F 1 + ⌊5·1/3⌋ = 2, 2, 1; days: A 1, B 2, C 1 → A 1, B 1 + ⌊5·2/3⌋ = 4, C 1
    assert ex.changed_f_scores(tx, asof="2024-01-10") == 2
    assert ex.check_1(2, tx=tx, asof="2024-01-10") is True
    assert ex.check_1(3, tx=tx, asof="2024-01-10", lang="zh") is False
    assert "还不对" in capsys.readouterr().out
    good = [{"segment": "keep", "R": "4-5"}, {"segment": "develop", "R": "2-3", "F": "3-5"},
            {"segment": "grow", "R": "2-3", "F": "1-2"}, {"segment": "win_back", "R": "1"}]
    assert ex.check_2(good) is True
    assert ex.check_2(good[:3]) is False                       # R 1 is covered by no rule
    assert "match no rule" in capsys.readouterr().out
    shifted = [{"segment": "keep", "R": "3-5"}, {"segment": "develop", "R": "2", "F": "3-5"},
               {"segment": "rest", "R": "2", "F": "1-2"}, {"segment": "win_back", "R": "1"}]
    assert ex.check_2(shifted) is False


def test_exercise_3_self_check_names_the_segment_that_grew(capsys):
    from crmcore import datasets
    from crmcore.exercises import n05_rfm as ex

    tx = datasets.load("tiny")
    key = ex.grown_most(tx, asof_from="2025-07-01", asof="2026-01-01")
    row = next(r for r in rfm.RFM11 if r["segment"] == key)
    assert ex.check_3(row["zh"], tx=tx, asof_from="2025-07-01", asof="2026-01-01", lang="zh") is True
    other = next(r["segment"] for r in rfm.RFM11 if r["segment"] != key)
    assert ex.check_3(other, tx=tx, asof_from="2025-07-01", asof="2026-01-01") is False


def test_table_notes_say_who_was_left_out_in_both_languages(tx):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = rfm.rfm_table(tx, asof=ASOF)
    assert rfm.table_notes(t) == ["1 customer(s) have only return lines before the snapshot date and no purchase "
                                  "(e.g. C); they are left out of the RFM analysis."]
    assert rfm.table_notes(t, "zh") == ["有 1 位客户在分析时点之前只有退货记录、没有购买（如 C），未纳入 RFM 分析。"]
    assert rfm.table_notes(rfm.rfm_table(tx[tx.customer_id != "C"], asof=ASOF)) == []


def test_check_rules_refusal_is_worded_in_the_learners_language():
    """'keep' R 1-5 overlaps 'develop' R 2-3 (2 × 25 cells) and 'win_back' R 1 (25 cells): 75 of 125 cells match two."""
    from crmcore.errors import DomainError

    rules = pd.DataFrame({"segment": ["keep", "develop", "win_back"], "R": ["1-5", "2-3", "1"]})
    with pytest.raises(DomainError) as en:
        rfm.check_rules(rules)
    assert "75 score cells match more than one rule" in str(en.value)
    with pytest.raises(DomainError) as zh:
        rfm.check_rules(rules, lang="zh")
    assert str(zh.value).startswith("规则表未通过检查：75 个评分格同时符合多条规则")
    assert "score cells" not in str(zh.value)
