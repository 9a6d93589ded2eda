"""Tests for crmcore.ahp, crmcore.ahp_judgements, crmcore.ahp_hierarchy and crmcore.ahp_plots."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmcore import ahp
from crmcore import ahp_hierarchy as ah
from crmcore.errors import CrmError, DomainError, ParameterError

# Saaty (1990), "How to make a decision: the analytic hierarchy process", EJOR 48, 9–26,
# Table 2: criteria for buying a house (size, transportation, neighbourhood, age, yard,
# modern facilities, general condition, financing). Published: priority vector
# .173 .054 .188 .018 .031 .036 .167 .333; λmax = 9.669, C.I. = 0.238, C.R. = 0.169.
HOUSE_LABELS = ["size", "transport", "neighbourhood", "age", "yard", "facilities", "condition", "financing"]
HOUSE = [
    [1, 5, 3, 7, 6, 6, "1/3", "1/4"],
    ["1/5", 1, "1/3", 5, 3, 3, "1/5", "1/7"],
    ["1/3", 3, 1, 6, 3, 4, 6, "1/5"],
    ["1/7", "1/5", "1/6", 1, "1/3", "1/4", "1/7", "1/8"],
    ["1/6", "1/3", "1/3", 3, 1, "1/2", "1/5", "1/6"],
    ["1/6", "1/3", "1/4", 4, 2, 1, "1/5", "1/6"],
    [3, 5, "1/6", 7, 5, 5, 1, "1/2"],
    [4, 7, 5, 8, 6, 6, 2, 1],
]

# Saaty (2008), "Decision making with the analytic hierarchy process", Int. J. Services
# Sciences 1(1), 83–98, Table 3: relative consumption of drinks in the US.
# Published eigenvector: coffee .177, wine .019, tea .042, beer .116, sodas .190, milk .129, water .327.
DRINKS_LABELS = ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"]
DRINKS = [
    [1, 9, 5, 2, 1, 1, "1/2"],
    ["1/9", 1, "1/3", "1/9", "1/9", "1/9", "1/9"],
    ["1/5", 3, 1, "1/3", "1/4", "1/3", "1/9"],
    ["1/2", 9, 3, 1, "1/2", 1, "1/3"],
    [1, 9, 4, 2, 1, 2, "1/2"],
    [1, 9, 3, 1, "1/2", 1, "1/3"],
    [2, 9, 9, 3, 2, 3, 1],
]

# 姜启源、谢金星、叶俊《数学模型》（第三版，高等教育出版社 2003）第 8 章 8.1 “旅游地选择”.
# Criteria: 景色 scenery, 费用 cost, 居住 lodging, 饮食 food, 旅途 travel; places P1, P2, P3.
# Published (3 decimals, hand computation): w = (0.263, 0.475, 0.055, 0.099, 0.110), λ = 5.073,
# CI = 0.018, CR = 0.016; B-level weights and λ below; overall (0.300, 0.246, 0.456).
TRAVEL = [[1, "1/2", 4, 3, 3], [2, 1, 7, 5, 5], ["1/4", "1/7", 1, "1/2", "1/3"], ["1/3", "1/5", 2, 1, 1],
          ["1/3", "1/5", 3, 1, 1]]
TRAVEL_B = {
    "scenery": ([[1, 2, 5], ["1/2", 1, 2], ["1/5", "1/2", 1]], (0.595, 0.277, 0.129), 3.005),
    "cost": ([[1, "1/3", "1/8"], [3, 1, "1/3"], [8, 3, 1]], (0.082, 0.236, 0.682), 3.002),
    "lodging": ([[1, 1, 3], [1, 1, 3], ["1/3", "1/3", 1]], (0.429, 0.429, 0.142), 3.000),
    "food": ([[1, 3, 4], ["1/3", 1, 1], ["1/4", 1, 1]], (0.633, 0.193, 0.175), 3.009),
    "travel": ([[1, 1, "1/4"], [1, 1, "1/4"], [4, 4, 1]], (0.166, 0.166, 0.668), 3.000),
}


def travel_spec():
    return {
        "goal": "选择旅游地",
        "alternatives": ["P1", "P2", "P3"],
        "labels": list(TRAVEL_B),
        "matrix": TRAVEL,
        "children": {k: {"matrix": v[0]} for k, v in TRAVEL_B.items()},
    }


# A 5 × 5 matrix worked by the geometric-mean (方根法) method in 《旅游资源的可持续发展与规划理论研究》,
# 表 2-2-2/2-2-3 (https://chuimin.cn/lilun/2112894.html): row geometric means 0.4066, 0.6988, 1.2457,
# 1.4309, 1.9744 (sum 5.7564), weights 0.0706, 0.1214, 0.2164, 0.2486, 0.3430; CR = 0.0110.
ROOT_METHOD = [[1, "1/2", "1/3", "1/3", "1/5"], [2, 1, "1/2", "1/2", "1/3"], [3, 2, 1, 1, "1/2"],
               [3, 2, 1, 1, 1], [5, 3, 2, 1, 1]]


# --------------------------------------------------------------------------- published examples


def test_saaty_1990_house_example_eigenvector_lambda_ci_cr():
    """Saaty (1990) EJOR 48, p. 15–16: weights to 3 decimals, λmax 9.669, CI 0.238, CR 0.169 (RI 1.41)."""
    r = ahp.priorities(HOUSE, labels=HOUSE_LABELS)
    np.testing.assert_allclose(r.weights, [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333], atol=5e-4)
    assert r.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert r.ci == pytest.approx(0.238, abs=5e-4)
    assert r.ri == 1.41 and r.ri_table == "Saaty (1980)"
    assert r.cr == pytest.approx(0.169, abs=5e-4)
    assert not r.consistent and r.lambda_is_estimate is False


def test_saaty_2008_drinks_example_eigenvector():
    """Saaty (2008) IJSSci 1(1), Table 3: derived drink consumption shares, 3 decimals."""
    r = ahp.priorities(DRINKS, labels=DRINKS_LABELS)
    np.testing.assert_allclose(r.weights, [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327], atol=5e-4)
    assert r.consistent


@pytest.mark.parametrize("method", ["eigen", "arithmetic"])
def test_jiang_travel_criteria_matrix_published_weights(method):
    """姜启源《数学模型》§8.1: w = (0.263, 0.475, 0.055, 0.099, 0.110), λ = 5.073, CI = 0.018, CR = 0.016.

    The book rounds a hand computation to 3 decimals, so both eigen and 和法 land within 0.0015.
    """
    r = ahp.priorities(TRAVEL, method=method)
    np.testing.assert_allclose(r.weights, [0.263, 0.475, 0.055, 0.099, 0.110], atol=1.5e-3)
    assert r.lambda_max == pytest.approx(5.073, abs=1e-3)
    assert r.ci == pytest.approx(0.018, abs=5e-4)
    assert r.cr == pytest.approx(0.016, abs=5e-4)


def test_jiang_travel_alternative_matrices_published_weights_and_lambda():
    """姜启源《数学模型》§8.1, 表 (方案层): each B_k's weights (3 decimals) and λ_k."""
    for name, (m, w, lam) in TRAVEL_B.items():
        r = ahp.priorities(m)
        np.testing.assert_allclose(r.weights, w, atol=1.5e-3, err_msg=name)
        assert r.lambda_max == pytest.approx(lam, abs=1e-3), name


