"""Tests for crmcore.dupont: hand-worked 3- and 5-step cases, published chain-substitution
examples, the laws the attributions must obey, and bad input."""
from __future__ import annotations

import itertools
import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from crmcore import dupont as dp
from crmcore.errors import DataError, DomainError, ParameterError

ROOT = Path(__file__).resolve().parents[1]
DEMO_CSV = ROOT / "data" / "dupont_demo_statements.csv"


def toy(**override) -> pd.DataFrame:
    """One company, opening balances for 2023, a full year 2024 (long table)."""
    v = {
        (2023, "total_assets"): 800.0, (2023, "equity"): 400.0,
        (2024, "net_income"): 120.0, (2024, "revenue"): 2000.0, (2024, "total_assets"): 1000.0,
        (2024, "equity"): 500.0, (2024, "pretax_income"): 160.0, (2024, "interest_expense"): 40.0,
        (2024, "operating_income"): 190.0,
    }
    for k, x in override.items():
        year, item = k.split("_", 1)
        v[(int(year[1:]), item)] = x
    rows = [("Toy", p, it, x) for (p, it), x in v.items() if x is not None]
    return pd.DataFrame(rows, columns=["company", "period", "item", "value"])


# ------------------------------------------------------------------------------------------
# hand-worked components
# ------------------------------------------------------------------------------------------

def test_three_step_average_balances_every_component_by_hand():
    """Average assets (800 + 1000)/2 = 900, average equity (400 + 500)/2 = 450.
    NPM = 120/2000 = 0.06; AT = 2000/900 = 2.2222; EM = 900/450 = 2; ROA = 120/900 = 0.13333;
    ROE = 120/450 = 0.26667 = 0.06 × 2.2222 × 2."""
    r = dp.dupont(toy(), steps=3, balance="average").row(2024)
    assert r["total_assets"] == 900 and r["equity"] == 450
    assert r["net_margin"] == pytest.approx(0.06, abs=1e-15)
    assert r["asset_turnover"] == pytest.approx(2000 / 900, rel=1e-15)
    assert r["equity_multiplier"] == pytest.approx(2.0, rel=1e-15)
    assert r["roa"] == pytest.approx(0.1333333333333, rel=1e-12)
    assert r["roe"] == pytest.approx(0.2666666666667, rel=1e-12)
    assert r["roe_product"] == pytest.approx(r["roe"], rel=1e-14)
    assert r["balance_basis"] == "average"


def test_three_step_year_end_balances_every_component_by_hand():
    """Year-end: AT = 2000/1000 = 2, EM = 1000/500 = 2, ROA = 0.12, ROE = 120/500 = 0.24."""
    r = dp.dupont(toy(), steps=3, balance="end").row(2024)
    assert (r["net_margin"], r["asset_turnover"], r["equity_multiplier"]) == pytest.approx((0.06, 2.0, 2.0))
    assert r["roa"] == pytest.approx(0.12) and r["roe"] == pytest.approx(0.24)


def test_five_step_ebit_as_pretax_plus_interest_every_component_by_hand():
    """EBIT = 160 + 40 = 200. TB = 120/160 = 0.75; IB = 160/200 = 0.8; EBIT margin = 200/2000 = 0.1;
    AT = 2.2222; EM = 2; product = 0.75 × 0.8 × 0.1 × 2.2222 × 2 = 0.26667 = ROE."""
    res = dp.dupont(toy(), steps=5, balance="average", ebit="pretax_plus_interest")
    r = res.row(2024)
    assert res.factors == ("tax_burden", "interest_burden", "ebit_margin", "asset_turnover", "equity_multiplier")
    assert r["ebit"] == 200
    assert r["tax_burden"] == pytest.approx(0.75, abs=1e-15)
    assert r["interest_burden"] == pytest.approx(0.8, abs=1e-15)
    assert r["ebit_margin"] == pytest.approx(0.1, abs=1e-15)
    assert r["asset_turnover"] == pytest.approx(2000 / 900)
    assert r["equity_multiplier"] == pytest.approx(2.0)
    assert r["net_margin"] == pytest.approx(0.06)  # = TB × IB × EBIT margin = 0.75 × 0.8 × 0.1
    assert r["roe_product"] == pytest.approx(120 / 450, rel=1e-14)
    assert res.conventions() == {"steps": 5, "balance": "average", "ebit": "pretax_plus_interest",
                                 "missing_prior": "skip", "nonpositive_equity": "raise"}


def test_five_step_ebit_as_operating_income_every_component_by_hand():
    """EBIT = operating income 190: IB = 160/190 = 0.842105; EBIT margin = 190/2000 = 0.095;
    TB unchanged 0.75; product still 0.75 × 0.842105 × 0.095 × 2.2222 × 2 = 0.26667."""
    r = dp.dupont(toy(), steps=5, ebit="operating_income").row(2024)
    assert r["tax_burden"] == pytest.approx(0.75)
    assert r["interest_burden"] == pytest.approx(0.8421052631578947, rel=1e-14)
    assert r["ebit_margin"] == pytest.approx(0.095, rel=1e-14)
    assert r["roe_product"] == pytest.approx(0.2666666666667, rel=1e-12)


