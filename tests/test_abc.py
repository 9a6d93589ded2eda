"""crmcore.abc: ABC classes (tie-safe), Pareto/Lorenz, Gini, long tail, two-axis variant."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmcore import abc
from crmcore.errors import DataError, DomainError, ParameterError


def test_classify_hand_worked_80_15_5():
    # total 100; share held by strictly larger items ("start"): 0, .5, .8, .9, .95, .98
    r = abc.classify(pd.Series([50, 30, 10, 5, 3, 2], index=list("abcdef")))
    assert r["start"].round(10).tolist() == [0, 0.5, 0.8, 0.9, 0.95, 0.98]
    assert r["class"].tolist() == ["A", "A", "B", "B", "C", "C"]   # A: start < .80; B: < .95
    assert r["cum_share"].iloc[-1] == pytest.approx(1)


def test_ties_share_a_class_and_row_order_does_not_matter():
    v = pd.Series([40, 20, 20, 20], index=["w", "x", "y", "z"])
    r = abc.classify(v, shares=(0.5, 0.3, 0.2))
    # starts: 40 → 0; the three 20s → 0.4 (only 40 is larger) → all A (0.4 < 0.5)
    assert r["class"].tolist() == ["A", "A", "A", "A"]
    r2 = abc.classify(v.iloc[::-1]).set_index("item")["class"]
    assert r2.to_dict() == abc.classify(v).set_index("item")["class"].to_dict()


def test_abc_from_transactions_customers_and_products():
    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "d"], "order_id": ["1", "1", "2", "3", "4"],
                       "product_id": ["p", "q", "p", "r", "r"], "order_date": pd.to_datetime(["2024-01-01"] * 5),
                       "amount": [60.0, 20.0, 12.0, 5.0, 3.0]})
    c = abc.abc(tx)
    # customers: a 80, b 12, c 5, d 3 → starts 0, .8, .92, .97 → A, B, B, C
    assert c.table.set_index("customer_id")["class"].to_dict() == {"a": "A", "b": "B", "c": "B", "d": "C"}
    s = c.summary().set_index("class")
    assert s["items"].tolist() == [1, 2, 1] and s.at["A", "value_share"] == pytest.approx(0.8)
    p = abc.abc(tx, by="product_id")
    # products: p 72, q 20, r 8 → starts 0, .72, .92 → A, A (.72 < .80), B
    assert p.table.set_index("product_id")["class"].to_dict() == {"p": "A", "q": "A", "r": "B"}


def test_gini_and_long_tail_hand_worked():
    r = abc.abc(pd.DataFrame({"customer_id": list("abcd"), "revenue": [10.0, 10, 10, 70]}))
    # Lorenz: x 0,.25,.5,.75,1; y 0,.1,.2,.3,1 → area = .25·(.1 + .3 + .5 + 1.3)/2 = .275; G = 1 − .55 = .45
    assert r.gini() == pytest.approx(0.45)
    assert r.long_tail(0.25) == {"head_items": 1, "tail_items": 3, "head_share": pytest.approx(0.7),
                                 "tail_share": pytest.approx(0.3)}
    eq = abc.abc(pd.DataFrame({"customer_id": list("ab"), "revenue": [5.0, 5.0]}))
    assert eq.gini() == pytest.approx(0)
    p = r.pareto()
    assert p["value_share"].is_monotonic_increasing and p.iloc[-1].tolist() == pytest.approx([1.0, 1.0])


def test_two_axis_grid_counts_add_up():
    t = pd.DataFrame({"customer_id": list("abcd"), "frequency": [10, 1, 5, 1], "monetary": [100.0, 500, 50, 10]})
    r = abc.abc_two_axis(t, shares=(0.6, 0.3, 0.1))
    # visits 10,5,1,1 of 17: starts 0, .588, .882, .882 → A, A, B, B
    # spend 500,100,50,10 of 660: starts 0, .758, .909, .985 → A, B, C, C
    assert r.table.set_index("customer_id")["cell"].to_dict() == {"a": "AB", "b": "BA", "c": "AC", "d": "BC"}
    assert r.grid().to_numpy().sum() == 4


def test_bad_input():
    with pytest.raises(DomainError, match="sum to 1"):
        abc.classify(pd.Series([1.0]), shares=(0.8, 0.1, 0.05))
    with pytest.raises(DomainError, match="positive total"):
        abc.classify(pd.Series([0.0, -1.0]))
    with pytest.raises(DataError, match="1 of 2 values are missing"):
        abc.classify(pd.Series([1.0, np.nan]))
    with pytest.raises(ParameterError, match="head="):
        abc.abc(pd.DataFrame({"customer_id": ["a"], "revenue": [1.0]})).long_tail(1.5)


def test_negative_items_are_class_c_with_no_share():
    r = abc.classify(pd.Series([10.0, -5.0], index=["a", "b"]))
    assert r["class"].tolist() == ["A", "C"] and r["share"].tolist() == [1.0, 0.0]


def test_pareto_plot_and_sentence():
    r = abc.abc(pd.DataFrame({"customer_id": list("abcd"), "revenue": [10.0, 10, 10, 70]}), lang="zh")
    assert r.plot().get_title() == "帕累托曲线 (客户)"
    assert "基尼系数 0.45" in r.sentence()
    assert "Gini coefficient 0.45" in r.sentence("en")


def test_crossing_item_joins_the_upper_or_the_lower_class():
    """Issue 16. Values 50, 40, 10 (cumulative 50 %, 90 %, 100 %), shares 80/15/5.
    crossing="upper" (crmcore's default; A = the smallest set reaching 80 %, Juran's vital few): the 40
    crosses 80 % and joins A; the 10 starts at 90 % < 95 % → B. crossing="lower" (the textbook rule
    "cumulative share ≤ 80 % → A"): A = {50}; the 40 ends at 90 % ≤ 95 % → B; the 10 ends at 100 % → C."""
    v = pd.Series([50, 40, 10], index=["x", "y", "z"])
    assert abc.classify(v)["class"].tolist() == ["A", "A", "B"]
    low = abc.classify(v, crossing="lower")
    assert low["class"].tolist() == ["A", "B", "C"]
    assert low["end"].round(10).tolist() == [0.5, 0.9, 1.0]
    # ties still share a class under "lower": the group ends where its last member ends
    tied = abc.classify(pd.Series([40, 30, 30], index=list("abc")), shares=(0.6, 0.3, 0.1), crossing="lower")
    assert tied["class"].tolist() == ["A", "C", "C"]            # the 30s end at 100 % > 90 % together
    r = abc.abc(pd.DataFrame({"customer_id": ["x", "y", "z"], "revenue": [50.0, 40.0, 10.0]}), crossing="lower")
    assert r.conventions()["crossing"] == "lower"
    assert r.summary().set_index("class")["items"].tolist() == [1, 1, 1]
    with pytest.raises(ParameterError, match="crossing='middle'.*'upper'.*'lower'"):
        abc.classify(v, crossing="middle")


def test_sentence_when_the_lower_rule_leaves_a_empty():
    """One item holds 90 %: under crossing="lower" no item fits within 80 %, so A is empty; the sentence must
    not claim "0 A-class items bring 0.0% of revenue" as if that were a finding about concentration."""
    r = abc.abc(pd.DataFrame({"customer_id": ["x", "y"], "revenue": [90.0, 10.0]}), crossing="lower")
    assert r.summary().set_index("class").at["A", "items"] == 0
    assert r.sentence() == ("The A class is empty under the rule 'cumulative share at most 80%': the largest single "
                            "item already holds 90.0%; the top 20% of customers bring 90.0%; Gini coefficient 0.40.")
    assert r.sentence("zh").startswith("按“累计占比不超过 80% 才算 A 类”的口径，A 类为空")


def test_two_axis_labelled_grid_in_chinese():
    t = pd.DataFrame({"customer_id": list("abcd"), "frequency": [10, 5, 1, 1], "monetary": [1.0, 50.0, 30.0, 2.0]})
    g = abc.abc_two_axis(t).labelled_grid("zh")
    assert g.index[0] == "消费频率: A 类" and g.columns[0] == "消费金额: A 类"
    assert g.to_numpy().sum() == 4
