"""crmcore.churn: labels worked by hand, no leakage across the cut-off, a warning for active customers only,
error and miss rates against the recency baseline, and the separate win-back list."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dataclasses
import types

from crmcore import churn, datasets
from crmcore.errors import DataError, DomainError, ParameterError
from helpers import make_tx

CUT = "2025-10-01"


@pytest.fixture(scope="module")
def tiny():
    return datasets.load("tiny")


@pytest.fixture(scope="module")
def tiny_study(tiny):
    return churn.study(tiny, cutoff=CUT, horizon=90, seed=7)


def label_rows():
    return make_tx([
        ("A", "2024-12-01", 10.0), ("A", "2025-01-15", 10.0),   # buys again inside [Jan 1, Jan 31) → retained
        ("A2", "2024-01-02", 10.0),                              # exactly 365 days before the cut-off → active; churned
        ("B", "2024-12-20", 10.0), ("B", "2025-01-10", -10.0),   # only a return after the cut-off → churned
        ("C", "2024-12-31", 10.0), ("C", "2025-01-31", 10.0),    # Jan 31 = cut-off + 30 is outside the window → churned
        ("D", "2023-06-01", 10.0),                               # last bought > 365 days before → not active, no label
        ("E", "2025-01-01", 10.0),                               # first buys on the cut-off → not active before it
        ("Z", "2025-03-01", 10.0),                               # data run to March, so the window is observed
    ])


def test_labels_worked_by_hand():
    y = churn.labels(label_rows(), cutoff="2025-01-01", horizon=30, active_days=365)
    assert dict(zip(y["customer_id"], y["churned"])) == {"A": 0, "A2": 1, "B": 1, "C": 1}
    # without an activity window D counts too (churned)
    y_all = churn.labels(label_rows(), cutoff="2025-01-01", horizon=30, active_days=None)
    assert dict(zip(y_all["customer_id"], y_all["churned"]))["D"] == 1 and len(y_all) == 5


def test_features_ignore_every_row_on_or_after_the_cut_off(tiny):
    before = churn.features(tiny, cutoff=CUT)
    t = tiny.copy()
    late = t["order_date"] >= pd.Timestamp(CUT)
    assert late.sum() > 0
    t.loc[late, "amount"] *= 10                       # alter the future
    t.loc[late, "unit_price"] *= 10
    extra = t[late].head(50).copy()                   # add future rows for known and unknown customers
    extra["order_id"] = "X" + extra["order_id"]
    extra.loc[extra.index[:10], "customer_id"] = "NEWCOMER"
    t = pd.concat([t, extra], ignore_index=True)
    after = churn.features(t, cutoff=CUT)
    pd.testing.assert_frame_equal(before, after)
    # and the features change when a row *before* the cut-off changes (the test can fail)
    t2 = tiny.copy()
    first = t2.index[t2["order_date"] < pd.Timestamp(CUT)][0]
    t2.loc[first, "amount"] += 1000
    assert not churn.features(t2, cutoff=CUT).equals(before)


def test_error_rate_and_miss_rate_on_a_known_confusion_matrix():
    # 30 churners warned (TP), 10 stayers warned (FP), 20 churners missed (FN), 40 stayers not warned (TN)
    r = churn.rates(tp=30, fp=10, fn=20, tn=40)
    assert r["precision"] == pytest.approx(30 / 40) and r["error_rate"] == pytest.approx(10 / 40)
    assert r["recall"] == pytest.approx(30 / 50) and r["miss_rate"] == pytest.approx(20 / 50)
    assert r["accuracy"] == pytest.approx(70 / 100) and r["warned_share"] == pytest.approx(40 / 100)
    y = [1] * 30 + [0] * 10 + [1] * 20 + [0] * 40
    w = [True] * 40 + [False] * 60
    assert churn.confusion(y, w) == r
    assert np.isnan(churn.rates(0, 0, 5, 5)["error_rate"])     # nobody warned: error rate undefined


def test_lift_table_by_hand():
    y = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0]
    p = np.linspace(0.9, 0.0, 10)
    lt = churn.lift_table(y, p, bins=5)
    assert lt["churners"].tolist() == [2, 1, 0, 0, 0]
    # base rate 0.3; first fifth: 2/2 churned → lift 1 / 0.3
    assert lt["lift"].iloc[0] == pytest.approx(1 / 0.3) and lt["lift"].iloc[1] == pytest.approx(0.5 / 0.3)
    assert lt["cumulative_capture"].round(4).tolist() == [0.6667, 1.0, 1.0, 1.0, 1.0]


def test_sweep_trades_misses_for_false_alarms(tiny_study):
    sw = tiny_study.sweep()
    assert sw["miss_rate"].is_monotonic_increasing          # a higher line misses more churners
    assert sw["warned_share"].is_monotonic_decreasing
    assert (sw["miss_rate"] == 1 - sw["recall"]).all()


def test_study_is_time_split_and_reproducible(tiny, tiny_study):
    s = tiny_study
    assert s.train_cutoff == pd.Timestamp(CUT) - pd.Timedelta(days=90) and s.test_cutoff == pd.Timestamp(CUT)
    assert len(s.train) > 20 and len(s.test) > 20
    again = churn.study(tiny, cutoff=CUT, horizon=90, seed=7)
    np.testing.assert_allclose(again.proba("boosting"), s.proba("boosting"))
    c = s.compare("budget:20")
    assert set(c["model"]) == {"logistic", "boosting"}
    assert (c["roc_auc"] > 0.6).all()                      # both beat a coin on held-out later customers
    assert (c["tp"] + c["fp"] >= 20).all()
    assert np.allclose(c["error_rate"], 1 - c["precision"]) and np.allclose(c["miss_rate"], 1 - c["recall"])


def test_warning_line_rules(tiny_study):
    s = tiny_study
    b = s.warning_line("budget:15")
    assert (s.proba("boosting") >= b.threshold).sum() >= 15
    r = s.warning_line("recall:0.8", model="logistic")
    y = s.train["churned"].to_numpy()
    oof = s.oof["logistic"]
    assert ((oof >= r.threshold) & (y == 1)).sum() / y.sum() >= 0.8
    assert s.warning_line("threshold:0.4").threshold == 0.4
    for bad in ("budget:0", "recall:1.5", "top 10", "budget:2.5"):
        with pytest.raises(ParameterError, match="rule"):
            s.warning_line(bad)


def test_warning_list_holds_only_active_customers_ranked_by_revenue_at_risk(tiny, tiny_study, tmp_path):
    sc = tiny_study.score(tiny, asof="2026-01-01")
    assert sc["churn_probability"].between(0, 1).all()
    assert set(sc["stage"]) <= set(churn.ACTIVE_STAGES)             # lapsed and lost customers are not scored
    # a lost customer slipped into the scored table is still kept off the warning
    sneak = pd.concat([sc, sc.head(1).assign(customer_id="GONE", stage="lost", churn_probability=0.99)])
    w = churn.warning_list(sneak, threshold=0.2)
    assert "GONE" not in set(w["customer_id"]) and set(w["stage"]) <= set(churn.ACTIVE_STAGES)
    assert (w["churn_probability"] >= 0.2).all() and len(w) == (sc["churn_probability"] >= 0.2).sum()
    assert np.allclose(w["revenue_at_risk"], w["churn_probability"] * w["revenue_365"])
    assert w["revenue_at_risk"].is_monotonic_decreasing
    dec_high = w[(w["stage"] == "declining") & (w["value_tier"] == "high")]
    assert (dec_high["action"] == churn.ACTIONS[("high", "declining")]["en"]).all()


def test_winback_list_is_lapsed_or_lost_only_most_valuable_first(tiny):
    now = churn.features(tiny, cutoff="2026-01-01")
    wb = churn.winback_list(now, top=10, lang="zh")
    assert len(wb) == 10 and set(wb["stage"]) <= {"lapsed", "lost"}
    assert wb["revenue"].is_monotonic_decreasing
    gone = now[now["stage"].isin(["lapsed", "lost"])]
    assert wb["revenue"].iloc[0] == gone["revenue"].max()
    assert set(wb["stage_name"]) <= {"休眠（沉睡）", "流失"}
    lost_high = wb[(wb["stage"] == "lost") & (wb["value_tier"] == "high")]
    assert (lost_high["action"] == churn.ACTIONS[("high", "lost")]["zh"]).all()


def test_export_neutralises_formulas_and_keeps_en_and_zh_apart(tmp_path):
    w = pd.DataFrame({"customer_id": ["=HYPERLINK(\"http://x\")", "+cmd|calc", "@SUM(A1)", "C1"],
                      "stage": ["declining"] * 4, "stage_name": ["x"] * 4, "churn_probability": [0.9, 0.8, 0.7, 0.6],
                      "recency_days": [10, 20, 30, 40], "rhythm_days": [14.0] * 4, "revenue_365": [100.0] * 4,
                      "revenue_at_risk": [90.0, 80.0, 70.0, 60.0], "value_tier": ["high"] * 4, "action": ["call"] * 4})
    en = churn.export(w, tmp_path, "churn_warning", lang="en")
    zh = churn.export(w, tmp_path, "churn_warning", lang="zh")
    assert [p.name for p in en] == ["churn_warning.csv", "churn_warning.xlsx"]
    assert [p.name for p in zh] == ["churn_warning-zh.csv", "churn_warning-zh.xlsx"]
    cells = pd.read_csv(en[0], dtype=str).iloc[:, 0].tolist()
    assert cells[:3] == ["'=HYPERLINK(\"http://x\")", "'+cmd|calc", "'@SUM(A1)"] and cells[3] == "C1"
    assert "客户" in pd.read_csv(zh[0], dtype=str).columns and "高" in pd.read_excel(zh[1])["价值层级"].tolist()


def test_top_flags_flags_exactly_k_breaking_ties_by_customer_id():
    flags = churn.top_flags([30, 50, 50, 10, 50], ["e", "c", "a", "d", "b"], 2)
    assert flags.tolist() == [False, False, True, False, True]        # the tied 50s: a and b before c
    assert churn.top_flags([1, 2], ["a", "b"], 5).sum() == 2


def fake_study(model_rates, base_rates, n=100, churn_rate=0.2):
    """An object with what summary() reads: versus_baseline, test, cut-offs, horizon."""
    cols = ["warned", "tp", "fp", "fn", "error_rate", "miss_rate", "precision", "recall", "roc_auc"]
    v = pd.DataFrame([{"model": "logistic", **dict(zip(cols, model_rates))},
                      {"model": "recency", **dict(zip(cols, base_rates))}])
    return types.SimpleNamespace(
        versus_baseline=lambda rule, model=None: v, best_model=lambda: "logistic", horizon=90,
        test=pd.DataFrame({"churned": [1] * int(n * churn_rate) + [0] * (n - int(n * churn_rate))}),
        train_cutoff=pd.Timestamp("2025-07-01"), test_cutoff=pd.Timestamp("2025-09-29"))


def test_summary_claims_a_win_only_when_both_rates_beat_recency():
    both = churn.summary(fake_study((20, 12, 8, 8, 0.4, 0.4, 0.6, 0.6, 0.80), (20, 10, 10, 10, 0.5, 0.5, 0.5, 0.5, 0.7)),
                         "budget:20")
    assert both[-1].startswith("Both rates are lower") and "error rate of 40.0% and a miss rate of 40.0%" in both[1]
    assert "100 customers still active" in both[0] and "20.0% of them" in both[0]
    # a higher ROC AUC but a worse miss rate at the line: no claim of a win (the naive wording would make one)
    mixed = churn.summary(fake_study((20, 10, 10, 10, 0.5, 0.55, 0.5, 0.45, 0.90), (20, 10, 10, 9, 0.5, 0.45, 0.5, 0.55, 0.6)),
                          "budget:20")
    assert "error rate and miss rate are not lower" in mixed[-1] and "does not beat" in mixed[-1]
    zh = churn.summary(fake_study((20, 10, 10, 10, 0.45, 0.55, 0.55, 0.45, 0.9), (20, 10, 10, 9, 0.5, 0.45, 0.5, 0.55, 0.6)),
                       "budget:20", lang="zh")
    assert "遗漏率并不低于基准" in zh[-1] and "错误率" not in zh[-1].split("并不")[0]
    # a budget that covers every active customer flags everyone: nothing to compare
    alln = churn.summary(fake_study((100, 20, 80, 0, 0.8, 0.0, 0.2, 1.0, 0.7), (100, 20, 80, 0, 0.8, 0.0, 0.2, 1.0, 0.6)),
                         "budget:200")
    assert "covers all 100 active customers" in alln[-1] and len(alln) == 2


def test_warning_summary_counts_the_active_pool_and_flags_a_line_that_selects_nobody():
    sc = pd.DataFrame({"customer_id": list("abcd"), "stage": ["new", "mature", "declining", "growing"]})
    w = pd.DataFrame({"customer_id": ["a", "c"], "stage": ["new", "declining"], "revenue_at_risk": [10.0, 1990.0]})
    en = churn.warning_summary(w, sc, asof="2026-01-01")
    assert en.startswith("As of 2026-01-01 the churn warning flags 2 of the 4 active customers with a purchase in the "
                         "last 365 days, all still active")
    assert "(1 new, 1 declining (pre-churn))" in en and "2,000 of revenue at risk" in en
    every = churn.warning_summary(w, sc.head(2), asof="2026-01-01", lang="zh")
    assert "预警线覆盖了全部活跃客户" in every and "新客 1 位" in every and "衰退（预流失） 1 位" in every
    assert churn.warning_summary(w.head(0), sc, asof="2026-01-01", active_days=None).endswith(
        "none of the 4 active customers is at or above the warning line.")


def test_winback_summary_says_the_list_is_not_the_warning():
    wb = pd.DataFrame({"stage": ["lost", "lapsed", "lost"], "revenue": [5000.0, 3000.0, 2000.0]})
    s = churn.winback_summary(wb, total=1019)
    assert "1,019 customers are already lapsed or lost and are not part of the warning" in s
    assert "the 3 most valuable of them (of whom 2 lost)" in s and "spent 10,000" in s
    assert "不属于预警对象" in churn.winback_summary(wb, total=1019, lang="zh")


def test_feature_names_are_defined_in_both_languages(tiny_study):
    for lang in ("en", "zh"):
        t = churn.feature_table(lang)
        assert t["feature"].tolist() == list(churn.FEATURES) and t["meaning"].str.len().min() >= 3
    imp = tiny_study.importance(model="logistic", n_repeats=3)
    assert set(imp["feature"]) == set(churn.FEATURES) and imp["importance"].is_monotonic_decreasing
    assert "feature" not in churn.importance_frame(imp, lang="zh").columns


def test_the_reported_model_is_chosen_without_the_test_labels(tiny_study):
    flipped = dataclasses.replace(tiny_study, test=tiny_study.test.assign(churned=1 - tiny_study.test["churned"]))
    assert flipped.best_model() == tiny_study.best_model()


@pytest.fixture(scope="module")
def demo_study():
    demo = datasets.load("demo")
    return demo, churn.study(demo, cutoff=churn.latest_cutoff(demo, horizon=90), horizon=90, seed=42)


def test_demo_warning_is_made_of_active_customers_and_beats_recency_alone(demo_study):
    """Issue 16: on demo the old call list was 196 of 200 'lost' customers (recency 188-360 days). The demo
    generator's at_risk customers stop buying at 70-82 % of the span, so an early warning has signal to find."""
    demo, s = demo_study
    assert set(s.train["stage"]) <= set(churn.ACTIVE_STAGES) and set(s.test["stage"]) <= set(churn.ACTIVE_STAGES)
    v = s.versus_baseline("budget:200").set_index("model")
    best = s.best_model()
    assert v.loc[best, "warned"] == v.loc["recency", "warned"] == 200
    assert v.loc[best, "error_rate"] < v.loc["recency", "error_rate"]
    assert v.loc[best, "miss_rate"] < v.loc["recency", "miss_rate"]
    sc = s.score(demo, asof="2026-01-01", model=best)
    w = churn.warning_list(sc, threshold=s.line_for(sc, "budget:200", model=best).threshold)
    assert len(w) == 200 and set(w["stage"]) <= set(churn.ACTIVE_STAGES)
    assert w["recency_days"].median() < 120                         # not a list of customers long gone
    assert churn.summary(s, "budget:200", model=best)[-1].startswith("Both rates are lower")