def test_five_step_components_follow_item_names_so_operating_and_pretax_cannot_be_swapped():
    """A tool that reads statement lines by position could swap operating and pre-tax income: ROE would
    survive, the components would not. Here the burdens follow the *names*: TB = NI/EBT, IB = EBT/EBIT,
    EBIT margin = EBIT/revenue, whatever the row or column order."""
    fin = toy()
    res = dp.dupont(fin, steps=5, ebit="operating_income")
    r = res.row(2024)
    assert r["tax_burden"] == pytest.approx(120 / 160)  # NI / pre-tax, not NI / operating (0.6316)
    assert r["tax_burden"] != pytest.approx(120 / 190)
    assert r["interest_burden"] == pytest.approx(160 / 190)  # EBT / EBIT, not EBIT / EBT (1.1875)
    assert r["ebit_margin"] == pytest.approx(190 / 2000)  # EBIT / revenue, not EBT / revenue (0.08)
    # shuffled rows and a wide table with shuffled columns give the same components
    shuffled = fin.sample(frac=1, random_state=3)
    wide = fin.pivot(index=["company", "period"], columns="item", values="value").reset_index()
    wide = wide[["period", "company", "operating_income", "equity", "pretax_income", "net_income", "revenue",
                 "total_assets", "interest_expense"]]
    for other in (shuffled, wide):
        o = dp.dupont(other, steps=5, ebit="operating_income").row(2024)
        for k in res.factors:
            assert o[k] == pytest.approx(r[k], rel=1e-15), k
    # the swapped statement (EBT 190 > "EBIT" 160) is not accepted silently: a warning names it
    swapped = toy(y2024_pretax_income=190.0, y2024_operating_income=160.0)
    w = dp.dupont(swapped, steps=5, ebit="operating_income").warnings
    assert any("interest burden 1.188 > 1" in x and "swapped" in x for x in w)


def test_five_step_never_falls_back_to_another_income_line_when_one_is_missing():
    with pytest.raises(DataError, match=r"item 'operating_income' \(营业利润\) is missing for company 'Toy' period 2024"):
        dp.dupont(toy(y2024_operating_income=None), steps=5, ebit="operating_income")
    with pytest.raises(DataError, match=r"item 'pretax_income' \(利润总额\) is missing.*steps=3"):
        dp.dupont(toy(y2024_pretax_income=None), steps=5)


def test_reported_roe_reconciles_and_a_percentage_is_flagged():
    ok = dp.dupont(toy(y2024_roe=0.2667)).row(2024)
    assert ok["reconciliation_error"] == pytest.approx(120 / 450 - 0.2667, abs=1e-15)
    res = dp.dupont(toy(y2024_roe=26.67))
    assert res.row(2024)["reconciliation_error"] == pytest.approx(120 / 450 - 26.67)
    assert any("looks like a percentage" in w for w in res.warnings)


def test_balance_comparison_shows_year_end_versus_average_roe():
    """ROE 0.24 on year-end equity 500 against 0.26667 on average equity 450: gap −0.026667."""
    t = dp.balance_comparison(toy())
    row = t.iloc[0]
    assert row["roe_end"] == pytest.approx(0.24)
    assert row["roe_average"] == pytest.approx(120 / 450)
    assert row["roe_gap"] == pytest.approx(0.24 - 120 / 450)


# ------------------------------------------------------------------------------------------
# published chain-substitution examples
# ------------------------------------------------------------------------------------------