def test_geometric_method_matches_published_root_method_worksheet():
    """方根法 worked example (chuimin.cn, 表 2-2-3): row geometric means, weights and CR = 0.0110."""
    ws = ahp.explain(ROOT_METHOD, method="geometric")
    g = ws.table["row geometric mean"].iloc[:5].to_numpy()
    # the source truncates rather than rounds in one place: 6^(1/5) = 1.43097 is printed 1.4309
    np.testing.assert_allclose(g, [0.4066, 0.6988, 1.2457, 1.4309, 1.9744], atol=1e-4)
    assert g[3] == pytest.approx(6 ** 0.2)
    assert g.sum() == pytest.approx(5.7564, abs=1e-4)
    r = ahp.priorities(ROOT_METHOD, method="geometric")
    np.testing.assert_allclose(r.weights, [0.0706, 0.1214, 0.2164, 0.2486, 0.3430], atol=5e-5)
    assert r.cr == pytest.approx(0.0110, abs=5e-5)
    assert r.lambda_is_estimate


def test_arithmetic_method_hand_worked_3x3():
    """和法 by hand on A = [[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]] (consistent):
    column sums 7/4, 7/2, 7 → every normalised column is (4/7, 2/7, 1/7) → w = (4/7, 2/7, 1/7)."""
    r = ahp.priorities([[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]], method="arithmetic")
    np.testing.assert_allclose(r.weights, [4 / 7, 2 / 7, 1 / 7], rtol=1e-14)
    assert r.lambda_max == pytest.approx(3.0, abs=1e-12) and r.cr == pytest.approx(0.0, abs=1e-12)


def test_arithmetic_lambda_estimate_hand_worked_inconsistent_3x3():
    """A = [[1, 2, 6], [1/2, 1, 2], [1/6, 1/2, 1]]. Column sums 5/3, 7/2, 9.
    Normalised rows: (3/5, 4/7, 2/3), (3/10, 2/7, 2/9), (1/10, 1/7, 1/9); w = row means.
    λ estimate = mean((Aw)_i / w_i); CI = (λ − 3)/2; CR = CI / 0.58."""
    a = np.array([[1, 2, 6], [1 / 2, 1, 2], [1 / 6, 1 / 2, 1]])
    w = np.array([(3 / 5 + 4 / 7 + 2 / 3) / 3, (3 / 10 + 2 / 7 + 2 / 9) / 3, (1 / 10 + 1 / 7 + 1 / 9) / 3])
    lam = float(np.mean(a @ w / w))
    r = ahp.priorities(a, method="arithmetic")
    np.testing.assert_allclose(r.weights, w, rtol=1e-14)
    assert r.lambda_max == pytest.approx(lam, rel=1e-14)
    assert r.ci == pytest.approx((lam - 3) / 2, rel=1e-12)
    assert r.cr == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-12)


# --------------------------------------------------------------------------- RI tables


def test_ri_tables_hold_the_published_values_and_are_named():
    assert [ahp.random_index(n)[0] for n in range(3, 12)] == [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51]
    assert ahp.random_index(5, "saaty2005") == (1.11, "Saaty (2005)")
    assert ahp.random_index(9, "donegan_dodd") == (1.3733, "Donegan & Dodd (1991)")
    assert ahp.random_index(4, "alonso_lamata") == (0.8815, "Alonso & Lamata (2006)")
    assert ahp.random_index(15, "alonso_lamata")[0] == 1.5838


def test_ri_float_and_callable_and_cr_zero_for_n_le_2():
    r = ahp.priorities(TRAVEL, ri=1.0)
    assert r.cr == pytest.approx(r.ci) and r.ri_table == "fixed RI = 1"

    def half_n(n):
        return n / 2

    r2 = ahp.priorities(TRAVEL, ri=half_n)
    assert r2.ri == 2.5 and r2.ri_table == "half_n" and r2.cr == pytest.approx(r2.ci / 2.5)
    two = ahp.priorities([[1, 7], ["1/7", 1]])
    assert two.cr == 0.0 and two.ri == 0.0 and two.ci == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(two.weights, [7 / 8, 1 / 8])


def test_ri_table_changes_cr_but_not_weights():
    a = ahp.priorities(HOUSE)
    b = ahp.priorities(HOUSE, ri="donegan_dodd")
    np.testing.assert_array_equal(a.weights, b.weights)
    assert b.cr == pytest.approx(a.ci / 1.3171)


def test_unknown_ri_table_is_a_parameter_error_and_random_index_names_the_covering_table():
    with pytest.raises(ParameterError, match="not a known random-index table"):
        ahp.priorities(TRAVEL, ri="saaty1977")
    with pytest.raises(ParameterError, match=r"covers n = 3\.\.11, not n = 12.*saaty2005"):
        ahp.random_index(12)  # the direct lookup still refuses


def _inconsistent(n: int) -> np.ndarray:
    """A reciprocal n × n matrix w_i/w_j with every judgement above the diagonal off by a factor 1.5 or 1/1.5."""
    w = np.arange(1, n + 1, dtype=float)
    a = np.outer(w, 1 / w)
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] *= 1.5 if (i + j) % 2 else 1 / 1.5
            a[j, i] = 1 / a[i, j]
    return a


def test_priorities_for_n_beyond_the_ri_table_give_weights_and_lambda_and_say_cr_is_not_available():
    """Issue 16: weights need no RI. n = 12 with Saaty (1980), which stops at 11: weights and λmax as
    with any other table, CR not available (NaN, not "consistent"), and the sentence names the table that
    covers n = 12; Donegan & Dodd (1991) gives RI(12) = 1.4497."""
    a = _inconsistent(12)
    r = ahp.priorities(a)
    dd = ahp.priorities(a, ri="donegan_dodd")
    np.testing.assert_array_equal(r.weights, dd.weights)
    assert r.lambda_max == dd.lambda_max > 12 and r.weights.sum() == pytest.approx(1.0)
    assert math.isnan(r.cr) and not r.cr_available and not r.consistent
    assert dd.cr == pytest.approx(dd.ci / 1.4497)
    assert "stops at n = 11" in r.summary() and "CR" in r.summary() and "Saaty (2005)" in r.summary()
    assert "无法计算 CR" in r.summary("zh")
    assert "stops at n = 11" in str(ahp.explain(a, ri="saaty1980"))
    big = ahp.priorities(_inconsistent(21), ri="donegan_dodd")
    assert math.isnan(big.cr) and "pass ri=<number>" in big.summary()
    assert ahp.priorities(_inconsistent(21), ri=1.6).cr == pytest.approx(big.ci / 1.6)