def test_bad_input_is_a_clear_error(tiny):
    with pytest.raises(DataError, match="after the last date"):
        churn.labels(tiny, cutoff="2026-02-01", horizon=30)
    with pytest.raises(DataError, match="runs past the data"):
        churn.labels(tiny, cutoff="2025-12-01", horizon=90)
    for h in (0, -5, 1.5):
        with pytest.raises(ParameterError, match="horizon"):
            churn.labels(tiny, cutoff=CUT, horizon=h)
    with pytest.raises(ParameterError, match="test period"):
        churn.study(tiny, cutoff=CUT, horizon=90, train_cutoff="2025-08-01")
    with pytest.raises(DataError, match="2023-01-02; choose a later cut-off"):   # training cut-off before any sale
        churn.study(tiny, cutoff="2023-02-01", horizon=30)
    # everyone active before the training cut-off buys again: a single class
    rows = [(c, d, 10.0) for c in ("a", "b", "c") for d in pd.date_range("2024-01-05", "2025-06-30", freq="10D")]
    with pytest.raises(DomainError, match="every one of the 3 customers in the training set"):
        churn.study(make_tx(rows), cutoff="2025-03-01", horizon=30)


def test_budget_line_for_a_scored_list_calls_exactly_n(tiny, tiny_study):
    sc = tiny_study.score(tiny, asof="2026-01-01")
    line = tiny_study.line_for(sc, "budget:10")
    assert (sc["churn_probability"] >= line.threshold).sum() == 10   # continuous scores: no ties
    assert tiny_study.line_for(sc, "threshold:0.3").threshold == 0.3


