"""Tests of crmcore.overview and notebook 00_data_overview."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmcore import overview
from tests.helpers import make_tx


@pytest.mark.notebook
def test_data_overview_smoke_on_tiny(run_notebook):
    from crmcore import data, datasets

    rec = run_notebook("00_data_overview.ipynb", dataset="tiny")
    tx = data.clean(datasets.load("tiny")).transactions
    assert rec["raw_rows"] == len(datasets.load("tiny"))
    assert rec["clean_rows"] == len(tx) and rec["customers"] == tx["customer_id"].nunique()
    assert rec["revenue"] == pytest.approx(tx["amount"].sum())
    assert rec["n_sentences"] >= 5


@pytest.mark.notebook
def test_data_overview_in_chinese(run_notebook):
    rec = run_notebook("00_data_overview.ipynb", dataset="tiny", lang="zh")
    assert rec["clean_rows"] > 0


# ---------------------------------------------------------------------------------------------
# Complete months and the plan comparison (issue 13: a plan built on a ramp-up year)
# ---------------------------------------------------------------------------------------------

def said(result, lang: str) -> str:
    """A result's sentences (``interpret`` returns a list) read as one paragraph, joined as the language writes."""
    return ("" if lang == "zh" else " ").join(result.interpret(lang))


def monthly(revenue, customers, start="2023-01"):
    """Complete months: period (month start), revenue, customers."""
    per = pd.period_range(start, periods=len(revenue), freq="M")
    return pd.DataFrame({"period": per.to_timestamp(), "revenue": np.asarray(revenue, dtype=float),
                         "customers": np.asarray(customers, dtype=float)})


def test_complete_months_drop_a_part_first_month_and_the_month_of_asof():
    # data from 2024-01-15 to 2024-04-30: January is a part month; asof 2024-04-20 cuts April (still running)
    tx = make_tx([("a", "2024-01-15", 10), ("a", "2024-02-03", 20), ("b", "2024-03-09", 30),
                  ("b", "2024-04-30", 40)])
    got = overview.complete_months(tx, "2024-04-20")
    assert [f"{p:%Y-%m}" for p in got["period"]] == ["2024-02", "2024-03"]
    # with asof after the data, April counts (the data reach its last day) …
    assert len(overview.complete_months(tx, "2024-05-01")) == 3
    # … but a last month the data end inside does not: without the last row they end on 2024-03-09
    got = overview.complete_months(tx.iloc[:3], "2024-05-01")
    assert [f"{p:%Y-%m}" for p in got["period"]] == ["2024-02"]


def test_plan_on_a_ramp_up_base_year_reports_no_achievement():
    # base year: customers 10 a month in Q1 → 40 in Q4 (×4), revenue 1,000 → 4,000; the year after
    # steady at 4,000. A naive "last year + 10%" plan would read "12 of 12 reached their target" with
    # January at 4,000 / 1,100 = 364% — a ramp-up, not a performance.
    rev = [1000] * 3 + [2000] * 3 + [3000] * 3 + [4000] * 3 + [4000] * 12
    cust = [10] * 3 + [20] * 3 + [30] * 3 + [40] * 3 + [40] * 12
    pc = overview.plan_comparison(monthly(rev, cust), growth=0.10)
    assert pc.status == "ramp_up" and pc.to_frame().empty
    en = said(pc, "en")
    assert "no achievement is reported" in en and "2023-01 to 2023-12 is a ramp-up" in en
    assert "from 10 a month in its first quarter to 40 in its last (×4.0)" in en
    assert "reached" not in en and "%" not in en.replace("10.0%", "")
    zh = said(pc, "zh")
    assert "不报告完成率" in zh and "爬坡" in zh and "4.0 倍" in zh


def test_plan_on_a_steady_base_year_is_worked_by_hand():
    # base year 1,000 every month (customers 50 → 60: ×1.2, steady); plan = 1,000 × 1.1 = 1,100.
    # The year compared sells 1,210 in 6 months (110%) and 990 in 6 months (90%):
    # 6 of 12 reached; total 6 × 1,210 + 6 × 990 = 13,200 against 13,200 → 100.0%.
    rev = [1000] * 12 + [1210, 990] * 6
    cust = [50] * 3 + [55] * 6 + [60] * 3 + [60] * 12
    pc = overview.plan_comparison(monthly(rev, cust), growth=0.10)
    assert pc.status == "ok"
    t = pc.to_frame()
    assert t["plan"].tolist() == pytest.approx([1100.0] * 12)
    assert t["achievement"].tolist() == pytest.approx([1.1, 0.9] * 6)
    assert t["base_month"].iloc[0] == "2023-01" and t["month"].iloc[0] == "2024-01"
    en = said(pc, "en")
    assert "6 of 12 months reached their plan" in en and "reached 100.0% (13,200 against 13,200)" in en
    assert "the weakest month was 2024-02 at 90.0%" in en
    assert "12 个月中 6 个月完成计划" in said(pc, "zh")