def test_textbook_chain_substitution_2008_2009_example_published_effects():
    """Worked example of 因素分析法 on 权益净利率 in a Chinese financial-analysis course handout
    (财务分析计算题, hosted at http://www.hezhiquan.com/docs/view/649292cd3b4748cda5b5833eee4524e1_3.html,
    retrieved 2026-11; book of origin not identified):
    2008: 销售净利率 16% × 总资产周转率 0.5 × 权益乘数 2.2 = 17.6%;
    2009: 净利润 117.6, 销售收入 840, 资产总额 1400, 所有者权益 700 → 14% × 0.6 × 2 = 16.8%.
    Published effects: 销售净利率 15.4% − 17.6% = −2.2%; 总资产周转率 18.48% − 15.4% = +3.08%;
    权益乘数 16.8% − 18.48% = −1.68%; check −2.2% + 3.08% − 1.68% = −0.8%.
    Arithmetic re-done: 0.14×0.5×2.2 = 0.154; 0.14×0.6×2.2 = 0.1848; 0.14×0.6×2 = 0.168."""
    y2009 = pd.DataFrame({"公司": ["例"] * 4, "年度": ["2009年"] * 4, "项目": ["净利润", "销售收入", "资产总额", "所有者权益"],
                          "金额": [117.6, 840, 1400, 700]})
    r = dp.dupont(y2009, balance="end").row(2009)
    assert (r["net_margin"], r["asset_turnover"], r["equity_multiplier"], r["roe"]) == pytest.approx((0.14, 0.6, 2.0, 0.168))
    base = {"net_margin": 0.16, "asset_turnover": 0.5, "equity_multiplier": 2.2}
    cur = {k: float(r[k]) for k in base}
    a = dp.attribute(base, cur, method="chain")
    assert a.base_total == pytest.approx(0.176) and a.current_total == pytest.approx(0.168)
    assert a.effects["chain"].tolist() == pytest.approx([-0.022, 0.0308, -0.0168], abs=1e-12)
    assert a.change == pytest.approx(-0.008)
    # the order matters: substitute the multiplier first and its effect is 16%×0.5×(2−2.2) = −1.6%
    alt = dp.attribute(base, cur, order=["equity_multiplier", "net_margin", "asset_turnover"])
    assert alt.effects.loc["equity_multiplier", "chain"] == pytest.approx(-0.016, abs=1e-12)
    assert a.effects.loc["equity_multiplier", "chain_min"] <= -0.0168 < -0.016 <= a.effects.loc["equity_multiplier", "chain_max"]


def test_question_bank_chain_substitution_example_published_effects():
    """Worked answer in a Chinese accounting question bank (净资产收益率 factor analysis,
    http://222.198.130.40:8081/view/Subject/showsubject.aspx?id=629c5650856b42268fc5ac05e094cb54):
    base 20% × 1 × 1.2 = 24%, current 22% × 1.2 × 1.5 = 39.6%, change +15.6%.
    First substitution 22%×1×1.2 = 26.4% → +2.4%; second 22%×1.2×1.2 = 31.68% → +5.28%;
    third 22%×1.2×1.5 = 39.6% → +7.92%."""
    a = dp.attribute({"net_margin": 0.20, "asset_turnover": 1.0, "equity_multiplier": 1.2},
                     {"net_margin": 0.22, "asset_turnover": 1.2, "equity_multiplier": 1.5})
    assert a.effects["chain"].tolist() == pytest.approx([0.024, 0.0528, 0.0792], abs=1e-12)
    assert a.change == pytest.approx(0.156, abs=1e-12)


def test_intermediate_accounting_material_cost_example_chain_and_difference_methods():
    """因素分析法 worked example of the 中级会计职称《财务管理》 course (chapter 财务分析与评价), as
    reproduced in exam-prep material (search: pages corpus, "材料费用总额=产量×单位产品材料消耗量×材料单价"):
    plan 100 × 8 × 5 = 4,000 元; actual 110 × 7 × 6 = 4,620 元.
    First substitution 110×8×5 = 4,400 → +400 (output); second 110×7×5 = 3,850 → −550 (material saved);
    third 110×7×6 = 4,620 → +770 (price); 400 − 550 + 770 = 620. The difference method (差额分析法)
    gives the same: (110−100)×8×5 = 400; 110×(7−8)×5 = −550; 110×7×(6−5) = 770.
    The product need not be ROE: attribute() works for any product of factors."""
    a = dp.attribute({"output": 100, "usage": 8, "price": 5}, {"output": 110, "usage": 7, "price": 6})
    assert a.effects["chain"].tolist() == pytest.approx([400, -550, 770], abs=1e-9)
    assert (a.base_total, a.current_total, a.change) == pytest.approx((4000, 4620, 620))
    diff = [(110 - 100) * 8 * 5, 110 * (7 - 8) * 5, 110 * 7 * (6 - 5)]
    assert a.effects["chain"].tolist() == pytest.approx(diff)


# ------------------------------------------------------------------------------------------
# laws
# ------------------------------------------------------------------------------------------

def _random_cases(n_cases=80, positive=False, seed=20261123):
    rng = np.random.default_rng(seed)
    for _ in range(n_cases):
        n = int(rng.integers(2, 6))
        lo = 0.05 if positive else -1.5
        x0, x1 = rng.uniform(lo, 3, n), rng.uniform(lo, 3, n)
        names = [f"f{i}" for i in range(n)]
        yield dict(zip(names, x0)), dict(zip(names, x1))


def test_product_of_components_equals_roe_for_every_demo_row_and_convention():
    for steps, balance, ebit in itertools.product((3, 5), ("average", "end"), ("operating_income", "pretax_plus_interest")):
        t = dp.dupont(dp.demo_statements(), steps=steps, balance=balance, ebit=ebit).table
        prod = np.prod(t[list(dp.FACTORS_5 if steps == 5 else dp.FACTORS_3)].to_numpy(), axis=1)
        np.testing.assert_allclose(prod, t["net_income"] / t["equity"], rtol=1e-13)
        np.testing.assert_allclose(t["roe_product"], t["roe"], rtol=1e-13)


