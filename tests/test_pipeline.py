"""The sales process: every metric on a small table worked by hand, with its definition's source."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmcore import b2b
from crmcore import pipeline as pl
from crmcore.errors import DataError, DomainError, ParameterError


def opps():
    """3 won (100, 200, 300), 2 lost (100, 500), 1 open (1,000)."""
    return pd.DataFrame({
        "opportunity_id": list("ABCDEF"), "account_id": list("aabbcc"), "owner": ["Li Na"] * 3 + ["Zhao Lei"] * 3,
        "product": ["Analytics"] * 6, "amount": [100.0, 200.0, 300.0, 100.0, 500.0, 1000.0],
        "created": ["2025-01-01"] * 6,
        "closed": ["2025-02-01", "2025-02-10", "2025-03-01", "2025-02-15", "2025-03-20", None],
        "outcome": ["won", "won", "won", "lost", "lost", "open"],
        "grade": ["A", "B", "C", "D", "A", "B"],
    })


def test_win_rate_excludes_open_deals_and_offers_the_cohort_denominator():
    """Win rate = won ÷ (won + lost) closed (Salesforce/HubSpot closed-won reports): 3 ÷ 5 = 60 %, not the
    naive 3 ÷ 6 = 50 % that counts the open deal; the cohort rate (won ÷ created) is that 50 %, named."""
    t = pl.win_rate(opps()).table.iloc[0]
    assert (t["won"], t["lost"]) == (3, 2)
    assert t["win_rate"] == pytest.approx(0.6)
    assert t["cohort_win_rate"] == pytest.approx(0.5)


def test_win_rate_by_amount_is_won_amount_over_closed_amount():
    """600 ÷ (600 + 600) = 50 % by amount while 60 % by count."""
    assert pl.win_rate(opps(), basis="amount").table["win_rate"].iloc[0] == pytest.approx(0.5)


def test_wilson_interval_matches_the_hand_formula():
    """Wilson (1927): 3 of 5 → (0.2307, 0.8824) at 95 %, as tabulated by Newcombe (1998, Stat. Med. 17:857)."""
    lo, hi = pl.wilson(3, 5)
    assert float(lo) == pytest.approx(0.2307, abs=1e-4)
    assert float(hi) == pytest.approx(0.8824, abs=1e-4)


def test_win_rate_by_owner_and_month():
    t = pl.win_rate(opps(), by="owner", period="M").table
    row = t[(t["owner"] == "Li Na") & (t["period"] == "2025-02")].iloc[0]
    assert (row["won"], row["lost"]) == (2, 0)
    with pytest.raises(DataError, match="by='region'"):
        pl.win_rate(opps(), by="region")
    with pytest.raises(ParameterError):
        pl.win_rate(opps(), basis="value")


def test_win_rate_asof_treats_later_closes_as_open():
    t = pl.win_rate(opps(), asof="2025-02-12").table.iloc[0]
    assert (t["won"], t["lost"]) == (2, 0)


def _two_periods(won2):
    rows = []
    for q, w in (("2025-01-15", 10), ("2025-04-15", won2)):
        for k in range(20):
            rows.append((f"{q}-{k}", "a", "x", "p", 1.0, "2025-01-01", q, "won" if k < w else "lost"))
    return pd.DataFrame(rows, columns=["opportunity_id", "account_id", "owner", "product", "amount", "created",
                                       "closed", "outcome"])


def test_a_change_inside_the_interval_is_not_called_a_movement():
    """10/20 → 12/20: the naive sentence says "rose 10 points"; 50 % lies inside 12/20's interval (38.7–78.1 %)."""
    r = pl.win_rate(_two_periods(12), period="Q")
    mv = r.movements()
    assert not mv["movement"].iloc[-1]
    s = r.interpret("en")[0]
    assert "not a movement" in s and "rise" not in s
    assert "不算起伏变化" in r.interpret("zh")[0]


def test_a_change_beyond_the_interval_is_called_a_movement():
    r = pl.win_rate(_two_periods(2), period="Q")
    assert r.movements()["movement"].iloc[-1]
    assert "a real fall" in r.interpret("en")[0]
    assert "真实的下降" in r.interpret("zh")[0]


def test_highest_win_rate_sentence_says_when_intervals_overlap():
    """Li Na 3/3 vs Zhao Lei 0/2: Li Na is highest, but on five deals the intervals overlap — not a settled ranking."""
    s = pl.win_rate(opps(), by="owner").interpret("en")[0]
    assert s.startswith("Li Na has the highest") and "not settled" in s
    assert "李娜" in pl.win_rate(opps(), by="owner").interpret("zh")[0]