def test_donegan_dodd_table_matches_the_published_values_to_n_20():
    """Donegan & Dodd (1991), as tabulated in AHPy (``ahpy.Compare._compute_consistency_ratio``, 'dd')."""
    published = {3: 0.4914, 4: 0.8286, 5: 1.0591, 6: 1.1797, 7: 1.2519, 8: 1.3171, 9: 1.3733, 10: 1.4055,
                 11: 1.4213, 12: 1.4497, 13: 1.4643, 14: 1.4822, 15: 1.4969, 16: 1.5078, 17: 1.5153,
                 18: 1.5262, 19: 1.5313, 20: 1.5371}
    assert ahp.RI_TABLES["donegan_dodd"]["values"] == published
    assert ahp.ri_available(20, "donegan_dodd") and not ahp.ri_available(21, "donegan_dodd")


def test_ahp_modules_import_one_way_only():
    """Issue 17: ahp_plots and ahp_text import no AHP module; ahp_scale only ahp_text; ahp_matrix no
    ahp/ahp_judgements; ahp_judgements not ahp."""
    import ast
    from pathlib import Path

    pkg = Path(ahp.__file__).parent

    def imported(mod: str) -> set[str]:
        tree = ast.parse((pkg / f"{mod}.py").read_text(encoding="utf-8"))
        out = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level == 1 or (node.module or "").startswith("crmcore")):
                last = (node.module or "").rsplit(".", 1)[-1]  # from crmcore.decision.ahp_matrix import … / from . import …
                out |= {last} if last.startswith("ahp") or last == "customer_value" else {a.name for a in node.names}
        return {m for m in out if m.startswith("ahp") or m == "customer_value"}

    assert imported("ahp_plots") == set()
    assert imported("ahp_text") == set()
    assert imported("ahp_scale") == {"ahp_text"}
    assert imported("ahp_matrix") == {"ahp_plots", "ahp_scale", "ahp_text"}
    assert imported("ahp_judgements") == {"ahp_matrix"}
    assert imported("ahp") == {"ahp_matrix", "ahp_judgements"}
    assert "ahp_hierarchy" not in imported("ahp") | imported("ahp_judgements") | imported("ahp_matrix")
    assert ahp.revise is __import__("crmcore.ahp_judgements", fromlist=["revise"]).revise


# --------------------------------------------------------------------------- properties


@pytest.mark.parametrize("method", ahp.METHODS)
def test_consistent_matrix_returns_weights_exactly_with_cr_zero(method):
    w = np.array([0.4, 0.25, 0.2, 0.1, 0.05])
    r = ahp.priorities(ahp.consistent_matrix(w), method=method)
    np.testing.assert_allclose(r.weights, w, rtol=1e-12)
    assert r.cr == pytest.approx(0.0, abs=1e-12) and r.lambda_max == pytest.approx(5.0, abs=1e-12)


@pytest.mark.parametrize("method", ahp.METHODS)
def test_permuting_rows_and_columns_permutes_the_weights(method):
    a = ahp.pairwise(HOUSE).values
    perm = np.array([3, 7, 0, 5, 1, 6, 2, 4])
    r = ahp.priorities(a, method=method)
    rp = ahp.priorities(a[np.ix_(perm, perm)], method=method)
    np.testing.assert_allclose(rp.weights, r.weights[perm], rtol=1e-10)
    assert rp.lambda_max == pytest.approx(r.lambda_max, rel=1e-12)


def test_geometric_weights_of_transpose_are_normalised_reciprocals():
    a = ahp.pairwise(DRINKS).values
    w = ahp.priorities(a, method="geometric").weights
    wt = ahp.priorities(a.T, method="geometric").weights
    np.testing.assert_allclose(wt, (1 / w) / (1 / w).sum(), rtol=1e-12)


def test_weights_sum_to_one_and_nothing_is_rounded():
    for method in ahp.METHODS:
        r = ahp.priorities(HOUSE, method=method)
        assert r.weights.sum() == pytest.approx(1.0, abs=1e-15)
        assert any(len(repr(float(x))) > 8 for x in r.weights)  # full precision, not 0.173


def test_zero_weight_criterion_changes_no_global_priority():
    scores = pd.DataFrame({"a": [3.0, 1.0, 2.0], "b": [1.0, 1.0, 4.0], "c": [9.0, 1.0, 1.0]}, index=["x", "y", "z"])
    w = {"a": 0.6, "b": 0.4, "c": 0.0}
    other = scores.assign(c=[1.0, 50.0, 2.0])
    for mode in ("distributive", "ideal"):
        pd.testing.assert_series_equal(ah.synthesize(w, scores, synthesis=mode), ah.synthesize(w, other, synthesis=mode))
    spec = {"goal": "g", "alternatives": ["x", "y", "z"], "ratings": {"a": 3, "b": 2, "c": 0},
            "children": {"a": {"matrix": [[1, 3, 2], ["1/3", 1, "1/2"], ["1/2", 2, 1]]},
                         "b": {"values": {"x": 1, "y": 1, "z": 4}},
                         "c": {"matrix": [[1, 9, 9], ["1/9", 1, 1], ["1/9", 1, 1]]}}}
    h1 = ah.hierarchy(spec)
    spec["children"]["c"] = {"matrix": [[1, "1/9", 1], [9, 1, 9], [1, "1/9", 1]]}
    h2 = ah.hierarchy(spec)
    pd.testing.assert_frame_equal(h1.alternatives, h2.alternatives)


def test_summary_sentences_are_generated_from_the_numbers():
    r = ahp.priorities(HOUSE, labels=HOUSE_LABELS)
    assert "financing (0.333)" in r.summary() and "CR = 0.1691" in r.summary() and "must be revised" in r.summary()
    assert "需要修正" in r.summary("zh")
    ok = ahp.priorities(TRAVEL, labels=list(TRAVEL_B))
    assert "cost" in ok.summary() and "acceptable" in ok.summary() and "通过一致性检验" in ok.summary("zh")


def test_weights_dict_for_rfm():
    r = ahp.priorities({("R", "F"): 3, ("R", "M"): "1/2", ("F", "M"): "1/5"})
    d = r.weights_dict()
    assert list(d) == ["R", "F", "M"] and sum(d.values()) == pytest.approx(1)
    assert d["M"] > d["R"] > d["F"]


# --------------------------------------------------------------------------- construction & validation