def test_chain_effects_sum_to_the_change_for_every_order():
    for b, c in _random_cases():
        change = math.prod(c.values()) - math.prod(b.values())
        orders = dp.chain_all_orders(b, c)
        assert len(orders) == math.factorial(len(b))
        np.testing.assert_allclose(orders.sum(axis=1), change, atol=1e-12)


def test_shapley_equals_mean_of_chain_effects_over_all_orders_and_sums_to_change():
    for b, c in _random_cases():
        a = dp.attribute(b, c, method="all")
        mean = dp.chain_all_orders(b, c).mean(axis=0)
        np.testing.assert_allclose(a.effects["shapley"], mean[list(b)], atol=1e-12)
        assert a.effects["shapley"].sum() == pytest.approx(a.change, abs=1e-12)
        assert (a.effects["chain_min"] <= a.effects["shapley"] + 1e-12).all()
        assert (a.effects["shapley"] <= a.effects["chain_max"] + 1e-12).all()


def test_lmdi_sums_to_the_change_for_positive_factors():
    for b, c in _random_cases(positive=True):
        a = dp.attribute(b, c, method="lmdi")
        assert a.effects["lmdi"].sum() == pytest.approx(a.change, rel=1e-10, abs=1e-12)


def test_lmdi_single_factor_change_equals_the_whole_change():
    """Only turnover moves (0.5 → 0.6): every method gives it the whole change 0.16×0.1×2.2 = 0.0352."""
    a = dp.attribute({"m": 0.16, "t": 0.5, "e": 2.2}, {"m": 0.16, "t": 0.6, "e": 2.2}, method="all")
    for col in ("chain", "shapley", "lmdi"):
        assert a.effects[col].tolist() == pytest.approx([0, 0.0352, 0], abs=1e-12)


def test_lmdi_is_refused_with_a_reason_for_nonpositive_or_sign_changing_factors():
    b = {"net_margin": -0.02, "asset_turnover": 2.0, "equity_multiplier": 2.0}
    c = {"net_margin": 0.03, "asset_turnover": 2.1, "equity_multiplier": 2.0}
    with pytest.raises(DomainError, match="'net_margin' changes sign"):
        dp.attribute(b, c, method="lmdi")
    with pytest.raises(DomainError, match=r"'net_margin' is -0.02 \(≤ 0\)"):
        dp.attribute(b, {**c, "net_margin": -0.01}, method="lmdi")
    a = dp.attribute(b, c, method="all")
    assert a.effects["lmdi"].isna().all() and "changes sign" in a.lmdi_refused
    assert a.effects["shapley"].sum() == pytest.approx(a.change)


# ------------------------------------------------------------------------------------------
# reading: layouts and aliases
# ------------------------------------------------------------------------------------------

def test_chinese_long_wide_and_periods_across_layouts_give_the_same_numbers():
    en = dp.dupont(toy()).row(2024)
    zh_items = {"net_income": "净利润", "revenue": "营业收入", "total_assets": "总资产", "equity": "所有者权益",
                "pretax_income": "利润总额", "interest_expense": "利息费用", "operating_income": "营业利润"}
    long_zh = toy().replace({"item": zh_items}).rename(columns={"company": "公司", "period": "年度", "item": "项目", "value": "金额"})
    wide = toy().pivot(index=["company", "period"], columns="item", values="value").reset_index()
    across = toy().pivot(index="item", columns="period", values="value").reset_index()
    across.columns = ["项目", "2023年", "2024年"]
    across["项目"] = across["项目"].map(zh_items)
    for t in (long_zh, wide, across):
        r = dp.dupont(t).row(2024)
        for k in ("net_margin", "asset_turnover", "equity_multiplier", "roe"):
            assert r[k] == pytest.approx(en[k], rel=1e-15)


def test_quarterly_periods_average_with_the_previous_quarter():
    """2024Q1 balances 800/400, 2024Q2 1000/500: Q2 ROE = 120 / 450 on the average of the two quarters."""
    q = toy().astype({"period": object}).replace({"period": {2023: "2024Q1", 2024: "2024Q2"}})
    res = dp.dupont(q)
    assert res.table["period"].tolist() == ["2024Q2"]
    assert res.row("2024Q2")["roe"] == pytest.approx(120 / 450)
    assert res.warnings == ()  # 2024Q1 holds balances only: it is an opening balance, not a period to analyse