def history():
    """A: q→n→p→neg, won; B: q→n, lost; C: q, lost; D: q→p (skips needs), lost; E: q→n, open."""
    rows = [("A", "qualify", 1), ("A", "needs", 5), ("A", "proposal", 9), ("A", "negotiate", 12),
            ("B", "qualify", 1), ("B", "needs", 4), ("C", "qualify", 2), ("D", "qualify", 1), ("D", "proposal", 6),
            ("E", "qualify", 3), ("E", "needs", 10)]
    return pd.DataFrame([(o, s, pd.Timestamp("2025-01-01") + pd.Timedelta(days=d)) for o, s, d in rows],
                        columns=["opportunity_id", "stage", "entered"])


def conv_opps():
    return pd.DataFrame({"opportunity_id": list("ABCDE"), "account_id": "a", "owner": "x", "product": "p",
                         "amount": [100.0, 50.0, 10.0, 20.0, 400.0], "created": "2025-01-01",
                         "closed": ["2025-01-20", "2025-01-15", "2025-01-10", "2025-01-12", None],
                         "outcome": ["won", "lost", "lost", "lost", "open"]})


def test_conversion_cohort_by_entry_by_hand():
    """qualify: 5 entered, 4 reached a later stage (D skipped needs), C dropped → 4/5; needs: A, B, E entered
    (D did not), A moved on, B lost, E pending → 1/2; proposal: A, D → 1/2; negotiate → won: 1/1."""
    t = pl.conversion(history(), opportunities=conv_opps()).table.set_index("from_stage")
    assert t["entered"].tolist() == [5, 3, 2, 1]
    assert t["converted"].tolist() == [4, 1, 1, 1]
    assert t["pending"].tolist() == [0, 1, 0, 0]
    assert t["rate"].tolist() == pytest.approx([0.8, 0.5, 0.5, 1.0])
    assert t.loc["negotiate", "to_stage"] == "won"


def test_conversion_reads_won_rows_from_the_history_too():
    h = pd.concat([history(), pd.DataFrame({"opportunity_id": ["A", "B", "C", "D"],
                                            "stage": ["won", "lost", "lost", "lost"],
                                            "entered": pd.Timestamp("2025-01-25")})])
    t = pl.conversion(h).table
    assert t["converted"].tolist() == [4, 1, 1, 1]


def test_conversion_counts_each_opportunity_once_per_stage():
    """A re-entry into qualify is a backward move: refused, or with backwards='drop' counted once."""
    h = pd.concat([history(), pd.DataFrame({"opportunity_id": ["B"], "stage": ["qualify"],
                                            "entered": [pd.Timestamp("2025-01-08")]})])
    with pytest.raises(DataError, match="go back"):
        pl.conversion(h, opportunities=conv_opps())


def test_stage_probabilities_by_hand():
    """P(win | qualify) = 1 won of 4 closed (E is open) = 25 %; P(win | negotiate) = 1/1."""
    t = pl.stage_probabilities(conv_opps(), history()).set_index("stage")
    assert t.loc["qualify", "p_win"] == pytest.approx(0.25)
    assert t.loc["needs", "p_win"] == pytest.approx(0.5)
    assert t.loc["negotiate", "p_win"] == pytest.approx(1.0)


def test_weighted_pipeline_is_amount_times_stage_probability():
    """Salesforce's expected revenue = amount × probability: E (400, in needs at 40 %) → 160; only open deals count."""
    probs = {"qualify": 0.1, "needs": 0.4, "proposal": 0.6, "negotiate": 0.8}
    w = pl.weighted_pipeline(conv_opps(), history(), probabilities=probs, asof="2025-02-01")
    assert w.total == pytest.approx(160.0)
    assert w.table["opportunity_id"].tolist() == ["E"]
    # on 2025-01-11 A (100, negotiate not yet: proposal), B (50, needs), D (20, proposal) and E (400, qualify) are open
    w2 = pl.weighted_pipeline(conv_opps(), history(), probabilities=probs, asof="2025-01-11")
    assert w2.total == pytest.approx(100 * 0.6 + 50 * 0.4 + 20 * 0.6 + 400 * 0.1)
    s = w2.interpret("en")[0]
    assert "570 at face value but 132" in s


def test_weighted_pipeline_refuses_incomplete_probabilities():
    with pytest.raises(ParameterError, match="every stage"):
        pl.weighted_pipeline(conv_opps(), history(), probabilities={"qualify": 0.1}, asof="2025-02-01")