def test_pairs_dict_with_fraction_strings_equals_full_matrix_and_upper_triangle():
    full = ahp.pairwise([[1, 3, "1/5"], ["1/3", 1, "1/7"], [5, 7, 1]], labels=["A", "B", "C"])
    pairs = ahp.pairwise({("A", "B"): 3, ("A", "C"): "1/5", ("C", "B"): 7})
    upper = ahp.pairwise([[3, "1/5"], ["1/7"]], labels=["A", "B", "C"])
    for m in (pairs, upper):
        np.testing.assert_array_equal(m.values, full.values)
        assert m.labels == full.labels
    assert full["C", "B"] == 7 and full["B", "C"] == 1 / 7
    assert full.to_text_frame().loc["A", "C"] == "1/5"


def test_two_decimal_reciprocals_are_accepted_and_symmetrised():
    m = ahp.pairwise([[1, 3, 0.2], [0.33, 1, 0.14], [5, 7, 1]])
    assert m.values[0, 1] * m.values[1, 0] == pytest.approx(1.0, rel=1e-15)
    assert m.max_reciprocal_error == pytest.approx(abs(7 * 0.14 - 1))
    assert m.values[0, 1] == pytest.approx(math.sqrt(3 / 0.33))


def test_dataframe_input_supplies_labels():
    df = pd.DataFrame([[1, 2], [0.5, 1]], index=["x", "y"], columns=["x", "y"])
    assert ahp.pairwise(df).labels == ("x", "y")


def test_non_reciprocal_matrix_names_the_offending_cells():
    with pytest.raises(DomainError, match=r"not reciprocal: 1 of 3 pairs.*\('B', 'A'\) = 3 but 1/\('A', 'B'\) = 1/3"):
        ahp.pairwise([[1, 3, 5], [3, 1, 2], ["1/5", "1/2", 1]], labels=["A", "B", "C"])


def test_zero_or_negative_entries_are_domain_errors():
    with pytest.raises(DomainError, match=r"zero or negative.*\('C1', 'C2'\) = -3"):
        ahp.pairwise([[1, -3], ["1/3", 1]])
    with pytest.raises(DomainError, match="zero or negative"):
        ahp.pairwise([[1, 0], [0, 1]])


def test_non_square_and_bad_values_are_domain_errors():
    with pytest.raises(DomainError, match="not square"):
        ahp.pairwise([[1, 2, 3], [0.5, 1, 2]])
    with pytest.raises(DomainError, match=r"upper triangle"):
        ahp.pairwise([[1, 2, 3], [1]])
    with pytest.raises(DomainError, match=r"row 1, column 2: 'three'"):
        ahp.pairwise([[1, "three"], ["1/3", 1]])
    with pytest.raises(DomainError, match="row 1, column 2: inf is infinite"):
        ahp.pairwise(np.array([[1, np.inf], [0.5, 1]]))
    with pytest.raises(DomainError, match="must be 2-D"):
        ahp.pairwise("abc")
    with pytest.raises(DomainError, match="diagonal must be 1"):
        ahp.pairwise([[2, 3], ["1/3", 1]])
    with pytest.raises(DomainError, match="not in labels"):
        ahp.pairwise({("A", "B"): 2, ("A", "Z"): 3}, labels=["A", "B", "C"])
    with pytest.raises(DomainError, match=r"not reciprocal.*\('B', 'A'\) = 2 but 1/\('A', 'B'\) = 1/2"):
        ahp.pairwise({("A", "B"): 2, ("B", "A"): 2})  # both directions given, contradicting each other
    with pytest.raises(ParameterError, match="labels has 2 names"):
        ahp.pairwise(TRAVEL, labels=["a", "b"])


def test_disconnected_incomplete_matrix_is_a_domain_error():
    with pytest.raises(DomainError, match=r"disconnected: 2 groups.*\{A, B\} \| \{C, D\}"):
        ahp.pairwise({("A", "B"): 2, ("C", "D"): 3})


def test_priorities_on_incomplete_matrix_points_to_completion():
    with pytest.raises(DomainError, match="missing judgements.*harker"):
        ahp.priorities({("A", "B"): 2, ("B", "C"): 3})


def test_errors_are_value_errors_for_callers_catching_broadly():
    with pytest.raises(ValueError):
        ahp.priorities(TRAVEL, method="power")
    assert issubclass(DomainError, CrmError)


def test_matrix_is_immutable_and_with_judgement_returns_a_copy():
    m = ahp.pairwise(TRAVEL)
    with pytest.raises(ValueError):
        m.values[0, 1] = 3
    m2 = m.with_judgement("C1", "C2", "1/3")
    assert m["C1", "C2"] == 0.5 and m2["C1", "C2"] == pytest.approx(1 / 3) and m2["C2", "C1"] == 3


# --------------------------------------------------------------------------- worksheet & comparison


def test_explain_worksheet_numbers_and_languages():
    ws = ahp.explain(TRAVEL, lang="zh")
    t = ws.to_frame()
    a = ahp.pairwise(TRAVEL).values
    np.testing.assert_allclose(t.loc["列和"].iloc[:5].to_numpy(dtype=float), a.sum(axis=0))
    np.testing.assert_allclose(t.iloc[:5, :5].to_numpy(dtype=float), a / a.sum(axis=0))
    w = t["行平均 = w"].iloc[:5].to_numpy(dtype=float)
    np.testing.assert_allclose(t["(Aw)/w"].iloc[:5].to_numpy(dtype=float), (a @ w) / w)
    text = str(ws)
    assert "和法" in text and "一致性检验" in text and "CR = CI/RI = 0.0182/1.12 = 0.0163" in text
    en = str(ahp.explain(TRAVEL, method="eigen"))
    assert "principal eigenvector" in en and "λmax =" in en
    with pytest.raises(ParameterError):
        ahp.explain(TRAVEL, lang="fr")


def test_compare_methods_reports_largest_difference_and_rank_agreement():
    c = ahp.compare_methods(HOUSE)
    assert not c.rankings_agree  # eigen ranks neighbourhood 2nd, 和法 ranks general condition 2nd
    t = c.table
    diff = (t[["eigen", "geometric", "arithmetic"]].max(axis=1) - t[["eigen", "geometric", "arithmetic"]].min(axis=1))
    assert c.max_difference == pytest.approx(diff.max()) and c.max_difference_at == "C3"
    assert c.consistency.loc["lambda_is_estimate", "eigen"] is False
    assert ahp.compare_methods(TRAVEL).rankings_agree
    assert "differently" in c.summary() and "不一致" in c.summary("zh")


# --------------------------------------------------------------------------- incomplete


