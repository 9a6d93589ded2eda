"""Key accounts: tiers with the 5–25 rule of thumb, dynamic evaluation, states by rule, relationship maps."""
from __future__ import annotations

import pandas as pd
import pytest

from crmcore import b2b
from crmcore import key_accounts as ka
from crmcore.errors import DataError


def keys_of(rows):
    cols = ["account_id", "rank", "score", "tier", "sales_2y", "potential_3y", "sales_12m", "sales_prior_12m",
            "open_amount"]
    return ka.KeyAccounts(pd.DataFrame(rows, columns=cols))


def test_states_follow_the_rules_in_order_by_hand():
    """P: nothing sold, open deal → acquire; L: sold before, nothing for 12 months, no deal → lost; W: 400 → 150 (< half)
    with a big open deal → win back, not grow (rule 3 before rule 4); G: open 500 > 300 sold → grow; R: else retain;
    Z: no sale, no deal → left out."""
    k = keys_of([("P", 1, 50, "B", 0, 0, 0, 0, 800), ("L", 2, 40, "C", 300, 0, 0, 300, 0),
                 ("W", 3, 70, "A", 550, 0, 150, 400, 1000), ("G", 4, 70, "A", 600, 0, 300, 300, 500),
                 ("R", 5, 70, "A", 600, 0, 300, 300, 100), ("Z", 6, 10, "C", 0, 0, 0, 0, 0)])
    st = ka.account_states(k).set_index("account_id")["state"].to_dict()
    assert st == {"P": "acquire", "L": "lost", "W": "win back", "G": "grow", "R": "retain"}
    zh = ka.account_states(k, lang="zh").set_index("account_id")["state"].to_dict()
    assert zh["W"] == "待挽回" and zh["L"] == "已流失"


def test_state_sentence_counts_tier_a_win_backs_and_handles_one_or_none():
    k = keys_of([("W", 1, 70, "A", 550, 0, 150, 400, 1000), ("R", 2, 70, "A", 600, 0, 300, 300, 100)])
    s = ka.state_sentence(ka.account_states(k), "en")
    assert s.startswith("1 of the 2 tier-A accounts need winning back (W)")
    one = keys_of([("R", 1, 70, "A", 600, 0, 300, 300, 100)])
    assert ka.state_sentence(ka.account_states(one), "en") == "The one tier-A account (R) is not in the win-back state."
    none = keys_of([("R", 1, 30, "C", 600, 0, 300, 300, 100)])
    assert ka.state_sentence(ka.account_states(none), "en").startswith("No account is tier A")


def test_rule_of_thumb_is_flagged_above_25_and_below_5():
    many = keys_of([(f"A{k}", k, 90, "A", 1, 0, 1, 1, 0) for k in range(30)])
    assert many.flagged() and "more than the 5–25" in many.interpret("en")[1]
    few = keys_of([("A1", 1, 90, "A", 1, 0, 1, 1, 0)] + [(f"C{k}", k, 10, "C", 1, 0, 1, 1, 0) for k in range(9)])
    assert few.flagged() and "fewer than the 5–25" in few.interpret("en")[1]
    assert few.interpret("en")[0].startswith("1 of 10 accounts reaches tier A")
    ok = keys_of([(f"A{k}", k, 90, "A", 1, 0, 1, 1, 0) for k in range(10)])
    assert not ok.flagged() and "within" in ok.interpret("en")[1]


def test_dynamic_evaluation_gap_and_three_month_trend_by_hand():
    """Closeness 5, 5, 4, 4: last month minus three before = −1 → named; gap = need − capability = 4 − 2 = 2."""
    rev = pd.DataFrame({"month": ["2025-09", "2025-10", "2025-11", "2025-12"], "account_id": "X",
                        "need": [4, 4, 4, 4], "capability": [3, 3, 2, 2], "closeness": [5, 5, 4, 4]})
    k = keys_of([("X", 1, 70, "A", 1, 0, 1, 1, 0)])
    ev = ka.dynamic_evaluation(rev, k)
    last = ev.latest.iloc[0]
    assert (last["gap"], last["closeness_change"], last["gap_change"]) == (2, -1, 1)
    s = ev.interpret("en")
    assert "at 1 account (X)" in s[0] and "widened" in s[1]
    calm = ka.dynamic_evaluation(rev.assign(closeness=[5, 4, 5, 5], capability=3), k).interpret("en")
    assert calm == ["No reviewed account's closeness fell by a point or more over three months."]
    with pytest.raises(DataError, match="reviews need columns"):
        ka.dynamic_evaluation(rev.drop(columns="need"), k)


def test_closeness_fall_makes_an_account_win_back():
    rev = pd.DataFrame({"month": ["2025-09", "2025-10", "2025-11", "2025-12"], "account_id": "R",
                        "need": 3, "capability": 3, "closeness": [5, 5, 4, 4]})
    k = keys_of([("R", 1, 70, "A", 600, 0, 300, 300, 100)])
    assert ka.account_states(k, ka.dynamic_evaluation(rev, k))["state"].iloc[0] == "win back"