def test_plan_needs_two_full_years_of_complete_months():
    pc = overview.plan_comparison(monthly([100] * 23, [5] * 23), growth=0.1)
    assert pc.status == "short"
    assert "23 complete month(s) (2023-01 to 2024-11)" in said(pc, "en") and "needs 24" in said(pc, "en")
    assert "23 个完整月份" in said(pc, "zh")
    with pytest.raises(Exception, match="growth"):
        overview.plan_comparison(monthly([100] * 24, [5] * 24), growth=-1.5)


def test_key_figures_are_written_for_a_reader_in_either_language():
    tx = make_tx([("a", "2024-01-01", 1_000_000.0), ("b", "2024-02-01", 234.5)])
    ov = overview.overview(tx)
    kf = ov.key_figures("en").set_index("figure")["figure_value"]
    assert kf["Revenue"] == "1,000,234.50" and "e+" not in " ".join(kf)
    assert kf["Period"] == "2024-01-01 – 2024-02-01"
    zh = ov.key_figures("zh").set_index("figure")["figure_value"]
    assert zh["销售额"] == "1,000,234.50" and zh["客户数"] == "2"


def test_exercise_self_checks_accept_the_right_answer_and_explain_a_wrong_one(capsys):
    from crmcore import data, datasets
    from crmcore.exercises import n00_data_overview as ex

    raw = datasets.load("tiny")
    fall = data.clean(raw).transactions["amount"].sum() - data.clean(raw, returns="net").transactions["amount"].sum()
    assert ex.check_1(round(fall, 2), tx_raw=raw) and "Right" in capsys.readouterr().out
    assert not ex.check_1(-fall, tx_raw=raw, lang="zh") and "还不对" in capsys.readouterr().out
    tx = data.clean(raw).transactions
    growth = ex.region_growth(tx, "2026-01-01")
    assert ex.check_2(growth.idxmax(), tx=tx, asof="2026-01-01")
    assert ex.check_2({"Central": "华中"}.get(growth.idxmax(), growth.idxmax()), tx=tx, asof="2026-01-01")
    assert not ex.check_2(growth.idxmin(), tx=tx, asof="2026-01-01")
    plan = overview.plan_comparison(overview.complete_months(tx, "2026-01-01"), growth=0.25)
    n = int((plan.to_frame()["achievement"] >= 1).sum())
    assert ex.check_3(n, tx=tx, asof="2026-01-01") and not ex.check_3(n + 1, tx=tx, asof="2026-01-01")
    # a ramp-up base: the check says there is nothing to count instead of accepting any number
    assert not ex.check_3(0, tx=tx, asof="2025-01-01") and "no achievement" in capsys.readouterr().out


@pytest.mark.notebook
def test_hostile_names_in_the_data_reach_the_report_as_text(tmp_path):
    """Issue 13: customer/region/channel names with <script> or <img onerror=…> reached 00's HTML unescaped."""
    import nbformat
    import papermill as pm

    from tests.conftest import NOTEBOOKS

    script, img = "<script>alert(1)</script>", "<img src=x onerror=alert(2)>"
    rows = ["customer_id,order_id,order_date,product_id,quantity,unit_price,region,channel"]
    for m in range(1, 13):
        rows.append(f'"{script}",o{m}a,2024-{m:02d}-05 10:00,p1,1,10.0,"{img}",store')
        rows.append(f'c2,o{m}b,2024-{m:02d}-06 10:00,p2,2,4.0,North,"{script}"')
    csv = tmp_path / "evil.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.ipynb"
    nb = pm.execute_notebook(str(NOTEBOOKS / "00_data_overview.ipynb"), str(out), kernel_name="python3",
                             parameters={"data_path": str(csv), "output_dir": str(tmp_path / "o"), "lang": "zh"},
                             cwd=str(NOTEBOOKS), progress_bar=False, log_output=False)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    md = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", []))
    assert html and "<script>" not in html and "<img src=x" not in html and md == ""
    assert "&lt;img src=x onerror=alert(2)&gt;" in html  # the region name is shown as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the channel name too
    assert nbformat.validate(nb) is None


def test_overview_sentences_name_what_was_compared_in_either_language():
    tx = make_tx([("a", "2024-01-01", 10), ("b", "2024-01-03", 20)])
    ov = overview.overview(tx)
    # 2 January had no sale: one gap of one day — and the Chinese sentences are joined without a space
    assert "1 calendar day(s) without any sale, the longest gap 1 day(s) ending 2024-01-02." in said(ov, "en")
    assert "。有 1 天没有任何销售" in said(ov, "zh")
    s = overview.say("say_space", "zh", by="channel", s=pd.Timestamp("2025-01-01"), e=pd.Timestamp("2025-12-31"),
                     rest="对比平均：最高的是门店（+34.8%），最低的是小程序（-54.6%）。")
    assert s.startswith("各渠道销售额（2025-01-01 至 2025-12-31）——对比平均")
    assert overview.say("say_standard", "en", by="region", s="2025-01-01", e="2025-12-31", bench="bench_mean",
                        rest="x") == ("Average order value by region, 2025-01-01 to 2025-12-31, against the average "
                                      "order value of all orders — x")
    start, end = overview.last_year_window(monthly([1.0] * 14, [1] * 14), tx)
    assert (start, end) == (pd.Timestamp("2023-03-01"), pd.Timestamp("2024-02-29"))