def test_harker_and_completions_recover_a_consistent_incomplete_matrix():
    """a12 = 2, a23 = 3, a13 missing: consistency forces a13 = 6 and w = (6, 3, 1)/10."""
    inc = {("A", "B"): 2, ("B", "C"): 3}
    for method in ("harker", "llsm", "lambda_max"):
        c = ahp.complete(inc, method=method)
        assert c.filled.loc[0, ["row", "column"]].tolist() == ["A", "C"]
        assert c.filled.loc[0, "value"] == pytest.approx(6.0, rel=1e-6), method
        np.testing.assert_allclose(c.result.weights, [0.6, 0.3, 0.1], rtol=1e-6)
        assert c.result.cr == pytest.approx(0.0, abs=1e-6)


def test_harker_on_a_complete_matrix_is_the_eigenvector():
    np.testing.assert_allclose(ahp.harker(HOUSE).result.weights, ahp.priorities(HOUSE).weights, rtol=1e-10)


def test_harker_hand_worked_four_cycle():
    """A–B 2, B–C 3, C–D 1/2, A–D 5; A–C and B–D missing. Harker's C has c_ii = 1 + m_i (m = 1 in each
    row). Its eigenvector w also satisfies A(w) w = λ w for the completed matrix a_ij = w_i/w_j."""
    inc = ahp.pairwise({("A", "B"): 2, ("B", "C"): 3, ("C", "D"): "1/2", ("A", "D"): 5})
    c = np.array([[2, 2, 0, 5], [1 / 2, 2, 3, 0], [0, 1 / 3, 2, 1 / 2], [1 / 5, 0, 2, 2]])
    vals, vecs = np.linalg.eig(c)
    w = np.abs(vecs[:, np.argmax(vals.real)].real)
    w /= w.sum()
    h = ahp.harker(inc)
    np.testing.assert_allclose(h.result.weights, w, rtol=1e-10)
    done = h.matrix.values
    np.testing.assert_allclose(done @ w, vals.real.max() * w, rtol=1e-10)
    assert h.result.lambda_max == pytest.approx(vals.real.max())


def test_lambda_max_completion_is_no_worse_than_llsm_and_llsm_solves_normal_equations():
    inc = ahp.pairwise({("A", "B"): 3, ("B", "C"): 2, ("C", "D"): 4, ("A", "D"): 2, ("B", "E"): 5,
                        ("D", "E"): "1/3", ("A", "E"): 7})
    ll = ahp.complete(inc, method="llsm")
    lm = ahp.complete(inc, method="lambda_max")
    assert lm.result.lambda_max <= ll.result.lambda_max + 1e-12
    assert lm.result.lambda_max < ll.result.lambda_max - 1e-4  # a real improvement on this example
    # LLSM, checked independently: minimise Σ_known (ln a_ij − y_i + y_j)² with a generic solver
    from scipy.optimize import least_squares

    v = inc.values
    known = [(i, j) for i in range(5) for j in range(i + 1, 5) if np.isfinite(v[i, j])]

    def resid(z):
        y = np.append(0.0, z)
        return [math.log(v[i, j]) - y[i] + y[j] for i, j in known]

    y = np.append(0.0, least_squares(resid, np.zeros(4), xtol=1e-14, ftol=1e-14).x)
    got = {(r, c): x for r, c, x in ll.filled[["row", "column", "value"]].itertuples(index=False)}
    labs = "ABCDE"
    for (r, c), x in got.items():
        assert x == pytest.approx(math.exp(y[labs.index(r)] - y[labs.index(c)]), rel=1e-7)
    assert set(map(tuple, ll.filled[["row", "column"]].to_numpy())) == {("A", "C"), ("B", "D"), ("C", "E")}


def test_without_and_compare_completions_report_filled_values_per_method():
    m = ahp.pairwise(TRAVEL).without(("C1", "C3"))
    assert m.missing == [("C1", "C3")] and not m.is_complete
    t = ahp.compare_completions(m)
    assert list(t.columns) == ["harker", "llsm", "lambda_max"]
    assert t.loc["C1 / C3", "llsm"] == pytest.approx(ahp.complete(m).filled["value"].iloc[0])
    assert t.loc["lambda_max", "lambda_max"] <= t.loc["lambda_max", "llsm"] + 1e-12
    with pytest.raises(DomainError, match="no missing judgements"):
        ahp.compare_completions(TRAVEL)


def test_ri_and_scale_tables_for_teaching():
    t = ahp.ri_tables()
    assert t.loc[5, "Saaty (1980)"] == 1.12 and t.loc[20, "Donegan & Dodd (1991)"] == 1.5371
    assert np.isnan(t.loc[12, "Saaty (1980)"])
    assert "明显重要" in ahp.scale_table("zh").iloc[:, 1].tolist()


def test_complete_unknown_method_is_a_parameter_error():
    with pytest.raises(ParameterError, match="llsm"):
        ahp.complete({("A", "B"): 2, ("B", "C"): 3}, method="mean")


# --------------------------------------------------------------------------- revision advisor


def test_revision_advisor_on_saaty_house_example():
    """The house matrix (CR 0.169): neighbourhood over general condition = 6 conflicts with the
    weights (w3/w7 ≈ 1.13); responsibility = |ln(6 · w7/w3)|; changing it alone gives CR < 0.1."""
    r = ahp.priorities(HOUSE, labels=HOUSE_LABELS)
    rv = ahp.revise(ahp.pairwise(HOUSE, labels=HOUSE_LABELS))
    top = rv.suggestions.iloc[0]
    assert (top["row"], top["column"], top["current"]) == ("neighbourhood", "condition", "6")
    w = r.weights_dict()
    assert top["responsibility"] == pytest.approx(abs(math.log(6 * w["condition"] / w["neighbourhood"])))
    assert top["implied"] == pytest.approx(w["neighbourhood"] / w["condition"])
    assert rv.cr_before == pytest.approx(r.cr) and top["cr_after"] < 0.1 <= top["cr_before"]
    fixed = ahp.pairwise(HOUSE, labels=HOUSE_LABELS).with_judgement("neighbourhood", "condition", top["suggested"])
    assert ahp.priorities(fixed).cr == pytest.approx(top["cr_after"])
    # the proposal is the scale value nearest the current one that passes: 2 does not, 1 does
    assert top["suggested"] == "1"
    two = ahp.pairwise(HOUSE, labels=HOUSE_LABELS).with_judgement("neighbourhood", "condition", 2)
    assert ahp.priorities(two).cr >= 0.1
    assert rv.best == ("neighbourhood", "condition", "1")
    np.testing.assert_array_equal(rv.repaired().values, fixed.values)
    assert "from 6 to 1" in rv.summary() and "0.1691" in rv.summary()
    assert (rv.suggestions["responsibility"].diff().dropna() <= 0).all()


def test_intransitive_triad_is_detected_and_reported():
    cyc = [[1, 3, "1/3"], ["1/3", 1, 3], [3, "1/3", 1]]
    tri = ahp.intransitive_triads(cyc)
    assert len(tri) == 1 and tuple(tri.iloc[0, :3]) == ("C1", "C2", "C3")
    assert ahp.intransitive_triads(TRAVEL).empty
    rv = ahp.revise(cyc)
    assert "intransitive triad" in rv.summary() and "方向" in rv.summary("zh")


