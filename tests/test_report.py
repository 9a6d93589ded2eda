"""End to end: `crm report` runs a notebook with parameters and writes an offline HTML report."""
from __future__ import annotations

import re
from html import unescape
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.notebook
ROOT = Path(__file__).resolve().parent.parent


def crm(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "crmcore.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    res = crm("report", "00_data_overview", "-p", "dataset", "tiny", "--out", str(out))
    assert res.returncode == 0, res.stderr
    return out, res


def test_report_html_has_plots_header_and_no_code(built):
    out, _ = built
    html = (out / "00_data_overview.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') >= 3  # monthly, time and space plots
    assert "Report parameters" in html and "dataset = 'tiny'" in unescape(html)
    assert "tiny_transactions.csv.gz" in html and re.search(r"sha256 [0-9a-f]{64}", html)
    assert "crm.setup_notebook" not in html and "overview.plot_monthly(ov" not in html  # inputs hidden
    assert "hl-ipython3" not in html  # no highlighted code block
    assert "Solution 1" not in html  # solution cells are not part of the report


def test_report_loads_nothing_from_the_internet(built):
    out, _ = built
    for page in ("00_data_overview.html", "index.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html), page
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", html), page
    html = (out / "00_data_overview.html").read_text(encoding="utf-8")
    assert "window.MathJax" in html  # formulas render from the bundled MathJax


def test_index_lists_the_report_with_its_parameters(built):
    out, _ = built
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="00_data_overview.html"' in index and "dataset = 'tiny'" in unescape(index)


def test_unknown_parameter_is_refused_before_running(tmp_path):
    res = crm("report", "00", "-p", "datset", "tiny", "--out", str(tmp_path))
    assert res.returncode == 2
    assert "has no parameter(s) datset" in res.stderr and "dataset (str)" in res.stderr
    assert not any(tmp_path.iterdir())


def test_failing_cell_exits_nonzero_and_keeps_the_good_html(built, tmp_path):
    out, _ = built
    good = (out / "00_data_overview.html").read_bytes()
    res = crm("report", "00", "-p", "dataset", "no_such_data", "--out", str(out))
    assert res.returncode == 1
    assert "ParameterError" in res.stderr and "no_such_data" in res.stderr
    assert (out / "00_data_overview.failed.ipynb").exists()
    assert (out / "00_data_overview.html").read_bytes() == good


def test_html_in_product_names_is_shown_as_text(tmp_path):
    evil = "<b>bold</b><script>alert(1)</script>"
    csv = tmp_path / "evil.csv"
    csv.write_text("customer_id,order_id,order_date,product_id,product_name,quantity,unit_price,region\n"
                   f'c1,o1,2024-01-05 10:00,p1,"{evil}",1,2.5,North\n'
                   "c2,o2,2024-02-05 10:00,p2,mug,2,4.0,South\n"
                   "c1,o3,2024-03-05 10:00,p2,mug,1,4.0,North\n", encoding="utf-8")
    res = crm("report", "00", "--data", str(csv), "-p", "asof", "2024-04-01", "--out", str(tmp_path / "r"))
    assert res.returncode == 0, res.stderr
    html = (tmp_path / "r" / "00_data_overview.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_chinese_text_gets_the_used_cjk_glyphs_embedded_and_nothing_else():
    import base64
    import io

    from fontTools.ttLib import TTFont

    from crmcore.report import embed_cjk_font

    page = ("<html><head><title>t</title></head><body><p>重要价值客户：RFM 分析</p>"
            "<script>var s = '不应计入';</script><img src=\"data:image/png;base64,QUJD\"></body></html>")
    out = embed_cjk_font(page)
    uri = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", out)
    assert uri and out.index("@font-face") < out.index("</head>")
    font = TTFont(io.BytesIO(base64.b64decode(uri.group(1))))
    covered = {chr(c) for c in font.getBestCmap()}
    assert covered == set("重要价值客户：分析")  # the page's CJK characters, not the script's, not Latin
    english = "<html><head></head><body><p>Champions</p></body></html>"
    assert embed_cjk_font(english) == english  # an English page is left as it was