def test_relationship_sentence_looks_at_the_most_influential_people():
    """Naive: "we know six people there, the account is covered". The decision maker (influence 5) is at 2 of 5."""
    c = pd.DataFrame({"contact_id": list("abcdef"), "account_id": "X", "name": list("abcdef"),
                      "role": ["decision_maker", "user", "user", "user", "coach", "gatekeeper"],
                      "influence": [5, 2, 2, 1, 3, 2], "relationship": [2, 5, 5, 5, 5, 5],
                      "reports_to": ["", "a", "a", "b", "a", "a"]})
    s = ka.relationship_sentence(c, "X", "en")
    assert "we know 6 people, but our relationship with 1 of the most influential (decision maker)" in s
    assert "决策者" in ka.relationship_sentence(c, "X", "zh")
    strong = c.assign(relationship=[5, 1, 1, 1, 1, 1])
    assert "is strong" in ka.relationship_sentence(strong, "X", "en")
    ax = ka.plot_relationship_map(c, "X", lang="zh")
    assert "关系图" in ax.get_title()
    assert any("决策者" in t.get_text() for t in ax.texts)
    with pytest.raises(DataError, match="no contacts"):
        ka.plot_relationship_map(c, "Y")


@pytest.fixture(scope="module")
def demo():
    return b2b.load()


def test_demo_identification_uses_the_comprehensive_score_and_finds_the_declining_account(demo):
    keys = ka.identify(demo, asof="2026-01-01", tiers=(82, 65))
    assert 5 <= keys.counts()["A"] <= 25 and not keys.flagged()
    assert keys.table["score"].is_monotonic_decreasing
    ev = ka.dynamic_evaluation(demo.reviews, keys)
    falling = ev.latest.loc[ev.latest["closeness_change"] <= -1, "account_id"].tolist()
    assert b2b.TRUTH["declining_account"] in falling


def test_account_table_potential_caps_growth():
    """Last year 300 after 100 the year before (growth +200 %, capped at +100 %): potential = open 50 + 3 × 300 × 2."""
    o = pd.DataFrame({"opportunity_id": ["1", "2", "3"], "account_id": "X", "owner": "o", "product": "p",
                      "amount": [100.0, 300.0, 50.0], "created": ["2024-01-01", "2025-01-01", "2025-06-01"],
                      "closed": ["2024-03-01", "2025-03-01", None], "outcome": ["won", "won", "open"]})
    d = b2b.B2BData(b2b.check_opportunities(o), pd.DataFrame(columns=["opportunity_id", "stage", "entered"]))
    t = ka.account_table(d, asof="2025-12-31").iloc[0]
    assert t["potential_3y"] == 50 + 3 * 300 * 2
    assert t["winnable"] == 3   # no hand scores: neutral, and the notes say so
    assert any("neutral 3 of 5" in s for s in ka.notes(d, "en"))


def test_presales_by_account_is_days_times_rate():
    o = pd.DataFrame({"opportunity_id": ["1", "2"], "account_id": ["X", "Y"], "owner": "o", "product": "p",
                      "amount": [10_000.0, 5_000.0], "created": "2025-01-01", "closed": None, "outcome": "open",
                      "presales_days": [2.0, 1.0]})
    t = ka.presales_by_account(o, rate=1500, accounts=["X"])
    assert t["presales_cost"].tolist() == [3000.0] and t["cost_share"].iloc[0] == pytest.approx(0.3)


def test_exercise_checks_accept_right_and_refuse_wrong_answers(demo, capsys):
    from crmcore.exercises import n12_sales_pipeline as e12
    from crmcore.exercises import n13_key_accounts as e13
    from crmcore import pipeline as pl

    o, h = demo.opportunities, demo.stage_history
    last = pl.win_rate(o, period="Q", asof="2026-01-01").table.iloc[-1]
    assert e12.check_1(last["win_rate"], opportunities=o, period="Q", asof="2026-01-01")
    assert not e12.check_1(last["cohort_win_rate"], opportunities=o, period="Q", asof="2026-01-01", lang="zh")
    assert "按批次" in capsys.readouterr().out
    total = pl.weighted_pipeline(o, h, probabilities=pl.DEFAULT_PROBABILITIES, asof="2026-01-01").total
    assert e12.check_2(total, opportunities=o, stage_history=h, asof="2026-01-01")
    assert not e12.check_2(total * 1.1, opportunities=o, stage_history=h, asof="2026-01-01")
    scores = ka.identify(demo, asof="2026-01-01", tiers=(82, 65)).table["score"]
    cut = next(c for c in range(101) if (scores >= c).sum() <= 25)
    assert e13.check_1(cut, data=demo, asof="2026-01-01", tiers=(82, 65))
    assert not e13.check_1(cut - 1, data=demo, asof="2026-01-01", tiers=(82, 65))
    won = o[o["outcome"] == "won"]
    assert e13.check_2((won["presales_days"] * 1500).sum(), opportunities=o, rate=1500)
    assert not e13.check_2("lots", opportunities=o, rate=1500)


def test_notebook_13_runs_in_both_languages_and_on_the_export(run_notebook):
    from pathlib import Path

    for lang in ("en", "zh"):
        rec = run_notebook("13_key_accounts.ipynb", lang=lang)
        assert rec["asof"] == "2026-01-01" and rec["accounts"] == 120
        assert 5 <= rec["tier_counts"]["A"] <= 25 and rec["flagged"] is False
        assert b2b.TRUTH["declining_account"] in rec["falling"]
        assert all(Path(p).exists() for p in rec["exported"])
    rec = run_notebook("13_key_accounts.ipynb", data_path="../data/sales_pipeline_export.csv")
    assert rec["accounts"] == 40 and rec["falling"] == []
    assert any("tier A" in s for s in rec["findings"])