@pytest.mark.notebook
def test_notebook_runs_on_tiny_data(run_notebook, tmp_path):
    rec = run_notebook("10_lifecycle_churn.ipynb", dataset="tiny", warning_rule="budget:20", history_months=4,
                       output_dir=str(tmp_path))
    assert rec["asof"] == "2026-01-01"                         # tiny ends 2025-12-31: asof from the data
    assert rec["cutoff"] == "2025-10-03"                       # day after the last order − 90 days
    assert rec["train_customers"] > 20 and rec["test_customers"] > 20
    v = rec["versus"]
    assert v[rec["best_model"]]["warned"] == v["recency"]["warned"] == 20
    assert sum(rec["stage_counts"].values()) == 100            # every tiny customer has a stage
    assert set(rec["warning_stages"]) <= set(churn.ACTIVE_STAGES) and rec["warning_customers"] == 20
    assert rec["winback_customers"] == rec["stage_counts"]["lapsed"] + rec["stage_counts"]["lost"]
    assert all(pd.io.common.file_exists(p) for p in rec["files"])
    assert sum(rec["credit_grades"].values()) > 5


def test_params_file_holds_no_dates():
    import yaml
    from pathlib import Path

    pf = Path(__file__).resolve().parent.parent / "notebooks" / "params" / "10_lifecycle_churn.yaml"
    values = yaml.safe_load(pf.read_text(encoding="utf-8")) or {}
    assert not {"asof", "cutoff"} & set(values)