def test_revision_when_no_single_change_suffices_applies_changes_in_turn():
    bad = [[1, 6, "1/8", "1/6", "1/5"], ["1/6", 1, "1/6", 6, 7], [8, 6, 1, 2, "1/9"], [6, "1/6", "1/2", 1, "1/8"],
           [5, "1/7", 9, 8, 1]]
    rv = ahp.revise(bad, max_changes=6)
    assert rv.best is None and not rv.suggestions["reaches_threshold"].any()
    crs = rv.sequence["cr_after"].to_numpy()
    assert (np.diff(crs) < 0).all() and crs[0] < rv.cr_before
    assert ahp.priorities(rv.repaired()).cr == pytest.approx(crs[-1])
    assert len(rv.triads) >= 3
    assert "No single change" in rv.summary()


def test_revision_of_a_consistent_matrix_says_nothing_to_do():
    rv = ahp.revise(TRAVEL)
    assert rv.best is None and rv.sequence.empty and "no revision is needed" in rv.summary()
    np.testing.assert_array_equal(rv.repaired().values, ahp.pairwise(TRAVEL).values)


# --------------------------------------------------------------------------- group decisions


def test_aggregation_of_judgements_is_the_weighted_geometric_mean():
    e1 = {("A", "B"): 3, ("A", "C"): 5, ("B", "C"): 2}
    e2 = {("A", "B"): 5, ("A", "C"): 3, ("B", "C"): "1/2"}
    agg = ahp.aggregate_judgements({"e1": e1, "e2": e2})
    assert agg["A", "B"] == pytest.approx(math.sqrt(15)) and agg["B", "C"] == pytest.approx(1.0)
    assert agg["B", "A"] * agg["A", "B"] == pytest.approx(1.0)
    aggw = ahp.aggregate_judgements({"e1": e1, "e2": e2}, weights={"e1": 3, "e2": 1})
    assert aggw["A", "B"] == pytest.approx(3 ** 0.75 * 5 ** 0.25)


def test_group_screens_inconsistent_experts_and_reports_aip_and_dispersion():
    e1 = {("A", "B"): 3, ("A", "C"): 5, ("B", "C"): 2}
    e2 = {("A", "B"): 2, ("A", "C"): 4, ("B", "C"): 2}
    bad = [[1, 3, "1/3"], ["1/3", 1, 3], [3, "1/3", 1]]
    g = ahp.group({"ann": e1, "bo": e2, "cy": ahp.pairwise(bad, labels=["A", "B", "C"])})
    assert g.excluded == ("cy",) and g.included == ("ann", "bo")
    w1, w2 = ahp.priorities(e1).weights, ahp.priorities(e2).weights
    aip = np.sqrt(w1 * w2)
    np.testing.assert_allclose(g.aip.to_numpy(), aip / aip.sum(), rtol=1e-12)
    np.testing.assert_allclose(g.aij.weights, ahp.priorities(ahp.aggregate_judgements([e1, e2])).weights, rtol=1e-12)
    allw = g.experts[["A", "B", "C"]]
    assert g.dispersion.loc["A", "std"] == pytest.approx(allw["A"].std(ddof=0))
    assert "screened out" in g.summary() and "cy" in g.summary()
    with pytest.raises(DomainError, match="every expert has CR"):
        ahp.group([bad, bad])
    with pytest.raises(DomainError, match="same elements"):
        ahp.group([e1, {("A", "B"): 2, ("A", "D"): 3, ("B", "D"): 1}])


# --------------------------------------------------------------------------- hierarchy


def test_jiang_travel_hierarchy_published_overall_priorities():
    """姜启源《数学模型》§8.1: 组合权向量 (0.300, 0.246, 0.456)."""
    h = ah.hierarchy(travel_spec())
    pr = h.alternatives.set_index("alternative")["priority"]
    np.testing.assert_allclose(pr[["P1", "P2", "P3"]].to_numpy(), [0.300, 0.246, 0.456], atol=1.5e-3)
    assert h.alternatives["alternative"].tolist() == ["P3", "P1", "P2"]
    assert h.consistent


def test_hierarchy_consistency_ratio_hand_computed():
    """CR_H = Σ g·CI / Σ g·RI over nodes (Saaty 1980); the level sum adds CR(level 1) and
    Σ w_k CI_k / Σ w_k RI_k of level 2 (姜启源)."""
    h = ah.hierarchy(travel_spec())
    top = ahp.priorities(TRAVEL)
    cis = np.array([ahp.priorities(m).ci for m, _, _ in TRAVEL_B.values()])
    num = top.ci + (top.weights * cis).sum()
    den = top.ri + (top.weights * 0.58).sum()
    assert h.overall_cr == pytest.approx(num / den)
    assert h.overall_cr_levels == pytest.approx(top.cr + (top.weights * cis).sum() / 0.58)
    nodes = h.nodes.set_index("node")
    assert nodes.loc["选择旅游地 > cost", "CR"] == pytest.approx(ahp.priorities(TRAVEL_B["cost"][0]).cr)


def test_ideal_synthesis_divides_by_the_best_alternative_per_criterion():
    h = ah.hierarchy(travel_spec(), synthesis="ideal")
    loc = ah.hierarchy(travel_spec()).local_scores
    w = ahp.priorities(TRAVEL).weights
    tot = (loc / loc.max()).to_numpy() @ w
    np.testing.assert_allclose(h.alternatives.set_index("alternative")["priority"][["P1", "P2", "P3"]].to_numpy(),
                               tot / tot.sum(), rtol=1e-12)


def test_three_level_hierarchy_global_weight_is_product_of_local_weights(tmp_path):
    yaml_text = """
goal: customer value
labels: [market, loyalty]
matrix: [[1, 3], ["1/3", 1]]
children:
  market:
    upper: [[2, 4], [2]]
    labels: [revenue, orders, aov]
  loyalty:
    ratings: {tenure: 1, recency: 3}
"""
    p = tmp_path / "h.yaml"
    p.write_text(yaml_text, encoding="utf-8")
    h = ah.hierarchy(p)
    lw = h.leaf_weights()
    m = ahp.priorities([[2, 4], [2]]).weights
    np.testing.assert_allclose(lw[["revenue", "orders", "aov"]].to_numpy(), 0.75 * m, rtol=1e-12)
    assert lw["recency"] == pytest.approx(0.25 * 0.75) and lw.sum() == pytest.approx(1.0)
    assert h.weights_dict(level=1) == pytest.approx({"market": 0.75, "loyalty": 0.25})
    assert h.alternatives.empty and "revenue" in h.summary()


