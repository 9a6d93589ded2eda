"""Chinese reports read as Chinese: the visible prose of a zh HTML report is ≥ 80% CJK letters and holds no
English sentence (code, numbers, citations, proper names and formulas do not count)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crmcore.report import list_notebooks, prose_check, visible_prose

ROOT = Path(__file__).resolve().parent.parent
MIN_CJK_SHARE = 0.80
#: notebooks whose Chinese edition is still being written; the lead empties this set as owners finish
ZH_PENDING: set[str] = set()  # notebooks whose Chinese edition is still being written (none)


def page(body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><title>Report</title><style>p {{color: red}}</style></head>'
            f'<body><section class="crm-header"><h2>报告参数</h2><code>dataset = \'demo\'</code> Report parameters '
            f"of the notebook</section>{body}</body></html>")


def test_a_chinese_report_with_code_citations_names_and_formulas_passes():
    share, english = prose_check(page(
        "<h1>RFM 客户分群</h1><p>本报告回答：哪些客户最有价值？Huamei Retail 的 ROE 为 12.3%。</p>"
        "<p>方法依据 Hughes（Hughes 1994）与黄成明《数据化管理》。公式 $R = t_0 - t_{last}$ 中 R 表示最近一次消费。</p>"
        "<pre>rfm.rfm_table(tx, asof=asof, frequency=\"invoices\")</pre>"
        '<table class="crm-table"><tr><th>客户分群</th><th>客户数</th></tr><tr><td>重要价值客户</td><td>1,234</td></tr></table>'
        "<ul class=\"crm-findings\"><li>重要价值客户占客户总数的 12.3%，贡献了 45.6% 的销售额。</li></ul>"))
    assert english == []
    assert share >= MIN_CJK_SHARE


def test_an_english_sentence_in_a_chinese_report_fails():
    share, english = prose_check(page(
        "<h1>RFM 客户分群</h1><p>重要价值客户占客户总数的 12.3%。</p>"
        "<p>The three segments with the most revenue bring 98.1% of it.</p>"))
    assert english == ["The three segments with the most revenue bring 98.1% of it."]


def test_an_english_page_has_a_low_cjk_share():
    share, english = prose_check(page("<p>Champions buy often and recently; they are worth keeping.</p>"))
    assert share < MIN_CJK_SHARE and english


def test_visible_prose_leaves_out_scripts_styles_code_and_the_header():
    text = visible_prose(page("<script>var s = 'hidden words here';</script><p>可见文字</p><code>x_y</code>"))
    assert "可见文字" in text and "hidden" not in text and "x_y" not in text and "color" not in text
    assert "报告参数" not in text and "Report" not in text


@pytest.fixture(scope="session")
def zh_reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("zh_reports")
    subprocess.run([sys.executable, "-m", "crmcore.cli", "report", "--all", "--lang", "zh", "-j", "2",
                    "--no-progress", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    return out


@pytest.mark.notebook
@pytest.mark.parametrize("stem", [pytest.param(p.stem, marks=pytest.mark.xfail(
    p.stem in ZH_PENDING, reason="Chinese edition in progress (ZH_PENDING)", strict=False))
    for p in list_notebooks()])
def test_every_zh_report_is_chinese_prose(zh_reports, stem):
    html = zh_reports / f"{stem}-zh.html"
    assert html.exists(), f"the zh report of {stem} failed to build"
    share, english = prose_check(html.read_text(encoding="utf-8"))
    assert english == [], f"English sentences in {stem}-zh.html: {english[:10]}"
    assert share >= MIN_CJK_SHARE, f"{stem}-zh.html: only {share:.0%} of the prose letters are Chinese"