def test_exercise_self_checks_accept_right_and_reject_wrong_answers(tiny, tiny_study, capsys):
    from crmcore import credit
    from crmcore.exercises import n10_lifecycle_churn as ex

    d = churn.dataset(tiny, cutoff=churn.latest_cutoff(tiny, horizon=30), horizon=30)
    right = d["churned"].mean()
    assert ex.check_1(right, tx=tiny, horizon=30) and ex.check_1(100 * right, tx=tiny, horizon=30)
    assert not ex.check_1(right + 0.05, tx=tiny, horizon=30) and "too high" in capsys.readouterr().out
    assert not ex.check_1("n/a", tx=tiny, horizon=30, lang="zh") and "请给出一个数" in capsys.readouterr().out
    row = tiny_study.versus_baseline("budget:10", model="logistic").iloc[0]
    assert ex.check_2((row["error_rate"], row["miss_rate"]), study=tiny_study, rule="budget:10", model="logistic")
    if row["error_rate"] != row["miss_rate"]:
        assert not ex.check_2((row["miss_rate"], row["error_rate"]), study=tiny_study, rule="budget:10",
                              model="logistic")
        assert "swapped" in capsys.readouterr().out
    pay = credit.load_payments(credit.generate_payments(datasets.load("demo")))
    w = {"collection": 0.5, "on_time": 0.2, "days_past_due": 0.15, "overdue": 0.15}
    base = credit.rate(pay, asof="2026-01-01").table["grade"]
    n = int((credit.rate(pay, asof="2026-01-01", weights=w).table["grade"] != base).sum())
    assert ex.check_3(n, payments=pay, asof="2026-01-01", weights=w)
    assert not ex.check_3(n + 1, payments=pay, asof="2026-01-01", weights=w, lang="zh")
    assert "还不对" in capsys.readouterr().out