def test_alternatives_under_sub_criteria_synthesise_through_every_level():
    """goal → {A: 3/4, C: 1/4}; A → {B1: 2/3, B2: 1/3}. Leaf weights: B1 1/2, B2 1/4, C 1/4.
    Alternatives x, y: B1 ratings (3, 1) → (3/4, 1/4); B2 pairwise x:y = 1/3 → (1/4, 3/4); C values cost
    (10, 30) → (3/4, 1/4). P(x) = 1/2·3/4 + 1/4·1/4 + 1/4·3/4 = 5/8."""
    spec = {"goal": "g", "alternatives": ["x", "y"], "labels": ["A", "C"], "matrix": [[1, 3], ["1/3", 1]],
            "children": {"A": {"labels": ["B1", "B2"], "upper": [[2]],
                               "children": {"B1": {"ratings": {"x": 3, "y": 1}},
                                            "B2": {"matrix": [[1, "1/3"], [3, 1]]}}},
                         "C": {"values": {"x": 10, "y": 30}, "direction": "cost"}}}
    h = ah.hierarchy(spec)
    assert h.leaf_weights().to_dict() == pytest.approx({"B1": 0.5, "B2": 0.25, "C": 0.25})
    assert h.alternatives.set_index("alternative")["priority"].to_dict() == pytest.approx({"x": 5 / 8, "y": 3 / 8})
    assert set(h.weights["level"]) == {1, 2}
    assert h.sweep("A").current == pytest.approx(0.75)


def test_values_leaf_with_cost_direction_uses_reciprocals():
    spec = {"goal": "g", "alternatives": ["a", "b"], "ratings": {"price": 1},
            "children": {"price": {"values": {"a": 100, "b": 300}, "direction": "cost"}}}
    h = ah.hierarchy(spec)
    assert h.alternatives.set_index("alternative")["priority"]["a"] == pytest.approx(0.75)


def test_hierarchy_spec_errors_name_the_node():
    spec = travel_spec()
    del spec["children"]["food"]
    with pytest.raises(DomainError, match="'选择旅游地 > food' has no node comparing the alternatives"):
        ah.hierarchy(spec)
    with pytest.raises(DomainError, match="exactly one of matrix"):
        ah.hierarchy({"goal": "g", "matrix": [[1, 2], [0.5, 1]], "ratings": {"a": 1}})
    with pytest.raises(ParameterError, match="does not exist"):
        ah.hierarchy("/nonexistent/h.yaml")
    with pytest.raises(DomainError, match="distinct names"):
        ah.hierarchy({"goal": "g", "labels": ["a", "b"], "matrix": [[1, 2], [0.5, 1]],
                      "children": {"a": {"ratings": {"x": 1, "y": 1}}, "b": {"ratings": {"x": 1, "z": 2}}}})


# --------------------------------------------------------------------------- sensitivity


def test_sweep_change_point_hand_worked():
    """Two criteria, two alternatives. Scores (already normalised): X: a 0.8, b 0.2; Y: a 0.3, b 0.7.
    With weight t on X: P_a = 0.3 + 0.5 t, P_b = 0.7 − 0.5 t → equal at t = 0.4."""
    scores = pd.DataFrame({"X": [0.8, 0.2], "Y": [0.3, 0.7]}, index=["a", "b"])
    sw = ah.sweep({"X": 0.5, "Y": 0.5}, scores, "X")
    assert sw.changes.to_dict("records") == [{"t": pytest.approx(0.4), "before": "b", "after": "a"}]
    assert sw.current == 0.5 and sw.stable_range() == (pytest.approx(0.4), 1.0)
    assert sw.table.loc[0.0, "a"] == pytest.approx(0.3) and sw.table.loc[1.0, "a"] == pytest.approx(0.8)
    assert sw.rank_changes.to_dict("records") == [{"t": pytest.approx(0.4), "overtakes": "a", "overtaken": "b"}]


def test_sweep_on_travel_hierarchy_top_changes_exactly_where_lines_cross():
    h = ah.hierarchy(travel_spec())
    sw = h.sweep("cost")
    assert sw.current == pytest.approx(h.leaf_weights()["cost"])
    t = sw.changes["t"].iloc[0]
    assert list(sw.changes[["before", "after"]].iloc[0]) == ["P1", "P3"]
    lw = h.leaf_weights()

    def top_at(x):
        w = lw.copy()
        w[w.index != "cost"] *= (1 - x) / (1 - lw["cost"])
        w["cost"] = x
        return ah.synthesize(w, h.local_scores).idxmax()

    assert top_at(t - 1e-6) == "P1" and top_at(t + 1e-6) == "P3"
    assert "P3 stays first" in sw.summary()


def test_sweep_three_lines_through_one_point_hands_the_lead_to_the_steepest():
    """Absolute scores with weight t on X: a = 0.6 − 0.4t, b = 0.5 − 0.2t, c = 0.4. All three equal 0.4
    at t = 0.5; after it c (largest slope) leads, so the lead passes a → c directly, never via b."""
    scores = pd.DataFrame({"X": [0.2, 0.3, 0.4], "Y": [0.6, 0.5, 0.4]}, index=["a", "b", "c"])
    sw = ah.sweep({"X": 0.5, "Y": 0.5}, scores, "X", synthesis="absolute")
    assert sw.changes.to_dict("records") == [{"t": pytest.approx(0.5), "before": "a", "after": "c"}]


def test_sweep_of_a_parent_criterion_moves_its_leaves_together():
    scores = pd.DataFrame({"x1": [1.0, 2.0], "x2": [2.0, 1.0], "y": [1.0, 1.0]}, index=["a", "b"])
    sw = ah.sweep({"x1": 0.2, "x2": 0.3, "y": 0.5}, scores, ["x1", "x2"], name="x")
    assert sw.current == pytest.approx(0.5) and sw.criterion == "x"
    with pytest.raises(DomainError, match="all the weight"):
        ah.sweep({"x1": 1.0}, scores, "x1")
    with pytest.raises(ParameterError, match="not weighted"):
        ah.sweep({"x1": 0.5, "y": 0.5}, scores, "zz")


def test_monte_carlo_is_deterministic_for_a_seed_and_probabilities_sum_to_one():
    h = ah.hierarchy(travel_spec())
    a = h.monte_carlo(n=200, seed=7)
    b = h.monte_carlo(n=200, seed=7)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.table["p_first"].sum() == pytest.approx(1.0)
    assert a.table.iloc[0]["alternative"] == "P3" and a.table.iloc[0]["p_first"] > 0.9
    c = h.monte_carlo(n=200, seed=7, perturbation="lognormal", sigma=0.5)
    assert c.table["p_first"].sum() == pytest.approx(1.0)
    assert "ranks first" in a.summary()
    with pytest.raises(ParameterError):
        h.monte_carlo(n=10, perturbation="uniform")


