"""crmcore.lifecycle: hand-made histories whose stage is known, month-end flows, the playbook."""
from __future__ import annotations

import pandas as pd
import pytest

from crmcore import lifecycle as lc
from crmcore.errors import DataError, ParameterError
from helpers import make_tx

ASOF = "2025-01-01"
RULES = dict(single_interval_days=30)


def every(customer, start, n, days, amount=100.0):
    return [(customer, pd.Timestamp(start) + pd.Timedelta(days=days * k), amount) for k in range(n)]


def known_histories():
    rows = []
    # steady: every 30 days 2024-01-01 … 2024-11-26 (12 purchases); recency 36 = 1.2 rhythms;
    # last 90 days (from 2024-10-03) hold 2 purchases = 200, the 90 before 3 = 300: −33 %, not −50 % → mature
    rows += every("steady", "2024-01-01", 12, 30)
    # new: first purchase 47 days ago
    rows += [("new", "2024-11-15", 80.0), ("new", "2024-12-10", 80.0)]
    # lost: monthly in the first half of 2023 only; recency ≈ 550 > max(5 × 30, 180)
    rows += every("lost", "2023-01-01", 6, 30)
    # lapsed: monthly until 2024-09-01; recency 122 > max(3 × 30, 60) = 90 but ≤ max(5 × 30, 180) = 180
    rows += every("lapsed", "2024-04-04", 6, 30)
    # declining: monthly until 2024-10-25; recency 68 > 2 × 30 = 60 but ≤ 90
    rows += every("declining", "2024-06-27", 5, 30)
    # growing: every 20 days from 2024-07-10; 5 × 50 = 250 in [2024-07-05, 2024-10-03), 4 × 100 = 400 after:
    # 400 ≥ 1.5 × 250 = 375
    rows += [(c, d, 50.0 if d < pd.Timestamp("2024-10-03") else 100.0) for c, d, _ in every("growing", "2024-07-10", 9, 20)]
    # won back: monthly early 2023, back on 2024-12-01 after a 610-day gap > max(5 × 30, 180); recency 31 < 90
    rows += every("won_back", "2023-01-01", 4, 30) + [("won_back", "2024-12-01", 100.0)]
    # one-time buyers judged with single_interval_days = 30: recent → new, 214 days ago → lost
    rows += [("one_new", "2024-12-20", 30.0), ("one_old", "2024-06-01", 30.0)]
    return make_tx(rows)


def test_hand_made_histories_get_their_known_stage():
    r = lc.stages(known_histories(), asof=ASOF, **RULES)
    got = dict(zip(r.table["customer_id"], r.table["stage"]))
    assert got == {"steady": "mature", "new": "new", "lost": "lost", "lapsed": "lapsed", "declining": "declining",
                   "growing": "growing", "won_back": "won_back", "one_new": "new", "one_old": "lost"}
    t = r.table.set_index("customer_id")
    assert t.at["steady", "rhythm_days"] == 30 and t.at["steady", "recency_days"] == 36
    assert t.at["steady", "revenue_last"] == 200 and t.at["steady", "revenue_prev"] == 300
    assert t.at["lapsed", "recency_days"] == 122 and t.at["declining", "recency_days"] == 68
    assert t.at["won_back", "last_gap_days"] == 610 and t.at["won_back", "return_gap_days"] == 610
    assert t.at["growing", "revenue_last"] == 400 and t.at["growing", "revenue_prev"] == 250


def test_a_return_followed_by_more_purchases_is_still_won_back():
    # back on 2024-11-01 after 580 days, then two more purchases: the last gap is short, the return is in the window
    rows = every("back", "2023-01-01", 4, 30) + every("back", "2024-11-01", 3, 20)
    r = lc.stages(make_tx(rows), asof=ASOF, **RULES).table.set_index("customer_id")
    assert r.at["back", "last_gap_days"] == 20 and r.at["back", "return_gap_days"] == 580
    assert r.at["back", "stage"] == "won_back"
    # 90 days after the return it is judged on its rhythm again
    later = lc.stages(make_tx(rows), asof="2025-02-15", **RULES).table.set_index("customer_id")
    assert later.at["back", "stage"] != "won_back"


def test_same_recency_means_different_stages_for_different_rhythms():
    # both last bought 70 days before asof; one buys every 10 days, the other every 60
    fast = every("fast", "2024-09-03", 6, 10)             # last 2024-10-23
    slow = every("slow", "2024-02-26", 5, 60)             # last 2024-10-23
    r = lc.stages(make_tx(fast + slow), asof=ASOF, **RULES).table.set_index("customer_id")
    assert r.at["fast", "recency_days"] == r.at["slow", "recency_days"] == 70
    # fast: rhythm max(10, 14) = 14, 70 > max(3 × 14, 60) → lapsed; slow: 70 / 60 = 1.17 rhythms → mature
    assert r.at["fast", "stage"] == "lapsed" and r.at["slow", "stage"] == "mature"


def test_spend_trend_ignored_for_customers_buying_less_than_twice_a_window():
    # rhythm 60 > 90 / 2: a window with 1 purchase after one with 2 is not "declining" for them
    rows = every("slowbuyer", "2024-03-10", 5, 60, amount=100.0)   # last 2024-11-06, recency 56 < 2 × 60
    r = lc.stages(make_tx(rows), asof=ASOF, **RULES).table.set_index("customer_id")
    assert r.at["slowbuyer", "revenue_last"] == 100 and r.at["slowbuyer", "revenue_prev"] == 200
    assert r.at["slowbuyer", "stage"] == "mature"