def test_attribution_table_has_an_exact_total_row_and_percentage_points():
    a = dp.attribute({"net_margin": 0.20, "asset_turnover": 1.0, "equity_multiplier": 1.2},
                     {"net_margin": 0.22, "asset_turnover": 1.2, "equity_multiplier": 1.5}, method="all")
    t = a.to_frame(pp=True)
    assert t.loc["total", ["chain", "shapley", "lmdi"]].tolist() == pytest.approx([15.6] * 3, abs=1e-10)
    assert t.loc["total", ["base", "current"]].tolist() == pytest.approx([0.24, 0.396])
    assert t.loc["total", ["chain_min", "chain_max"]].isna().all()  # ranges do not add up
    assert t.loc["asset_turnover", "base"] == 1.0  # factor values are not scaled
    assert "warnings" in dp.dupont(dp.demo_statements())._repr_html_()


def test_demo_csv_matches_demo_statements_and_is_a_retailer_of_a_few_million():
    t = dp.read_statements(DEMO_CSV)
    pd.testing.assert_frame_equal(t, dp.read_statements(dp.demo_statements()), check_dtype=False)
    rev = t[t["item"] == "revenue"]
    assert rev["value"].between(1e6, 1e7).all()
    assert set(t["company"]) == {"Huamei Retail", "Lvyuan Mart"}
    res = dp.dupont(DEMO_CSV)
    assert res.row(2024, company="Huamei Retail")["roe"] == pytest.approx(171_000 / 985_000)
    assert res.table["reconciliation_error"].abs().max() < 5e-5


def test_missing_prior_year_skips_or_uses_year_end_with_a_warning():
    res = dp.dupont(dp.demo_statements())
    assert 2021 not in set(res.table["period"])
    assert any("Huamei Retail 2021: skipped" in w and "2020" in w for w in res.warnings)
    res = dp.dupont(dp.demo_statements(), missing_prior="end")
    r = res.row(2021, company="Huamei Retail")
    assert r["balance_basis"] == "end" and r["roe"] == pytest.approx(147_000 / 1_000_000)
    assert any("year-end balances used" in w for w in res.warnings)


def test_negative_income_and_negative_ebit_are_computed_with_warnings():
    res = dp.dupont(toy(y2024_net_income=-50.0, y2024_pretax_income=-60.0, y2024_interest_expense=10.0), steps=5)
    r = res.row(2024)
    assert r["roe"] == pytest.approx(-50 / 450) and r["ebit"] == -50
    assert any("net income is negative" in w for w in res.warnings)
    assert any("EBIT is negative" in w for w in res.warnings)


# ------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------

def test_zero_equity_is_a_domain_error_naming_company_and_period():
    with pytest.raises(DomainError, match=r"equity is 0.00 for company 'Toy' period 2024.*nonpositive_equity='drop'"):
        dp.dupont(toy(y2024_equity=0.0), balance="end")


def test_negative_equity_raises_or_is_dropped_on_request():
    fin = pd.concat([toy(y2024_equity=-100.0), toy().assign(company="Peer")])
    with pytest.raises(DomainError, match="equity is -100.00 for company 'Toy'"):
        dp.dupont(fin, balance="end")
    res = dp.dupont(fin, balance="end", nonpositive_equity="drop")
    assert res.companies == ["Peer"]
    assert any("row dropped" in w and "Toy 2024" in w for w in res.warnings)


def test_missing_item_names_the_item_company_and_period():
    with pytest.raises(DataError, match=r"item 'net_income' \(净利润\) is missing for company 'Toy' period 2024; "
                                        r"items found for Toy 2024: .*revenue.*Add that row"):
        dp.dupont(toy(y2024_net_income=None))


def test_periods_that_do_not_line_up():
    # a gap: 2022 and 2024 only, so average balances for 2024 have no 2023
    gap = toy().replace({"period": {2023: 2022}})
    with pytest.raises(DomainError, match="no company-period could be analysed.*prior period 2023.*missing_prior='end'"):
        dp.dupont(gap)
    # asking for a period that was not analysed
    res = dp.dupont(dp.demo_statements())
    with pytest.raises(DataError, match="has no DuPont row for period 2021; periods analysed: 2022, 2023, 2024"):
        res.attribute(2021, 2024, company="Huamei Retail")
    # base and current with different factors
    with pytest.raises(DataError, match="do not line up"):
        dp.attribute({"a": 1, "b": 2}, {"a": 1, "c": 2})
    # peers compared on a period one company lacks
    short = dp.demo_statements()
    short = short[~((short["company"] == "Lvyuan Mart") & (short["period"] == 2024))]
    with pytest.raises(DataError, match="periods do not line up: 'Lvyuan Mart'"):
        dp.plot_peers(dp.dupont(short), periods=[2023, 2024])


