"""The door's lazy table: validated and cleaned in the engine, with the same numbers as the pandas path."""
from __future__ import annotations

import warnings

import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pytest

from crmcore import data, datasets, engine, rfm
from crmcore.errors import DataError

ASOF = datasets.DEMO_ASOF


@pytest.fixture(scope="module")
def tiny_csv(tmp_path_factory):
    return datasets.DATA_DIR / "tiny_transactions.csv.gz"


def test_lazy_table_gives_the_same_rfm_as_the_pandas_frame(tiny_csv):
    eager = data.load_transactions(tiny_csv, asof=ASOF)
    lazy = data.load_transactions(tiny_csv, asof=ASOF, lazy=True)
    assert isinstance(lazy, ir.Table) and list(lazy.columns) == list(eager.columns)
    a = rfm.rfm_table(lazy, asof=ASOF)
    b = rfm.rfm_table(eager, asof=ASOF)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(engine.customer_summary(lazy, asof=ASOF), engine.customer_summary(eager, asof=ASOF))
    data.close(lazy)


@pytest.mark.parametrize("returns", ["drop", "net", "keep"])
def test_clean_of_a_lazy_table_audits_like_the_frame(returns):
    raw = datasets.load("tiny")
    dup = pd.concat([raw, raw.iloc[[3, 7]]], ignore_index=True)          # two exact duplicate lines
    dup.loc[5, "customer_id"] = None                                      # one line without a customer
    dup.loc[9, "unit_price"] = 0.0                                        # one free line
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eager = data.load_transactions(dup, invalid="keep")
        lazy = data.open_transactions(dup, invalid="keep")
    a, b = data.clean(eager, returns=returns), data.clean(lazy, returns=returns)
    pd.testing.assert_frame_equal(a.audit, b.audit)
    assert a.audit.set_index("rule").loc["duplicates", "rows_removed"] == 2
    keys = list(a.transactions.columns)
    got = b.transactions.to_pyarrow().to_pandas().sort_values(keys, ignore_index=True)   # a table has no row order
    pd.testing.assert_frame_equal(got, a.transactions.sort_values(keys, ignore_index=True), check_dtype=False)
    pd.testing.assert_frame_equal(rfm.rfm_table(b.transactions, asof=ASOF), rfm.rfm_table(a.transactions, asof=ASOF))


def test_lazy_table_without_duplicates_is_cleaned_without_a_copy():
    lazy = data.open_transactions(datasets.load("tiny"))
    res = data.clean(lazy)
    assert res.audit.set_index("rule").loc["duplicates", "rows_removed"] == 0
    n = res.transactions.count().execute()
    assert n == res.audit["rows"].iloc[-1]
    data.close(res.transactions)
    data.close(lazy)


def test_ids_keep_their_type_without_python_conversion():
    n = 1000
    df = pd.DataFrame({"customer_id": np.arange(n) % 37, "order_id": np.arange(n), "order_date":
                       pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n), unit="h"), "amount": 1.5})
    tx = data.load_transactions(df)
    assert tx["customer_id"].dtype == "int64" and tx["order_id"].dtype == "int64"
    assert str(tx["order_date"].dtype) == "datetime64[us]"
    s = rfm.rfm_table(data.open_transactions(df), asof="2024-03-01")
    assert len(s) == 37 and s["customer_id"].dtype == "int64"
    strings = df.assign(customer_id=df["customer_id"].map("c{:02d}".format))
    assert data.load_transactions(strings)["customer_id"].iloc[1] == "c01"


def test_errors_from_a_lazy_load_name_rows_and_values(tmp_path):
    p = tmp_path / "tx.csv"
    p.write_text("customer_id,order_id,order_date,amount\na,1,2024-01-01,5\nb,2,2024-01-02,5 kg\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"column 'amount'.*1 of 2 values are not numbers \(row 3: '5 kg'\)"):
        data.open_transactions(p)


def test_load_from_parquet_keeps_typed_columns(tmp_path):
    tx = datasets.load("tiny")
    p = tmp_path / "tx.parquet"
    tx.to_parquet(p)
    back = data.load_transactions(p, asof=ASOF)
    pd.testing.assert_frame_equal(back.drop(columns=[]), tx[back.columns], check_dtype=False)


def test_named_data_sets_open_lazily_too():
    t = datasets.load("tiny", lazy=True)
    assert t.count().execute() == len(datasets.load("tiny"))
    data.close(t)


def test_a_method_by_product_says_it_needs_product_id():
    tx = datasets.load("tiny").drop(columns=["product_id"])
    with pytest.raises(DataError, match="product_period_sales works by product and needs a product_id column"):
        engine.product_period_sales(tx, freq="M")
    with pytest.raises(DataError, match="ABC by product works by product and needs a product_id"):
        data.require_product(tx, "ABC by product")


def test_object_columns_of_mixed_python_types_load_as_text():
    df = pd.DataFrame({"customer_id": pd.Series([1, "A7", None], dtype=object), "order_id": ["o1", "o2", "o3"],
                       "order_date": ["2024-01-01", "2024-01-02", "2024-01-03"], "amount": [1.0, 2.0, 3.0]})
    tx = data.load_transactions(df)
    assert tx["customer_id"].iloc[0] == "1" and tx["customer_id"].iloc[1] == "A7" and pd.isna(tx["customer_id"].iloc[2])
    assert data.clean(tx).audit.set_index("rule").loc["missing_customer", "rows_removed"] == 1