def test_aging_uses_asof_never_the_clock():
    """E entered needs on 2025-01-11: on 2025-02-01 it has 21 days in stage and is 31 days old."""
    a = pl.aging(conv_opps(), history(), asof="2025-02-01", limits=20)
    row = a.table.iloc[0]
    assert (row["opportunity_id"], row["days_in_stage"], row["age_days"], bool(row["stalled"])) == ("E", 21, 31, True)
    b = pl.aging(conv_opps(), history(), asof="2025-01-25", limits=20)
    assert b.table.iloc[0]["days_in_stage"] == 14 and not b.table.iloc[0]["stalled"]
    with pytest.raises(ParameterError, match="never reads the clock"):
        pl.aging(conv_opps(), history(), asof="")


def test_aging_sentence_names_the_largest_stalled_deal_not_the_oldest():
    a = pl.aging(conv_opps(), history(), asof="2025-02-01", limits=20)
    assert "1 of 1 open deals" in a.interpret("en")[0] and "E (x, 400, 21 days in needs analysis)" in a.interpret("en")[0]
    calm = pl.aging(conv_opps(), history(), asof="2025-02-01", limits=30)
    assert calm.interpret("en")[0].startswith("No open deal")
    assert "需求分析" in a.interpret("zh")[0]


def test_cycle_velocity_and_coverage_by_hand():
    """Cycle of the won deals: 31, 40, 59 days → mean 43.33. Velocity = open × avg won deal × win rate ÷ cycle
    = 1 × 200 × 0.6 ÷ 43.33 per day. Coverage = open 1,000 ÷ (quota 1,600 − won since 2025-01-01 600) = 1.0."""
    c = pl.cycle_time(opps())
    assert c["mean_days"].iloc[0] == pytest.approx(130 / 3)
    v = pl.velocity(opps(), asof="2025-04-01")
    assert v["per_day"] == pytest.approx(1 * 200 * 0.6 / (130 / 3))
    cov = pl.coverage(opps(), quota=1600, asof="2025-04-01", period_end="2025-03-31")
    assert cov["coverage"] == pytest.approx(1.0)
    with pytest.raises(DomainError):
        pl.velocity(opps(), asof="2025-01-15")


def test_grading_by_rules_and_score_and_the_mix():
    o = opps().assign(amount=[250_000.0, 150_000.0, 60_000.0, 10_000.0, 250_000.0, 120_000.0],
                      competitor=["none", "none", "none", "none", "PriceCo", "none"])
    assert pl.grade_by_rules(o).tolist() == ["A", "B", "C", "D", "B", "B"]
    assert pl.grade_by_score([85, 60, 59.9, 10]).tolist() == ["A", "B", "C", "D"]
    mix = pl.grade_mix(opps(), asof="2025-04-01").set_index("grade")
    assert mix.loc["B", "opportunities"] == 1 and mix.loc["B", "amount_share"] == pytest.approx(1.0)
    assert "交付团队" in pl.grade_mix(opps(), asof="2025-04-01", lang="zh").loc[0, "resources"]


def test_grade_sentence_says_when_a_and_b_hold_little_of_the_amount():
    """Naive: "A and B are our biggest deals". Here they are 75 % of the deals but only 10 % of the amount."""
    mix = pd.DataFrame({"grade": list("ABCD"), "count_share": [0.5, 0.25, 0.15, 0.10],
                        "amount_share": [0.05, 0.05, 0.3, 0.6]})
    assert "only 10% of the open amount" in pl.grade_sentence(mix, "en")


def test_month_end_forecast_by_hand():
    o = conv_opps().assign(expected_close=[None, None, None, None, "2025-01-28"])
    f = pl.forecast_month_end(o, history(), asof="2025-01-21",
                              probabilities={"qualify": 0.1, "needs": 0.4, "proposal": 0.6, "negotiate": 0.8})
    assert f["won_so_far"] == 100.0 and f["weighted_due"] == pytest.approx(160.0) and f["forecast"] == 260.0


def plans():
    return pd.DataFrame({
        "month": ["2025-03"] * 4, "unit": ["East"] * 4, "product": ["p"] * 4,
        "planned": [500.0, 450.0, 400.0, 1000.0],
        "plan_type": ["rolling", "rolling", "rolling", "assessment"], "revision": [0, 1, 2, 0],
        "set_on": ["2024-12-01", "2025-01-01", "2025-02-01", "2025-01-01"]})