def test_unreadable_values_periods_and_layouts_are_data_errors():
    bad = toy().astype({"value": object})
    bad.loc[3, "value"] = "n/a"
    with pytest.raises(DataError, match=r"column 'value'.*1 of 9 values are not numbers \(row 3: 'n/a'\)"):
        dp.read_statements(bad)
    assert dp.read_statements(toy().astype({"value": str}).replace({"value": {"2000.0": "2,000"}}))["value"].sum() == toy()["value"].sum()
    with pytest.raises(DataError, match=r"column 'period'.*are not periods.*'last year'"):
        dp.read_statements(toy().astype({"period": object}).replace({"period": {2023: "last year"}}))
    with pytest.raises(DataError, match="layout is not recognised.*Columns found: a, b"):
        dp.read_statements(pd.DataFrame({"a": [1], "b": [2]}))
    dup = pd.concat([toy(), pd.DataFrame([["Toy", 2024, "净利润", 99.0]], columns=toy().columns)])
    with pytest.raises(DataError, match=r"'net_income' \(净利润\) appears more than once"):
        dp.read_statements(dup)
    with pytest.raises(DataError, match="does not exist"):
        dp.read_statements("/nonexistent/statements.csv")


def test_bad_parameters_are_parameter_errors():
    with pytest.raises(ParameterError, match="steps=4 is not an option"):
        dp.dupont(toy(), steps=4)
    with pytest.raises(ParameterError, match="balance='closing'"):
        dp.dupont(toy(), balance="closing")
    with pytest.raises(ParameterError, match="order must list every factor once.*missing \\['c'\\]"):
        dp.attribute({"a": 1, "b": 2, "c": 3}, {"a": 2, "b": 2, "c": 3}, order=["a", "b"])
    with pytest.raises(ParameterError, match="method='dea'"):
        dp.attribute({"a": 1}, {"a": 2}, method="dea")


# ------------------------------------------------------------------------------------------
# interpretation and plots
# ------------------------------------------------------------------------------------------

def test_interpretation_names_the_driver_in_english_and_chinese():
    """The 2008→2009 example: ROE 17.6% → 16.8%; turnover has the largest chain effect (+3.08 pp)."""
    a = dp.attribute({"net_margin": 0.16, "asset_turnover": 0.5, "equity_multiplier": 2.2},
                     {"net_margin": 0.14, "asset_turnover": 0.6, "equity_multiplier": 2.0})
    en = " ".join(a.interpret("en"))
    assert "ROE fell from 17.6% in base to 16.8% in current (-0.80 pp)" in en
    assert ("The largest single effect came from total asset turnover, which rose from 0.50× to 0.60× "
            "and added 3.08 pp to ROE.") in en
    assert "The fall came from net profit margin (-2.20 pp) and equity multiplier (-1.68 pp)" in en
    assert "over all 6 orders its chain-substitution effect ranges from +2.80 pp to +3.52 pp" in en
    zh = "".join(a.interpret("zh"))
    assert "下降0.80个百分点" in zh and "影响最大的因素是总资产周转率，由0.50次升至0.60次，使净资产收益率提高3.08个百分点" in zh
    with pytest.raises(ParameterError):
        a.interpret("fr")


def test_interpretation_follows_the_data_on_the_demo():
    a = dp.dupont(dp.demo_statements()).attribute(2023, 2024, company="Huamei Retail", method="all")
    en = " ".join(a.interpret())
    assert en.startswith("ROE rose from 17.1% in 2023 to 17.4% in 2024 (+0.26 pp).")
    assert en.split(" pp). ")[1].startswith("The largest single effect came from net profit margin, which fell from 4.0% to 3.5%")
    assert "Shapley" in en
    assert a.interpret("zh")[0].startswith("净资产收益率由2023年的17.1%升至2024年的17.4%")


def test_interpretation_never_says_rose_from_a_value_to_the_same_value():
    """ROE 17.10% → 17.14%: at one decimal both read 17.1%; the sentence shows enough decimals to differ.
    A factor that barely moved (2.240 → 2.243) is printed with three decimals, not "from 2.24× to 2.24×"."""
    a = dp.attribute({"net_margin": 0.0855, "asset_turnover": 1.0, "equity_multiplier": 2.0},
                     {"net_margin": 0.0857, "asset_turnover": 1.0, "equity_multiplier": 2.0})
    s = a.interpret()
    assert s[0] == "ROE rose from 17.10% in base to 17.14% in current (+0.04 pp)."
    assert "which rose from 8.55% to 8.57%" in s[1]
    assert a.interpret("zh")[0].startswith("净资产收益率由base的17.10%升至current的17.14%")
    b = dp.attribute({"net_margin": 0.05, "asset_turnover": 2.240, "equity_multiplier": 2.0},
                     {"net_margin": 0.05, "asset_turnover": 2.243, "equity_multiplier": 2.0})
    assert "from 2.240× to 2.243×" in b.interpret()[1]


