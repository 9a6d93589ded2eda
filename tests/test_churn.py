"""crmcore.churn: labels worked by hand, no leakage across the cut-off, the seed's error and miss rates."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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


def test_winback_list_value_and_actions(tiny, tiny_study, tmp_path):
    sc = tiny_study.score(tiny, asof="2026-01-01")
    assert sc["churn_probability"].between(0, 1).all()
    seg = churn.rfm_segments(tiny, asof="2026-01-01")
    w = churn.winback_list(sc, threshold=0.5, segments=seg)
    assert (w["churn_probability"] >= 0.5).all() and len(w) == (sc["churn_probability"] >= 0.5).sum()
    assert np.allclose(w["revenue_at_risk"], w["churn_probability"] * w["revenue_365"])
    assert w["revenue_at_risk"].is_monotonic_decreasing
    imp = w["segment"].str.startswith("important")
    assert (w.loc[imp, "value_tier"] == "high").all() and (w.loc[~imp, "value_tier"] == "low").all()
    lapsed_high = w[(w["stage"] == "lapsed") & imp]
    assert (lapsed_high["action"] == churn.ACTIONS[("high", "lapsed")]["en"]).all()
    paths = churn.export(w, tmp_path / "winback")
    assert [p.suffix for p in paths] == [".csv", ".xlsx"]
    assert len(pd.read_csv(paths[0])) == len(w) and len(pd.read_excel(paths[1])) == len(w)


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
    assert rec["cutoff"] == "2025-10-03"                      # tiny ends 2025-12-29: day after − 90 days
    assert rec["train_customers"] > 20 and rec["test_customers"] > 20
    assert set(rec["model_auc"]) == {"logistic", "boosting"} and min(rec["model_auc"].values()) > 0.6
    a = rec["at_line"]
    assert a["error_rate"] == pytest.approx(1 - a["precision"]) and a["miss_rate"] == pytest.approx(1 - a["recall"])
    assert a["tp"] + a["fp"] >= 20
    assert sum(rec["stage_counts"].values()) == 100            # every tiny customer has a stage
    assert rec["winback_customers"] == 20
    assert all(pd.io.common.file_exists(p) for p in rec["winback_files"])
    assert sum(rec["credit_grades"].values()) > 5

