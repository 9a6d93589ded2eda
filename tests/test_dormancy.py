"""crmcore.dormancy: fixed and relative thresholds, revenue at risk."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmcore import dormancy as dm
from crmcore.errors import DataError, ParameterError


def _table():
    return pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e"],
        "recency": [90, 91, 180, 365, 366],
        "mean_interval": [30.0, 100.0, np.nan, 10.0, np.nan],
        "revenue": [730.0, 100.0, 50.0, 365.0, 20.0],
        "tenure": [730, 200, 180, 400, 366],
    })


def test_fixed_thresholds_hand_worked():
    d = dm.dormancy(_table())
    # active ≤ 90 < dozing ≤ 180 < half-asleep ≤ 365 < dormant
    assert d.table["state"].tolist() == ["active", "dozing", "dozing", "half_asleep", "dormant"]
    # annual revenue = revenue × 365 / max(tenure, 365): a 730·365/730 = 365; b 100 (tenure < 1 year); e 20·365/366
    assert d.table["annual_revenue"].round(6).tolist() == [365.0, 100.0, 50.0, 365 * 365 / 400, round(20 * 365 / 366, 6)]
    s = d.summary().set_index("state")
    assert s["customers"].tolist() == [1, 2, 1, 1] and s["customers"].sum() == 5
    assert s.at["dozing", "revenue"] == 150
    r = d.at_risk()
    assert r["customers"] == 4 and r["annual_revenue"] == pytest.approx(100 + 50 + 365 * 365 / 400 + 20 * 365 / 366)


def test_relative_uses_own_interval_or_the_repeat_median():
    d = dm.dormancy(_table(), method="relative")
    # median of own intervals 30, 100, 10 = 30 → stands in for c and e
    assert d.fallback_interval == 30
    # ratios vs (1.5, 3, 6): a 90/30 = 3 → dozing (≤ 3); b 91/100 = .91 → active;
    # c 180/30 = 6 → half-asleep; d 36.5 → dormant; e 366/30 = 12.2 → dormant
    assert d.table["ratio"].round(2).tolist() == [3.0, 0.91, 6.0, 36.5, 12.2]
    assert d.table["state"].tolist() == ["dozing", "active", "half_asleep", "dormant", "dormant"]
    assert d.table["interval_source"].tolist() == ["own", "own", "population", "own", "population"]


def test_labels_in_chinese_and_plot():
    d = dm.dormancy(_table(), lang="zh")
    assert d.summary()["state_name"].tolist() == ["活跃", "瞌睡", "半睡", "沉睡"]
    assert "沉睡 1 位" in d.sentence()
    assert d.plot().get_title().startswith("各休眠状态")


def test_from_transactions_needs_asof():
    tx = pd.DataFrame({"customer_id": ["a"], "order_id": ["1"], "order_date": pd.to_datetime(["2024-01-01"]),
                       "amount": [5.0], "unit_price": [5.0], "quantity": [1]})
    with pytest.raises(ParameterError, match="needs asof"):
        dm.dormancy(tx)
    d = dm.dormancy(tx, asof="2024-06-01")
    assert d.table["state"].tolist() == ["dozing"]   # 2024-01-01 → 06-01 = 152 days: 90 < 152 ≤ 180


def test_bad_input():
    with pytest.raises(ParameterError, match="three increasing"):
        dm.dormancy(_table(), thresholds=(90, 30, 400))
    with pytest.raises(ParameterError, match="'fixed' or 'relative'"):
        dm.dormancy(_table(), method="ratio")
    one = _table().assign(mean_interval=np.nan)
    with pytest.raises(DataError, match="no customer bought on two different days"):
        dm.dormancy(one, method="relative")


def test_active_customers_revenue_is_never_called_at_risk():
    """Issue 13: the chart wrote the active customers' run-rate under "annual revenue at risk"."""
    d = dm.dormancy(_table())
    s = d.summary().set_index("state")
    assert np.isnan(s.at["active", "annual_revenue_at_risk"])
    assert d.at_risk()["annual_revenue"] == pytest.approx(s["annual_revenue"].drop("active").sum())
    ax = d.plot()
    labels = [t.get_text() for t in ax.texts]
    assert labels[0] == "kept 365" and all(t.startswith("at risk ") for t in labels[1:])
    assert "at risk" not in ax.get_title()
    zh = dm.dormancy(_table(), lang="zh").plot()
    assert [t.get_text() for t in zh.texts][0] == "保有 365"
    sentence = d.sentence()
    assert "the 4 customers who are not active were worth about" in sentence and "revenue at risk" in sentence


def test_sentence_when_every_customer_is_active():
    t = _table().assign(recency=[1, 2, 3, 4, 5])
    d = dm.dormancy(t)
    assert d.sentence() == "All 5 customers are active; none needs waking."
    assert d.sentence("zh") == "5 位客户全部处于活跃状态，目前没有需要唤醒的客户。"