def test_actions_flag_leverage_gains_as_risk_and_name_each_factor_that_cut_roe():
    """Demo 5-step 2023→2024: ROE rose, but the EBIT margin (−1.81 pp) and the interest burden (−0.41 pp)
    pulled it down and leverage (+1.49 pp) did much of the lifting — a naive "ROE rose: well done" is false."""
    a = dp.dupont(dp.demo_statements(), steps=5).attribute(2023, 2024, company="Huamei Retail", method="all")
    en = dp.actions(a)
    assert en[0].startswith("EBIT margin took 1.81 pp off ROE")
    assert any(x.startswith("Higher leverage (equity multiplier) added 1.49 pp to ROE") and "not better operations" in x
               for x in en)
    assert any(x.startswith("Interest burden took 0.41 pp off ROE") for x in en)
    assert not any("Tax burden" in x for x in en)  # 0.00 pp: below the 0.05 pp floor
    zh = dp.actions(a, "zh")
    assert zh[0].startswith("息税前利润率使净资产收益率降低1.81个百分点")
    assert any("负债融资" in x for x in zh)
    flat = dp.attribute({"a": 1.0, "b": 2.0}, {"a": 1.0, "b": 2.0})
    assert dp.actions(flat) == ["No factor moved ROE by 0.05 pp or more: no action follows from this comparison."]


def test_report_tables_read_as_a_manager_reads_them_in_both_languages():
    fin = dp.read_statements(DEMO_CSV)
    res = dp.dupont(fin, steps=5)
    t = dp.components_table(res, "zh", company="Huamei Retail")
    assert list(t.columns) == ["公司", "期间", "税负", "利息负担", "息税前利润率", "总资产周转率", "权益乘数", "净资产收益率"]
    assert t.iloc[-1].tolist() == ["华美零售", "2024", "0.750", "0.832", "5.6%", "2.37次", "2.11倍", "17.4%"]
    a = res.attribute(2023, 2024, company="Huamei Retail", method="all")
    at = dp.attribution_table(a, "en")
    assert at.iloc[-1]["Factor"] == "Total" and at.iloc[-1]["Shapley (pp)"] == "+0.26"
    st = dp.statements_table(fin, "Huamei Retail", "en")
    assert st.set_index("Item").loc["revenue", "2024"] == "4,920,000"
    assert not any("e+" in v for v in st.to_numpy().ravel().astype(str))
    assert dp.warnings_text(res, "zh")[0].startswith("华美零售 2021年：未计算")


def test_five_step_with_ebit_as_operating_income_is_financetoolkit_extended_dupont():
    """FinanceToolkit 2.3.0, models.get_extended_dupont_analysis: interest burden = income before tax /
    operating income, tax burden = net income / income before tax, operating profit margin = operating
    income / revenue, asset turnover = revenue / average total assets, equity multiplier = average
    total assets / average total equity. crmcore's ebit="operating_income" gives the same numbers."""
    fin = dp.demo_statements()
    res = dp.dupont(fin, steps=5, ebit="operating_income", balance="average")
    w = fin.pivot(index=["company", "period"], columns="item", values="value")
    for (c, p), r in w.iterrows():
        if p == 2021:
            continue
        prev = w.loc[(c, p - 1)]
        avg_ta, avg_eq = (r["total_assets"] + prev["total_assets"]) / 2, (r["equity"] + prev["equity"]) / 2
        ft = {"tax_burden": r["net_income"] / r["pretax_income"],
              "interest_burden": r["pretax_income"] / r["operating_income"],
              "ebit_margin": r["operating_income"] / r["revenue"], "asset_turnover": r["revenue"] / avg_ta,
              "equity_multiplier": avg_ta / avg_eq}
        row = res.row(p, company=c)
        for k, v in ft.items():
            assert row[k] == pytest.approx(v, rel=1e-15, abs=1e-16), (c, p, k)
    assert "swaps" not in dp.__doc__ and "FinanceToolkit 2.3.0" in dp.__doc__


def test_tree_colours_boxes_by_direction_and_labels_in_chinese():
    res = dp.dupont(dp.demo_statements())
    ax = dp.plot_tree(res, 2023, 2024, company="Huamei Retail", lang="zh")
    boxes = {t.get_text().split("\n")[0]: t for t in ax.texts if "→" in t.get_text()}
    assert set(boxes) == {"净资产收益率", "总资产净利率", "权益乘数", "销售净利率", "总资产周转率"}
    green, red = matplotlib.colors.to_rgb(dp.UP_COLOR), matplotlib.colors.to_rgb(dp.DOWN_COLOR)
    assert matplotlib.colors.to_rgb(boxes["净资产收益率"].get_bbox_patch().get_edgecolor()) == green
    assert matplotlib.colors.to_rgb(boxes["销售净利率"].get_bbox_patch().get_edgecolor()) == red
    assert "平均余额" in ax.get_title()
    ax5 = dp.plot_tree(dp.dupont(dp.demo_statements(), steps=5), company="Lvyuan Mart")
    labels = {t.get_text().split("\n")[0] for t in ax5.texts}
    assert {"tax burden", "interest burden", "EBIT margin"} <= labels
    assert "EBIT = pre-tax income + interest" in ax5.get_title()