def test_rows_on_or_after_asof_do_not_change_the_stages():
    tx = known_histories()
    base = lc.stages(tx, asof=ASOF, **RULES).table
    future = make_tx([("lost", "2025-01-01", 999.0), ("newcomer", "2025-02-01", 5.0)])
    more = pd.concat([tx, future.assign(order_id=["F1", "F2"])], ignore_index=True)
    pd.testing.assert_frame_equal(lc.stages(more, asof=ASOF, **RULES).table, base)


def test_returns_are_not_purchases():
    rows = every("steady", "2024-01-01", 12, 30) + [("steady", "2024-12-20", -50.0)]
    r = lc.stages(make_tx(rows), asof=ASOF, **RULES).table.set_index("customer_id")
    assert r.at["steady", "recency_days"] == 36 and r.at["steady", "purchase_days"] == 12


def test_month_end_history_counts_and_flows_add_up():
    tx = known_histories()
    h = lc.history(tx, start="2024-10-01", end="2024-12-31", **RULES)
    counts = h.counts()
    assert list(counts.columns) == ["2024-10", "2024-11", "2024-12"]
    # the December month-end snapshot is the snapshot at 2025-01-01
    dec = lc.stages(tx, asof="2025-01-01", **RULES).table["stage"].value_counts()
    assert counts["2024-12"][counts["2024-12"] > 0].to_dict() == dec.to_dict()
    f = h.flows()
    for m, col in ((pd.Timestamp("2024-11-01"), "2024-11"), (pd.Timestamp("2024-12-01"), "2024-12")):
        fm = f[f["month"] == m]
        assert fm["customers"].sum() == counts[col].sum()          # everyone at month end arrives from somewhere
    # one-time buyer "one_new" appears in December from nowhere; "new" appears in November
    nov = f[f["month"] == pd.Timestamp("2024-11-01")]
    assert nov.loc[(nov["from_stage"] == "none") & (nov["to_stage"] == "new"), "customers"].sum() == 1
    m = h.transitions("2024-12-01")
    assert m.loc["none", "new"] == 1 and m.to_numpy().sum() == counts["2024-12"].sum()
    # the won-back customer was lost at the end of November and won back at the end of December
    assert m.loc["lost", "won_back"] == 1


def test_playbook_has_every_stage_in_both_languages_with_counts():
    r = lc.stages(known_histories(), asof=ASOF, **RULES)
    en = r.playbook("en")
    zh = r.playbook("zh")
    assert len(en) == len(zh) == len(lc.STAGES)
    assert en["customers"].sum() == 9 and zh["客户数"].sum() == 9
    assert set(zh["B2B 客户旅程"]) >= {"签约、启动", "成长", "成熟、续费", "预流失", "流失"}
    rev = en.set_index("stage")["revenue, last 365 days"]
    assert rev["growing"] == 5 * 50 + 4 * 100            # all 9 purchases lie within the 365 days
    assert "declining" in r.summary() and "衰退" in r.summary("zh")


def test_b2b_journey_follows_the_seed_order():
    j = lc.b2b_journey(lang="zh")
    assert j["B2B 客户旅程"].tolist() == ["签约", "启动", "成长", "成熟", "预流失", "续费", "流失"]
    r = lc.stages(known_histories(), asof=ASOF, **RULES)
    en = lc.b2b_journey(r)
    # signing and kick-off both read the 2 new customers ("new" and "one_new"); churn reads the 2 lost ones
    assert en["customers"].tolist() == [2, 2, 1, 1, 1, 1, 2]


def test_bad_input_is_a_clear_error():
    tx = known_histories()
    with pytest.raises(ParameterError, match="decline_factor"):
        lc.stages(tx, asof=ASOF, decline_factor=4, lapse_factor=3)
    with pytest.raises(ParameterError, match="unknown stage rule"):
        lc.stages(tx, asof=ASOF, windows=30)
    with pytest.raises(DataError, match="no purchases before"):
        lc.stages(tx, asof="2020-01-01")
    with pytest.raises(ParameterError, match="asof"):
        lc.stages(tx, asof="not a date")
    with pytest.raises(DataError, match="order_date"):
        lc.stages(tx.drop(columns=["order_date"]), asof=ASOF)


def test_demo_latent_types_land_in_sensible_stages():
    """On the demo data, customers generated as 'lost' are lost; 'new' ones are mostly new at the end."""
    from crmcore import datasets

    tx = datasets.load("tiny")
    cust = datasets.customers("tiny")
    t = lc.stages(tx, asof="2026-01-01").table.merge(cust[["customer_id", "true_type"]], on="customer_id")
    lost = t[t["true_type"] == "lost"]
    assert len(lost) > 0 and (lost["stage"] == "lost").mean() >= 0.8


def test_summary_counts_lapsed_and_lost_apart_from_the_declining_active_customers():
    """The old sentence called declining + lapsed customers 'where retention effort pays'; a lapsed customer has
    already stopped buying. Here 2 customers are gone (lapsed, lost), 1 active customer is declining."""
    r = lc.stages(known_histories().query("customer_id in ['steady', 'lapsed', 'lost', 'declining']"),
                  asof=ASOF, **RULES)
    en = lc.summary(r)
    assert en.startswith("As of 2025-01-01, 2 of the 4 customers are still active and 2 have lapsed or are lost")
    assert "1 active customers are declining (pre-churn)" in en and "lapsed" not in en.split("lost;")[1]
    zh = lc.summary(r, lang="zh")
    assert "仍活跃的有 2 位，已休眠或流失的有 2 位" in zh and "衰退（预流失）阶段的有 1 位" in zh


def test_counts_in_a_language_translate_the_stage_names():
    r = lc.stages(known_histories(), asof=ASOF, **RULES)
    assert r.counts(lang="zh")["stage"].tolist()[:3] == ["新客", "成长", "成熟（稳定）"]
    assert r.counts()["stage"].tolist() == list(lc.STAGES)