def test_rolling_plan_vs_actual_by_hand():
    """Plan for March: 500 (Dec) → 450 (Jan) → 400 (Feb), 2 revisions; actual March = 300 + 500? no: only won
    deals count → 300 (C); deviation (300 − 400) ÷ 400 = −25 %; vs the annual plan −70 %."""
    acc = pd.DataFrame({"account_id": list("abc"), "region": ["East"] * 3})
    t = pl.plan_vs_actual(plans(), opps(), acc, asof="2025-04-02", months=1).iloc[0]
    assert (t["first_plan"], t["planned"], t["revisions"], t["actual"]) == (500.0, 400.0, 2, 300.0)
    assert t["deviation"] == pytest.approx(-0.25) and t["annual_deviation"] == pytest.approx(-0.7)
    s = pl.plan_sentences(pd.DataFrame([t]), "en")
    assert "(-25.0%)" in s[0] and "East -25%" in s[1]
    assert "华东 -25%" in pl.plan_sentences(pd.DataFrame([t]), "zh")[1]


def test_plan_sentence_says_every_unit_is_within_tolerance_only_when_true():
    t = pd.DataFrame({"month": ["2025-03"] * 2, "unit": ["East", "West"], "planned": [100.0, 100.0],
                      "actual": [95.0, 130.0], "deviation": [-0.05, 0.30]})
    s = pl.plan_sentences(t, "en")
    assert "-> " not in s[1] and "West +30%" in s[1] and "Every unit" not in s[1]
    # in total the units are on plan (+12.5 %) — the naive "we are on plan" would hide West
    assert "(+12.5%)" in s[0]


def expense_tables():
    act = pd.DataFrame({"activity_id": ["X1", "X2", "X3"], "opportunity_id": ["A", "A", "D"]})
    exp = pd.DataFrame({"expense_id": ["e1", "e2", "e3"], "activity_id": ["X1", "X2", "X3"],
                        "account_id": ["a", "a", "b"], "contact_id": ["k1", "k2", "k3"],
                        "owner": ["Li Na", "Li Na", "Zhao Lei"], "unit": ["East"] * 3, "product": ["Analytics"] * 3,
                        "date": pd.to_datetime(["2025-01-10", "2025-01-20", "2025-02-01"]), "amount": [10.0, 20.0, 5.0]})
    return exp, act


def test_expense_to_sales_ratio_by_theme_by_hand():
    """费效比 = expense ÷ won sales served. Li Na: 30 on deal A (won 100) → 30 %; Zhao Lei: 5 on D (lost) → no ratio.
    By key person A counts for k1 and k2 each, but the overall ratio counts A once: 35 ÷ 100 = 35 %."""
    exp, act = expense_tables()
    staff = pl.cost_effectiveness(exp, act, opps(), theme="staff", asof="2025-04-01").set_index("owner")
    assert staff.loc["Li Na", "expense_ratio"] == pytest.approx(0.3)
    assert math.isnan(staff.loc["Zhao Lei", "expense_ratio"])
    kp = pl.cost_effectiveness(exp, act, opps(), theme="key_person", asof="2025-04-01")
    assert kp["sales_served"].sum() == 200.0
    s = pl.cost_sentence(kp, "contact_id", "en")
    assert "(expense-to-sales ratio 35.00%)" in s and "1 group spent 5 with no won sale" in s
    with pytest.raises(ParameterError, match="销量"):
        pl.cost_effectiveness(exp, act, opps(), theme="region", asof="2025-04-01")


def test_budget_vs_spend_by_hand():
    exp, _ = expense_tables()
    bud = pd.DataFrame({"month": ["2025-01", "2025-02", "2025-05"], "unit": ["East"] * 3, "budget": [20.0, 20.0, 99.0]})
    t = pl.budget_vs_spend(bud, exp, asof="2025-03-01").iloc[0]
    assert (t["budget"], t["spend"]) == (40.0, 35.0) and t["budget_use"] == pytest.approx(0.875)


def test_presales_cost_per_opportunity():
    o = opps().assign(presales_days=[2, 0, 1, 0, 4, 3])
    t = pl.presales_cost(o, rate=1500)
    assert t["presales_cost"].tolist() == [3000, 0, 1500, 0, 6000, 4500]
    assert t["cost_share"].iloc[0] == pytest.approx(30.0)


def test_results_draw_with_words_in_the_language():
    r = pl.win_rate(_two_periods(2), period="Q")
    assert "赢单率" in r.plot(lang="zh").get_title()
    c = pl.conversion(history(), opportunities=conv_opps())
    assert "漏斗" in c.plot(lang="zh").get_title()
    assert "需求分析" in [t.get_text() for t in c.plot(lang="zh").get_yticklabels()]