def test_waterfall_bars_follow_the_effects_and_whiskers_span_the_order_range():
    a = dp.attribute({"net_margin": 0.16, "asset_turnover": 0.5, "equity_multiplier": 2.2},
                     {"net_margin": 0.14, "asset_turnover": 0.6, "equity_multiplier": 2.0}, method="all")
    ax = a.plot()
    heights = [p.get_height() for p in ax.patches]
    assert heights[0] == pytest.approx(17.6) and heights[-1] == pytest.approx(16.8)
    assert heights[1:4] == pytest.approx((a.effects["shapley"] * 100).tolist())
    assert len(ax.collections) == 3  # one whisker per factor
    assert "6 orders" in ax.get_title()
    ax2 = dp.plot_waterfall(a, effect="chain", lang="zh")
    assert [p.get_height() for p in ax2.patches][1:4] == pytest.approx([-2.2, 3.08, -1.68])


def test_trends_and_peers_draw_one_line_per_series():
    res = dp.dupont(dp.demo_statements())
    ax = dp.plot_trends(res, company="Huamei Retail", lang="zh")
    assert [l.get_label() for l in ax.get_lines()][:4] == ["净资产收益率", "销售净利率", "总资产周转率", "权益乘数"]
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(100)
    ax = res.plot("peers")
    assert {l.get_label() for l in ax.get_lines()} >= {"Huamei Retail", "Lvyuan Mart"}


# ------------------------------------------------------------------------------------------
# notebook
# ------------------------------------------------------------------------------------------

def test_exercise_self_checks_accept_right_and_refuse_wrong_answers(capsys):
    from crmcore.exercises import n04_dupont as ex

    fin = dp.read_statements(DEMO_CSV)
    # Huamei 2024 on year-end balances: 171,000 / 960,000 = 17.8125%
    assert ex.check_1(171_000 / 960_000, fin=fin, company="Huamei Retail", period="2024")
    assert not ex.check_1(171_000 / 985_000, fin=fin, company="Huamei Retail", period="2024")  # average equity
    assert not ex.check_1(17.8125, fin=fin, company="Huamei Retail", period="2024", lang="zh")
    assert "百分数" in capsys.readouterr().out
    res = dp.dupont(fin)
    kw = dict(result=res, base_period="2023", current_period="2024")
    assert ex.check_2("net_margin", company="Huamei Retail", **kw)
    assert ex.check_2("销售净利率", company="Huamei Retail", **kw)
    assert not ex.check_2("equity multiplier", company="Huamei Retail", **kw)
    # Lvyuan's ROE rose, but the largest effect is the multiplier pulling it down (−0.72 pp, 5-step)
    res5 = dp.dupont(fin, steps=5)
    assert ex.check_3("equity multiplier", result=res5, base_period="2023", current_period="2024", company="Lvyuan Mart")
    assert not ex.check_3("total asset turnover", result=res5, base_period="2023", current_period="2024",
                          company="Lvyuan Mart")


def test_compare_periods_derive_company_and_periods_from_the_file():
    res = dp.dupont(dp.read_statements(DEMO_CSV))
    assert dp.compare_periods(res) == ("Huamei Retail", "2023", "2024")
    assert dp.compare_periods(res, "Lvyuan Mart", "", "2023") == ("Lvyuan Mart", "2022", "2023")
    with pytest.raises(DataError, match="no analysed period before 2022"):
        dp.compare_periods(res, "Lvyuan Mart", "", "2022")


@pytest.mark.notebook
def test_dupont_notebook_in_chinese_reports_findings_and_actions(run_notebook):
    rec = run_notebook("04_dupont.ipynb", lang="zh")
    assert rec["conventions"]["steps"] == 5  # the notebook default is the report's 5-step split
    assert rec["findings"][0] == "净资产收益率由2023年的17.1%升至2024年的17.4%，上升0.26个百分点。"
    assert rec["actions"][0].startswith("息税前利润率使净资产收益率降低1.81个百分点")


@pytest.mark.notebook
def test_dupont_notebook_runs_and_records_the_demo_numbers(run_notebook):
    rec = run_notebook("04_dupont.ipynb", steps=5)
    assert rec["roe_current"] == pytest.approx(171_000 / 985_000, abs=1e-4)
    assert rec["roe_change"] == pytest.approx(171_000 / 985_000 - 177_000 / 1_035_000, abs=1e-4)
    assert sum(rec["shapley_effects"].values()) == pytest.approx(rec["roe_change"], abs=1e-9)
    assert rec["main_driver"] in ("tax_burden", "interest_burden", "ebit_margin", "asset_turnover", "equity_multiplier")

