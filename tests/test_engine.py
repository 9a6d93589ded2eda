"""Transaction aggregation through Ibis (crmcore.engine)."""
from __future__ import annotations

import ibis
import pandas as pd
import pytest

from crmcore import datasets, engine
from crmcore.errors import DataError, ParameterError


@pytest.fixture
def small():
    # customer a: order 1 has two lines (10 + 20) on Jan 1, order 3 (7) on Mar 5; customer b: one order (5)
    return pd.DataFrame({
        "customer_id": ["a", "a", "b", "a"], "order_id": ["1", "1", "2", "3"],
        "order_date": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:00", "2024-02-01 00:00", "2024-03-05 00:00"]),
        "quantity": [1, 2, 1, 1], "amount": [10.0, 20.0, 5.0, 7.0],
    })


def test_customer_summary_hand_worked(small):
    s = engine.customer_summary(small, asof="2024-04-01").set_index("customer_id")
    a, b = s.loc["a"], s.loc["b"]
    assert (a.orders, a.purchase_days, a.lines, a.quantity, a.revenue) == (2, 2, 3, 4, 37.0)
    assert a.max_order_value == 30.0  # order 1: 10 + 20
    assert a.recency_days == 27  # 2024-04-01 − 2024-03-05
    assert a.tenure_days == 91  # 2024-04-01 − 2024-01-01 (leap year: 31 + 29 + 31)
    assert (b.orders, b.revenue, b.recency_days) == (1, 5.0, 60)


def test_customer_summary_ignores_rows_on_or_after_asof(small):
    s = engine.customer_summary(small, asof="2024-03-05").set_index("customer_id")
    assert s.loc["a", "revenue"] == 30.0 and s.loc["a", "orders"] == 1


def _views():
    return engine.backend().con.execute(
        "select count(*) from duckdb_views() where view_name like 'crm_tx_%'").fetchall()[0][0]


def test_customer_summary_does_not_mutate_input_or_leak_views(small):
    before, n_views = small.copy(), _views()
    engine.customer_summary(small, asof="2024-04-01")
    pd.testing.assert_frame_equal(small, before)
    with pytest.raises(DataError):
        engine.customer_summary(small.drop(columns=["quantity"]), asof="2024-04-01")
    assert _views() == n_views


def test_periodic_sales_by_month_and_week(small):
    m = engine.periodic_sales(small, freq="M")
    assert m["period"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert m["revenue"].tolist() == [30.0, 5.0, 7.0] and m["orders"].tolist() == [1, 1, 1]
    w = engine.periodic_sales(small, freq="W")
    assert w["period"].dt.day_name().unique().tolist() == ["Monday"]  # ISO weeks start on Monday


def test_order_summary_one_row_per_order(small):
    o = engine.order_summary(small)
    assert o["amount"].tolist() == [30.0, 7.0, 5.0] and o["lines"].tolist() == [2, 1, 1]


def test_product_period_sales_by_category():
    tx = datasets.load("tiny")
    pps = engine.product_period_sales(tx, freq="Y", level="category")
    assert pps["revenue"].sum() == pytest.approx(tx["amount"].sum())
    assert set(pps["category"]) == set(tx["category"])


def test_parquet_file_is_scanned_lazily_with_same_result(tmp_path, small):
    p = tmp_path / "tx.parquet"
    small.to_parquet(p)
    pd.testing.assert_frame_equal(engine.customer_summary(p, asof="2024-04-01"),
                                  engine.customer_summary(small, asof="2024-04-01"), check_dtype=False)


def test_same_summary_on_polars_backend():
    """Backend independence: the per-customer summary on Ibis' Polars backend equals DuckDB's."""
    pytest.importorskip("polars")
    tx = datasets.load("tiny")
    con = ibis.polars.connect()
    t = con.create_table("tx", tx[["customer_id", "order_id", "order_date", "amount", "quantity", "is_return"]])
    on_polars = engine.customer_summary(t, asof=datasets.DEMO_ASOF)
    on_duckdb = engine.customer_summary(tx, asof=datasets.DEMO_ASOF)
    pd.testing.assert_frame_equal(on_polars, on_duckdb, check_dtype=False)


def test_duckdb_create_table_works_with_pinned_sqlglot():
    """Known trap: ibis 12.0 create_table on DuckDB fails with sqlglot 30.30; the pin avoids it."""
    con = ibis.duckdb.connect()
    t = con.create_table("t", pd.DataFrame({"x": [1, 2, 3]}))
    assert t.x.sum().execute() == 6


def test_bad_inputs_are_crmcore_errors(small):
    with pytest.raises(DataError, match="needs column"):
        engine.customer_summary(small.drop(columns=["amount"]), asof="2024-04-01")
    with pytest.raises(ParameterError, match="not a date"):
        engine.customer_summary(small, asof="soon")
    with pytest.raises(ParameterError, match="freq='H'"):
        engine.periodic_sales(small, freq="H")
    with pytest.raises(DataError, match="file not found"):
        engine.table("nope.parquet")


def test_returns_net_revenue_but_are_not_orders():
    # a: buys 30 on Jan 1, returns 10 on Jan 10 (a later date: it must not become the last purchase)
    # b: only a return before asof -> not a customer in the snapshot
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "b"], "order_id": ["1", "R1", "R9"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-05"]),
        "quantity": [3, -1, -1], "amount": [30.0, -10.0, -5.0], "is_return": [False, True, True],
    })
    s = engine.customer_summary(tx, asof="2024-02-01")
    assert s["customer_id"].tolist() == ["a"]
    a = s.iloc[0]
    assert (a.orders, a.lines, a.revenue, a.quantity, a.max_order_value) == (1, 1, 20.0, 2, 30.0)
    assert a.last_purchase == pd.Timestamp("2024-01-01") and a.recency_days == 31