def test_notebook_12_runs_on_the_demo_in_both_languages(run_notebook):
    from pathlib import Path

    for lang in ("en", "zh"):
        rec = run_notebook("12_sales_pipeline.ipynb", lang=lang)
        assert rec["asof"] == "2026-01-01"                # derived from the data
        assert rec["opportunities"] == 2400
        assert rec["basis"] == "count"
        assert rec["conversion"][0] == pytest.approx(b2b.TRUTH["conversion"]["qualify"], abs=0.04)
        assert rec["open_deals"] > rec["stalled"] > 0
        assert all(Path(p).exists() for p in rec["exported"])
        assert any(("PriceCo" if lang == "en" else "低价公司") in s for s in rec["findings"])
        assert any(("sandbagging" if lang == "en" else "压单") in s for s in rec["findings"])


def test_notebook_12_runs_on_the_mapped_crm_export(run_notebook):
    rec = run_notebook("12_sales_pipeline.ipynb", data_path="../data/sales_pipeline_export.csv", basis="amount",
                       lang="zh")
    assert rec["opportunities"] == 600
    assert rec["basis"] == "count"          # lost deals carry no amount in the export: amount basis would be 100 %
    assert rec["conversion"] is None        # a flat export has no stage history
    assert any("只有当前阶段" in s or "只按数量" in s for s in rec["findings"]) or rec["findings"]


def test_sentences_without_amounts_do_not_claim_a_largest_deal_or_a_weighted_share():
    """A flat export leaves open deals without an amount: the naive sentences said "worth 0 … (nan%)" and named
    "the largest" of deals that all weigh 0."""
    o = conv_opps().assign(amount=0.0)
    w = pl.weighted_pipeline(o, history(), probabilities=pl.DEFAULT_PROBABILITIES, asof="2025-02-01")
    s = w.interpret("en")[0]
    assert "carry no amount" in s and "nan" not in s
    a = pl.aging(o, history(), asof="2025-02-01", limits=20).interpret("en")[0]
    assert "longest-waiting is E" in a and "largest" not in a
    assert "等待最久" in pl.aging(o, history(), asof="2025-02-01", limits=20).interpret("zh")[0]


def test_parse_probabilities():
    assert pl.parse_probabilities("history") == "history"
    assert pl.parse_probabilities("qualify:0.2, needs:0.4, proposal=0.6, negotiate:0.8")["proposal"] == 0.6
    with pytest.raises(ParameterError, match="every stage"):
        pl.parse_probabilities("qualify:0.2")


def _bias_table(early):
    rows = []
    for k in range(40):
        own = "Zhao Lei" if k < 20 else "Li Na"
        won = (k % 20) < (18 if own == "Zhao Lei" else 6)
        closed = pd.Timestamp("2025-03-01")
        rows.append((f"O{k}", "a", own, "p", 1.0, "2025-01-01", closed, "won" if won else "lost",
                     closed + pd.Timedelta(days=early if own == "Zhao Lei" else 0)))
    o = pd.DataFrame(rows, columns=["opportunity_id", "account_id", "owner", "product", "amount", "created", "closed",
                                    "outcome", "expected_close"])
    h = pd.DataFrame({"opportunity_id": o["opportunity_id"], "stage": "proposal", "entered": pd.Timestamp("2025-02-01")})
    return pl.forecast_bias(o, h, asof="2025-04-01")


def test_sandbagging_is_named_only_when_wins_beat_the_team_and_come_early():
    """Zhao Lei wins 18/20 after a proposal against 6/20; 30 days early → sandbagging. On time → skill (the naive
    sentence "a high win rate means sandbagging" would be false there)."""
    t = _bias_table(30)
    z = t.set_index("owner").loc["Zhao Lei"]
    assert z["win_rate"] == pytest.approx(0.9) and z["team_rate"] == pytest.approx(0.3) and z["days_vs_promise"] == -30
    s = pl.bias_sentences(t, "en")
    assert len(s) == 1 and "sandbagging" in s[0] and "30 days before" in s[0]
    on_time = pl.bias_sentences(_bias_table(0), "en")
    assert len(on_time) == 1 and "not a forecasting problem" in on_time[0] and "sandbagging" not in on_time[0]
    assert "压单" in pl.bias_sentences(t, "zh")[0]


def test_demo_sandbagger_is_found():
    d = b2b.load()
    s = pl.bias_sentences(pl.forecast_bias(d.opportunities, d.stage_history, asof="2026-01-01"), "en")
    assert len(s) == 1 and s[0].startswith(b2b.TRUTH["sandbagger"]) and "sandbagging" in s[0]
