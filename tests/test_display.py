"""crm.show and crm.say: readable numbers, class crm-table (styled by the report template), everything escaped."""
from __future__ import annotations

import pandas as pd

from crmcore.display import fmt, say, show


def test_numbers_read_as_a_manager_expects_never_scientific():
    assert fmt(1_000_000.0) == "1,000,000"
    assert fmt(0.1689, "pct") == "16.9%"
    assert fmt(4_867_000.123, "money") == "4,867,000.12"
    assert fmt(0.0001689) == "0.0002" and "e" not in fmt(1.689e-01)


def test_show_gives_a_crm_table_with_escaped_cells_and_headers():
    frame = pd.DataFrame({"customer_id": ["<script>alert(1)</script>"], "revenue": [1234.5], "share": [0.25]})
    page = show(frame, "en")._repr_html_()
    assert 'class="crm-table"' in page or "crm-table" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "1,234.50" in page and "25.0%" in page


def test_say_escapes_sentences_and_keeps_only_bold():
    page = say(["**Top** customer is <img src=x onerror=alert(1)>"])._repr_html_()
    assert "<strong>Top</strong>" in page and "<img" not in page and "&lt;img" in page


def test_report_template_styles_crm_tables_for_screen_and_print():
    from crmcore.report import TEMPLATES

    css = (TEMPLATES / "crmcore_report" / "index.html.j2").read_text(encoding="utf-8")
    assert "table.crm-table" in css and "nth-child(even)" in css and "td.num { text-align: right" in css
    assert "@media print" in css and "break-inside: avoid" in css
    assert "mtextInheritFont: true" in css  # Chinese inside \\text{…} uses the page's (CJK) font


def test_number_cells_are_marked_for_right_alignment_and_text_cells_are_not():
    page = show(pd.DataFrame({"driver": ["Suppliers are few", "Inputs differ"], "weight": [0.25, 0.2]}), "en")._repr_html_()
    assert page.count('<td class="num">') == 2 and "<td>Suppliers are few</td>" in page