def test_monte_carlo_with_zero_spread_reproduces_the_point_estimate():
    h = ah.hierarchy(travel_spec())
    mc = h.monte_carlo(n=3, seed=0, perturbation="lognormal", sigma=0.0)
    pr = h.alternatives.set_index("alternative")["priority"]
    np.testing.assert_allclose(mc.table.set_index("alternative")["mean_priority"][pr.index].to_numpy(), pr.to_numpy(),
                               rtol=1e-12)


def test_hierarchy_completes_an_incomplete_node_as_complete_does_and_says_so():
    """Issue 16: a node with missing judgements is completed (LLSM by default, Bozóki et al. 2010), not
    refused; the criteria weights equal those of ahp.complete on the same matrix."""
    spec = travel_spec()
    labs = list(TRAVEL_B)
    m = ahp.pairwise(TRAVEL, labels=labs).without((labs[0], labs[2]), (labs[1], labs[4]))
    spec["matrix"] = m.to_frame().where(np.isfinite(m.to_frame()), None).values.tolist()
    for how in ("llsm", "lambda_max", "harker"):
        h = ah.hierarchy(spec, completion=how)
        ref = ahp.complete(m, method=how)
        lw = h.weights[h.weights["level"] == 1].set_index("element")["local_weight"]
        np.testing.assert_allclose(lw[labs].to_numpy(), ref.result.weights, rtol=1e-9)
        assert len(h.completed) == 2 and set(h.completed["method"]) == {how}
        assert "2 missing judgements were filled" in h.summary() and "缺失的 2 个判断已用" in h.summary("zh")
    assert ah.hierarchy(travel_spec()).completed.empty and "missing" not in ah.hierarchy(travel_spec()).summary()
    with pytest.raises(ParameterError, match="completion="):
        ah.hierarchy(spec, completion="mean")


def test_demo_yaml_names_give_chinese_criteria_in_a_zh_build_and_a_one_language_file_still_works():
    """Issue 14: the demo files carry names: {en, zh}; load_spec(..., lang="zh") writes every element in
    Chinese, so zh sentences hold no English criterion names. A file without names is unchanged."""
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    zh = ah.hierarchy(ah.load_spec(data / "ahp_travel.yaml", lang="zh"))
    en = ah.hierarchy(ah.load_spec(data / "ahp_travel.yaml", lang="en"))
    np.testing.assert_allclose(zh.alternatives["priority"], en.alternatives["priority"])
    assert "费用" in zh.summary("zh") and "cost" not in zh.summary("zh") and "选择旅游地" in zh.summary("zh")
    assert "cost" in en.summary("en")
    assert ah.read_matrix(ah.load_spec(data / "ahp_house.yaml", lang="zh")).labels[2] == "周边环境"
    assert set(ah.read_experts(ah.load_spec(data / "ahp_rfm.yaml", lang="zh"))) == {"门店经理", "市场部", "财务部"}
    one = travel_spec()  # Chinese goal, English labels, no names: used as written
    assert ah.load_spec(one, lang="zh") == one
    # names given to hierarchy() only change the display, not the elements
    shown = ah.hierarchy(travel_spec(), names={"cost": {"en": "cost", "zh": "费用"}})
    assert shown.weights["element"].tolist() == ah.hierarchy(travel_spec()).weights["element"].tolist()
    assert "费用" in shown.summary("zh")


def test_hierarchy_summary_names_every_leaf_tied_for_the_largest_weight():
    """The five-value model gives total spend and purchase frequency the same weight (0.172); "the heaviest
    leaf criterion is purchase frequency" would be false — both are named."""
    spec = {"goal": "g", "labels": ["a", "b", "c"], "matrix": [[1, 1, 3], [1, 1, 3], ["1/3", "1/3", 1]]}
    h = ah.hierarchy(spec)
    assert h.summary().startswith("The heaviest leaf criteria are a and b (0.429 each)")
    assert h.summary("zh").startswith("权重最大的末级指标是a、b（各 0.429）")
    one = ah.hierarchy({"goal": "g", "labels": ["a", "b"], "matrix": [[1, 3], ["1/3", 1]]})
    assert one.summary().startswith("The heaviest leaf criterion is a (0.750)")


# --------------------------------------------------------------------------- plots


def test_plots_return_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmcore import ahp_plots

    h = ah.hierarchy(travel_spec())
    axes = [
        ahp.pairwise(HOUSE).plot(),
        ahp.priorities(HOUSE).plot(lang="zh"),
        h.plot(),
        h.sweep("cost").plot(lang="zh"),
        ahp_plots.plot_matrix(ahp.pairwise({("A", "B"): 2, ("B", "C"): 3})),
    ]
    for ax in axes:
        assert isinstance(ax, matplotlib.axes.Axes)
    assert axes[1].texts[-1].get_text() == "CR = 0.169"
    fig, ax = plt.subplots()
    assert ahp_plots.plot_weights(ahp.priorities(TRAVEL), ax=ax) is ax
    plt.close("all")


# --------------------------------------------------------------------------- data files & notebook


def test_data_yaml_files_reproduce_the_published_numbers():
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    trip = ah.hierarchy(data / "ahp_travel.yaml")
    pr = trip.alternatives.set_index("alternative")["priority"]
    np.testing.assert_allclose(pr[["P1", "P2", "P3"]].to_numpy(), [0.300, 0.246, 0.456], atol=1.5e-3)
    house = ah.read_matrix(data / "ahp_house.yaml").priorities()
    assert house.cr == pytest.approx(0.169, abs=5e-4)
    experts = ah.read_experts(data / "ahp_rfm.yaml")
    assert set(experts) == {"store manager", "marketing", "finance"}
    assert ah.read_matrix(data / "ahp_key_accounts.yaml").priorities().consistent
    with pytest.raises(DomainError, match="experts"):
        ah.read_experts(data / "ahp_house.yaml")


@pytest.mark.notebook
def test_ahp_notebook_runs_on_tiny_and_records_the_numbers(run_notebook):
    rec = run_notebook("06_ahp.ipynb", dataset="tiny", n_draws=30, lang="zh")
    assert rec["travel_cr"] == pytest.approx(ahp.priorities(TRAVEL).cr)
    assert rec["trip_priorities"]["P3"] == pytest.approx(0.456, abs=1.5e-3)
    assert rec["house_cr_before"] == pytest.approx(0.169, abs=5e-4) and rec["house_cr_after"] < 0.1
    assert sum(rec["rfm_weights"].values()) == pytest.approx(1.0) and set(rec["rfm_weights"]) == {"R", "F", "M"}
    assert sum(rec["value_weights"].values()) == pytest.approx(1.0)
    assert rec["n_customers"] > 0 and 0 <= rec["p_first_top"] <= 1
    assert sum(rec["key_account_tiers"].values()) <= 50
