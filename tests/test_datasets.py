"""The seeded demo data: deterministic, committed as generated, and with the structure methods need."""
from __future__ import annotations

import gzip
import io

import numpy as np
import pandas as pd
import pytest

from crmcore import datasets
from crmcore.errors import ParameterError


def test_committed_tiny_file_equals_a_fresh_generation():
    tx, _ = datasets.generate("tiny")
    committed = datasets.load("tiny")
    pd.testing.assert_frame_equal(committed[tx.columns].reset_index(drop=True), tx, check_dtype=False)


def test_committed_demo_file_is_byte_identical_to_regeneration(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    datasets.write("demo")
    for what in ("transactions", "customers"):
        fresh = (tmp_path / f"demo_{what}.csv.gz").read_bytes()
        committed = (datasets.__file__ and (datasets.Path(__file__).resolve().parent.parent / "data" / f"demo_{what}.csv.gz")).read_bytes()
        assert gzip.decompress(fresh) == gzip.decompress(committed)


def test_demo_sizes_and_span():
    tx = datasets.load("demo")
    assert tx["customer_id"].nunique() == 2000
    assert 80_000 <= len(tx) <= 120_000
    assert tx["order_date"].min() >= pd.Timestamp("2023-01-01")
    assert tx["order_date"].max() < pd.Timestamp(datasets.DEMO_ASOF)
    assert 90 <= datasets.load("tiny")["customer_id"].nunique() <= 100


def test_demo_has_weekday_and_month_seasonality():
    tx = datasets.load("demo")
    wd = tx.groupby(tx.order_date.dt.day_of_week)["amount"].sum()
    assert wd.idxmax() == 5 and wd.idxmin() == 0  # Saturday busiest, Monday quietest
    last_year = tx[tx.order_date.dt.year == 2025]
    month = last_year.groupby(last_year.order_date.dt.month)["amount"].sum()
    assert month.idxmax() == 12 and month[2] < month[12] * 0.7  # December peak, February trough


def test_demo_categories_grow_at_different_rates():
    tx = datasets.load("demo")
    y = tx.groupby([tx.order_date.dt.year, "category"])["amount"].sum().unstack()
    share = y.div(y.sum(axis=1), axis=0)
    assert share.loc[2025, "Lighting"] > share.loc[2023, "Lighting"]  # +35% a year
    assert share.loc[2025, "Stationery"] < share.loc[2023, "Stationery"]  # −12% a year


def test_demo_latent_types_leave_their_mark_on_recency_and_frequency():
    tx = datasets.load("demo")
    tx = tx[~tx.is_return]
    cust = datasets.customers("demo").set_index("customer_id")
    g = tx.groupby("customer_id").agg(last=("order_date", "max"), orders=("order_id", "nunique"))
    g["recency"] = (pd.Timestamp(datasets.DEMO_ASOF) - g["last"]).dt.days
    g = g.join(cust["true_type"])
    med = g.groupby("true_type")[["recency", "orders"]].median()
    assert med.loc["champion", "orders"] > med.loc["loyal", "orders"] > med.loc["occasional", "orders"]
    assert med.loc["lost", "recency"] > med.loc["at_risk", "recency"] > med.loc["loyal", "recency"]
    assert (g.loc[g.true_type == "bargain", "orders"] == 1).all()


def test_demo_has_promotions_high_prices_returns_channels_regions():
    tx = datasets.load("demo")
    assert 0.1 < tx["is_promo"].mean() < 0.4
    assert (tx["list_price"] > 60).any()
    assert tx["is_return"].sum() > 100 and (tx.loc[tx.is_return, "quantity"] < 0).all()
    assert set(tx["channel"]) == {"store", "online", "mini-program"}
    assert tx["region"].nunique() == 5
    promo = tx[tx.is_promo & ~tx.is_return]
    assert np.allclose(promo["unit_price"], (promo["list_price"] * 0.7).round(2))


def test_unknown_dataset_is_a_parameter_error():
    with pytest.raises(ParameterError, match="unknown dataset 'demoo'"):
        datasets.load("demoo")
    with pytest.raises(ParameterError):
        datasets.generate("huge")


def test_load_returns_a_copy():
    a = datasets.load("tiny")
    a.loc[0, "amount"] = -1
    assert datasets.load("tiny").loc[0, "amount"] != -1
