"""crmcore.credit: payment indicators, ageing, scores, grades and limits on hand-computed histories."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmcore import credit, datasets
from crmcore.errors import DataError, DomainError, ParameterError

ASOF = "2025-04-01"


def invoices():
    rows = [
        # X pays early; its third invoice is not due yet
        ("X", "X1", "2025-01-01", "2025-01-31", "2025-01-20", 100.0),
        ("X", "X2", "2025-02-01", "2025-03-03", "2025-03-01", 200.0),
        ("X", "X3", "2025-03-15", "2025-04-14", "", 50.0),
        # Y: 40 days late, one open 51 days past due, one paid only after asof (open, 1 day past due)
        ("Y", "Y1", "2024-12-01", "2024-12-31", "2025-02-09", 400.0),
        ("Y", "Y2", "2025-01-10", "2025-02-09", "", 100.0),
        ("Y", "Y3", "2025-03-01", "2025-03-31", "2025-04-05", 100.0),
        # W pays everything, each 10 days late
        ("W", "W1", "2025-01-01", "2025-01-31", "2025-02-10", 100.0),
        ("W", "W2", "2025-02-01", "2025-03-03", "2025-03-13", 100.0),
        # Z has nothing due yet
        ("Z", "Z1", "2025-03-20", "2025-04-19", "", 80.0),
        # issued on asof: not counted
        ("X", "X4", "2025-04-01", "2025-05-01", "", 999.0),
    ]
    return pd.DataFrame(rows, columns=credit.COLUMNS)


def test_indicators_by_hand():
    t = credit.indicators(invoices(), asof=ASOF).set_index("customer_id")
    assert t.at["X", "invoices"] == 3 and t.at["X", "invoiced"] == 350
    assert t.at["X", "collection_rate"] == 1 and t.at["X", "on_time_rate"] == 1 and t.at["X", "days_past_due"] == 0
    # Y: due 400 + 100 + 100 = 600, collected 400 (Y3's payment is after asof)
    assert t.at["Y", "due_amount"] == 600 and t.at["Y", "collection_rate"] == pytest.approx(400 / 600)
    assert t.at["Y", "on_time_rate"] == 0
    # days past due: Y1 paid 40 days late, Y2 open since 2025-02-09 (51 days), Y3 open 1 day; weighted by amount
    assert t.at["Y", "days_past_due"] == pytest.approx((40 * 400 + 51 * 100 + 1 * 100) / 600)
    assert t.at["Y", "outstanding"] == 200
    assert t.at["Y", "share_0-30"] == 0.5 and t.at["Y", "share_31-60"] == 0.5 and t.at["Y", "share_90+"] == 0
    assert t.at["X", "current"] == 50 and t.at["X", "overdue_share"] == 0
    assert t.at["Z", "invoices_due"] == 0 and np.isnan(t.at["Z", "collection_rate"])


def test_scores_grades_and_limits_by_hand():
    r = credit.rate(invoices(), asof=ASOF)
    t = r.table.set_index("customer_id")
    # X: every sub-score 100 → A; limit = 3 months × 350 / 12 = 87.5 → 80 (rounded down to 10)
    assert t.at["X", "score"] == pytest.approx(100) and t.at["X", "grade"] == "A" and t.at["X", "credit_limit"] == 80
    # W: collection 100, on-time 0, days past due 100 × (1 − 10/90), overdue 100
    w_score = 0.35 * 100 + 0.25 * 0 + 0.20 * 100 * (1 - 10 / 90) + 0.20 * 100
    assert t.at["W", "score"] == pytest.approx(w_score) and round(w_score, 3) == 72.778
    assert t.at["W", "grade"] == "B" and t.at["W", "credit_limit"] == 30       # 2 × 200 / 12 = 33.3 → 30
    # Y: 0.35 × 66.67 + 0.25 × 0 + 0.20 × 100 × (1 − 35.33/90) + 0.20 × 100 × (1 − 0.5 × 0.25 − 0.5 × 0.5)
    dpd = (40 * 400 + 51 * 100 + 100) / 600
    y_score = 0.35 * 100 * 400 / 600 + 0.20 * 100 * (1 - dpd / 90) + 0.20 * 100 * (1 - 0.125 - 0.25)
    assert t.at["Y", "score"] == pytest.approx(y_score) and round(y_score, 2) == 47.98
    assert t.at["Y", "grade"] == "D" and t.at["Y", "credit_limit"] == 0
    assert t.at["Z", "grade"] == "unrated" and t.at["Z", "credit_limit"] == 0
    g = r.grades().set_index("grade")["customers"]
    assert g.to_dict() == {"A": 1, "B": 1, "C": 0, "D": 1, "unrated": 1}
    ag = r.aging.set_index("bucket")["amount"]
    assert ag.to_dict() == {"current": 130.0, "0-30": 100.0, "31-60": 100.0, "61-90": 0.0, "90+": 0.0}
    assert "grade A or B" in r.summary() and "逾期" in r.summary("zh")


def test_weights_from_ahp_and_custom_cuts():
    from crmcore import ahp

    w = {"collection": 0.5, "on_time": 0.3, "days_past_due": 0.1, "overdue": 0.1}
    m = ahp.consistent_matrix(w)
    res = ahp.priorities(m)
    r = credit.rate(invoices(), asof=ASOF, weights=res, cuts=(90, 60, 40))
    t = r.table.set_index("customer_id")
    # W: 0.5 × 100 + 0.3 × 0 + 0.1 × 88.89 + 0.1 × 100 = 68.89, between 60 and 90 → B under cuts (90, 60, 40)
    assert t.at["W", "score"] == pytest.approx(50 + 0.1 * 100 * (1 - 10 / 90) + 10)
    assert t.at["W", "grade"] == "B"
    assert r.weights["collection"] == pytest.approx(0.5)


def test_bad_input_is_a_clear_error():
    bad = invoices()
    bad.loc[0, "due_date"] = "2024-12-01"
    with pytest.raises(DataError, match="due_date"):
        credit.indicators(bad, asof=ASOF)
    bad = invoices()
    bad.loc[1, "amount"] = -5
    with pytest.raises(DataError, match="amount"):
        credit.indicators(bad, asof=ASOF)
    bad = invoices()
    bad.loc[2, "paid_date"] = "soon"
    with pytest.raises(DataError, match="paid_date.*not dates"):
        credit.indicators(bad, asof=ASOF)
    with pytest.raises(DataError, match="missing column"):
        credit.indicators(invoices().drop(columns=["due_date"]), asof=ASOF)
    with pytest.raises(DomainError, match="sum to"):
        credit.rate(invoices(), asof=ASOF, weights={"collection": 0.5, "on_time": 0.2})
    with pytest.raises(ParameterError, match="unknown indicator"):
        credit.rate(invoices(), asof=ASOF, weights={"speed": 1.0})
    with pytest.raises(ParameterError, match="cuts"):
        credit.rate(invoices(), asof=ASOF, cuts=(50, 70, 85))
    with pytest.raises(DataError, match="no invoice"):
        credit.indicators(invoices(), asof="2020-01-01")


def test_generated_payments_match_the_demo_orders():
    tx = datasets.load("tiny")
    p = credit.generate_payments(tx, min_invoice_orders=1)
    again = credit.generate_payments(tx, min_invoice_orders=1)
    pd.testing.assert_frame_equal(p, again)
    orders = tx[tx["amount"] > 0].groupby("order_id").agg(customer_id=("customer_id", "first"),
                                                          amount=("amount", "sum"), payment=("payment", "first"),
                                                          day=("order_date", "min"))
    o = orders.loc[p["invoice_id"].str.removeprefix("INV-")]
    assert (o["payment"] == "invoice").all()
    assert (o["customer_id"].to_numpy() == p["customer_id"].to_numpy()).all()
    assert np.allclose(o["amount"].round(2).to_numpy(), p["amount"].to_numpy())
    assert (o["day"].dt.normalize().to_numpy() == p["issue_date"].to_numpy()).all()
    paid = p["paid_date"].dropna()
    assert (paid >= p.loc[paid.index, "issue_date"]).all() and (paid <= tx["order_date"].max()).all()
    assert set((p["due_date"] - p["issue_date"]).dt.days) <= {30, 60}


def test_committed_demo_payments_load_and_rate():
    p = credit.demo_payments()
    assert len(p) > 500 and p["customer_id"].nunique() > 100
    r = credit.rate(p, asof="2026-01-01")
    g = r.grades().set_index("grade")["customers"]
    assert g[["A", "B", "C", "D"]].min() > 0          # the habits in the generator give every grade


def test_committed_demo_payments_are_what_the_generator_makes_from_the_demo_orders():
    """If the demo transactions are regenerated, rewrite the file with ``crmcore.credit.write_demo()``."""
    fresh = credit.load_payments(credit.generate_payments(datasets.load("demo")))
    pd.testing.assert_frame_equal(credit.demo_payments(), fresh)


def test_summary_with_nothing_due_says_so_and_large_counts_have_separators():
    pay = pd.DataFrame({"customer_id": ["a"], "invoice_id": ["i1"], "issue_date": [pd.Timestamp("2025-01-01")],
                        "due_date": [pd.Timestamp("2025-03-01")], "paid_date": [pd.NaT], "amount": [100.0]})
    r = credit.rate(credit.load_payments(pay), asof="2025-02-01")
    assert r.summary() == "As of 2025-02-01 no account has an invoice due yet, so none can be graded."
    assert "无法评级" in r.summary("zh")
    assert r.grades(lang="zh")["grade"].tolist()[-1] == "未评级"
    assert r.aging_table("zh")["bucket"].iloc[0] == "未到期"