def test_load_dataset_backend_gives_the_validated_table_on_that_engine():
    """The notebooks' ``backend`` parameter: None keeps the pandas frame exactly; "duckdb" gives the validated
    table kept in the engine (lazy), "polars" the frame in Polars; the methods give the pandas answer."""
    import importlib.util

    import crmcore as crm
    from crmcore import rfm

    tx = crm.load_dataset("tiny")
    assert isinstance(tx, pd.DataFrame)
    pd.testing.assert_frame_equal(tx, datasets.load("tiny"))
    pd.testing.assert_frame_equal(crm.load_dataset("tiny", backend="pandas"), tx)
    want = rfm.rfm_table(tx, asof=datasets.DEMO_ASOF)
    on_duckdb = crm.load_dataset("tiny", backend="duckdb")
    assert isinstance(on_duckdb, ibis.expr.types.Table) and on_duckdb._find_backend() is engine.backend()
    assert on_duckdb.count().execute() == len(tx)
    pd.testing.assert_frame_equal(rfm.rfm_table(on_duckdb, asof=datasets.DEMO_ASOF), want)
    if importlib.util.find_spec("polars"):  # an optional extra
        on_polars = crm.load_dataset("tiny", backend="polars")
        assert on_polars._find_backend().name == "polars"
        pd.testing.assert_frame_equal(engine.customer_summary(on_polars, asof=datasets.DEMO_ASOF),
                                      engine.customer_summary(tx, asof=datasets.DEMO_ASOF), check_dtype=False)
    with pytest.raises(ParameterError, match="'duckdb', 'spark', 'polars'"):
        crm.load_dataset("tiny", backend="oracle")


def test_spark_that_cannot_start_says_why_and_how_to_fix_it():
    """No Java where JAVA_HOME points: a crmcore error with the JVM's own words and the fix (Java 17 or 21, or
    DuckDB), not pyspark's bare "Java gateway process exited"."""
    import os
    import subprocess
    import sys

    pytest.importorskip("pyspark")
    code = ("import crmcore as crm\n"
            "try:\n    crm.load_dataset('tiny', backend='spark')\n"
            "except crm.CrmError as e:\n    print(type(e).__name__, e)\n")
    env = {**os.environ, "JAVA_HOME": "/nowhere", "PATH": f"{os.path.dirname(sys.executable)}:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120).stdout
    assert out.startswith("DataError Spark did not start"), out
    assert "/nowhere/bin/java" in out and "Fix: PySpark 4.0 runs on Java 17 or 21" in out and "now: /nowhere" in out
