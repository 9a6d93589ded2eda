"""The Spark tier: every engine-backed method gives DuckDB's answer on a Spark table (issue 21).

One local SparkSession for the whole file (``--dist loadfile`` keeps this file on one xdist worker, so
two workers never start Spark side by side), set up for a small local run (``engine.spark_session(small=True)``:
two shuffle partitions, no adaptive re-planning, 1 GB driver, the quick C1 JIT and a one-thread GC), no UI,
no Hive, Java 17 (never the Temurin 25 JDK that is also on the CI image), warehouse and scratch folders in a
temp folder. The demo data go into Spark once (``crm.load_dataset("demo", backend="spark")``: the door, then
Arrow) and every method reads that cached copy. The session runs as a machine in Shanghai would
(``TZ=Asia/Shanghai`` for Python, ``-Duser.timezone`` for the JVM): timestamps must come back naive and
unshifted. Skipped, with the reason, where pyspark or Java is missing (a user's laptop). Budget: about a
minute and < 3 GB (figures in docs/beyond-one-machine.md).

Comparison rule: ids, counts, dates and text equal; money and other floats equal within 1e-6 (absolute,
far finer than a cent): unrounded sums differ between backends by ~1e-7 because the summation order
differs, and comparing after ``round(2)`` would flip a cent where a sum sits on a half cent.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import ibis
import pandas as pd
import pytest

import crmcore as crm
from crmcore import abc, bcg, churn, datasets, engine, fivew2h, lifecycle, rfm

pytestmark = [
    pytest.mark.spark,
    # pyspark 4.0.5's own Arrow conversion passes copy=False to pandas 3's astype (its problem, not ours)
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

#: set by .ci/run: on CI a missing pyspark or Java fails the tier instead of skipping it
REQUIRED = os.environ.get("CRMCORE_REQUIRE_SPARK") == "1"


def _why_not_spark() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "the Spark tier needs pyspark: pip install -c constraints.txt -e '.[test]' (pyspark==4.0.5)"
    java = engine.java_home_for_spark()
    if java is None:
        return "the Spark tier needs Java 17 or 21 (install openjdk-17 or set JAVA_HOME to it)"
    if not (Path(java) / "bin" / "java").exists():
        return f"the Spark tier needs Java 17 or 21; JAVA_HOME={java} has no bin/java (point it at a JDK 17)"
    return None


NO_SPARK = _why_not_spark()
if NO_SPARK and REQUIRED:
    raise RuntimeError(f"CRMCORE_REQUIRE_SPARK=1 (set by .ci/run) but {NO_SPARK}")

ASOF = datasets.DEMO_ASOF
SHANGHAI = "Asia/Shanghai"


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """One local Spark backend for the file, on a 'Shanghai' machine; stopped (and TZ restored) at the end."""
    if NO_SPARK:
        pytest.skip(NO_SPARK)
    from crmcore.runner import nbtools

    saved = {k: os.environ.get(k) for k in ("TZ", "JAVA_HOME", "SPARK_LOCAL_IP")}
    os.environ["JAVA_HOME"] = engine.java_home_for_spark()
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ["TZ"] = SHANGHAI
    time.tzset()
    session = engine.spark_session(master="local[2]", workdir=tmp_path_factory.mktemp("spark"), small=True,
                                   java_options=f"-Duser.timezone={SHANGHAI}")
    con = engine.connect("spark", session=session)
    yield con
    nbtools._connections.pop("spark", None)  # load_dataset's backend of this session
    session.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    time.tzset()


@pytest.fixture(scope="module")
def demo():
    return crm.load_dataset("demo")


@pytest.fixture(scope="module")
def on_spark(spark):
    """The demo data in Spark, the way a notebook gets them with ``backend = "spark"``: once for the file."""
    return crm.load_dataset("demo", backend="spark")


def _frame(x) -> pd.DataFrame:
    if isinstance(x, pd.DataFrame):
        return x
    for attr in ("table", "scores", "frame"):
        v = getattr(x, attr, None)
        if isinstance(v, pd.DataFrame):
            return v
    return x.to_frame()


def _normal(df: pd.DataFrame) -> pd.DataFrame:
    """Money to the cent, datetimes naive, rows in a stable order, numbers as numbers."""
    plain = isinstance(df.index, pd.RangeIndex) and df.index.name is None
    df = df.reset_index(drop=plain).copy()
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            raise AssertionError(f"column {c!r} came back with a time zone ({s.dtype}); crmcore times are naive")
        if pd.api.types.is_datetime64_any_dtype(s):
            df[c] = s.astype("datetime64[ns]")
        elif pd.api.types.is_bool_dtype(s):
            df[c] = s.astype(bool)
        elif pd.api.types.is_float_dtype(s):
            df[c] = s.astype(float)
        elif pd.api.types.is_integer_dtype(s):
            df[c] = s.astype("int64")
        else:
            df[c] = s.astype(object).where(s.notna(), None)
    return df


def assert_same(on_spark: pd.DataFrame, on_duckdb: pd.DataFrame) -> None:
    assert list(on_spark.columns) == list(on_duckdb.columns)
    assert len(on_spark) == len(on_duckdb) > 0
    # 1e-6 is far finer than a cent, and unlike "equal after round(2)" it does not flip at a half cent
    pd.testing.assert_frame_equal(_normal(on_spark), _normal(on_duckdb), check_dtype=False, check_exact=False,
                                  rtol=1e-9, atol=1e-6)


#: every engine-backed method of crmcore, as run by its notebook on the demo data
METHODS = {
    "engine.customer_summary": lambda tx: engine.customer_summary(tx, asof=ASOF),
    "engine.order_summary": lambda tx: engine.order_summary(tx),
    "engine.periodic_sales[D]": lambda tx: engine.periodic_sales(tx, freq="D"),
    "engine.periodic_sales[M, region]": lambda tx: engine.periodic_sales(tx, freq="M", by="region"),
    "engine.periodic_sales[W, channel]": lambda tx: engine.periodic_sales(tx, freq="W", by=["channel"]),
    "engine.product_period_sales[M]": lambda tx: engine.product_period_sales(tx, freq="M"),
    "engine.product_period_sales[Q, category]": lambda tx: engine.product_period_sales(tx, freq="Q", level="category"),
    "rfm.rfm_table": lambda tx: rfm.rfm_table(tx, asof=ASOF),
    "rfm.rfm_table[days, mean, net]": lambda tx: rfm.rfm_table(tx, asof=ASOF, frequency="days", monetary="mean",
                                                              returns="net"),
    "rfm.btyd_summary": lambda tx: rfm.btyd_summary(tx, asof=ASOF),
    "abc.abc[customers]": lambda tx: abc.abc(tx, asof=ASOF),
    "abc.abc[products]": lambda tx: abc.abc(tx, by="product_id", asof=ASOF),
    "lifecycle.customer_days": lambda tx: lifecycle.customer_days(tx, before=ASOF),
    "lifecycle.stages": lambda tx: lifecycle.stages(tx, asof=ASOF),
    "churn.labels": lambda tx: churn.labels(tx, cutoff="2025-07-01", horizon=90),
    "churn.features": lambda tx: churn.features(tx, cutoff="2025-07-01"),
    "fivew2h.answer": lambda tx: _fivew2h_tables(fivew2h.answer(tx, asof=ASOF)),
    "bcg.from_transactions": lambda tx: _bcg_tables(bcg.from_transactions(tx, asof=ASOF)),
}


def _fivew2h_tables(result) -> dict[str, pd.DataFrame]:
    """Every table of the seven answers, and the statuses with their headlines (sentences from the numbers)."""
    out = {"status+headlines": result.to_frame()}
    for key, answer in result.answers.items():
        out.update({f"{key}/{name}": t for name, t in answer.tables.items()})
    return out


def _bcg_tables(result) -> dict[str, pd.DataFrame]:
    return {"table": result.table, "history": result.history}


@pytest.mark.parametrize("name", list(METHODS))
def test_every_engine_backed_method_gives_duckdbs_answer_on_spark(name, demo, on_spark):
    """Equal ids, counts and dates; money equal after rounding to the cent."""
    run = METHODS[name]
    got, want = run(on_spark), run(demo)
    if isinstance(want, dict):
        assert list(got) == list(want)
        for part in want:
            if len(want[part]):
                assert_same(_frame(got[part]), _frame(want[part]))
            else:
                assert len(got[part]) == 0, part
    else:
        assert_same(_frame(got), _frame(want))


def test_naive_timestamps_stay_unshifted_on_a_shanghai_machine(spark):
    """Late-evening and just-after-midnight lines keep their day under TZ=Asia/Shanghai (UTC+8).

    The row path of ``spark.createDataFrame(pandas)`` shifts naive times by the machine's offset (−8 h
    here), which moves 00:30 to the previous day: wrong recency, purchase days and daily sales.
    """
    assert time.strftime("%z") == "+0800"  # the fixture really runs us in Shanghai
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "b"], "order_id": ["o1", "o2", "o3"],
        "order_date": pd.to_datetime(["2024-03-05 00:30:00", "2024-03-06 23:30:00", "2024-03-31 23:59:59"]),
        "quantity": [1, 2, 1], "unit_price": [10.0, 5.0, 7.5], "amount": [10.0, 10.0, 7.5],
        "is_return": [False, False, False],
    })
    t = engine.from_pandas(tx, spark)
    orders = engine.order_summary(t)
    assert list(orders["order_date"]) == list(tx["order_date"])
    days = engine.periodic_sales(t, freq="D")
    assert list(days["period"].dt.strftime("%Y-%m-%d")) == ["2024-03-05", "2024-03-06", "2024-03-31"]
    months = engine.periodic_sales(t, freq="M")
    assert list(months["period"]) == [pd.Timestamp("2024-03-01")] and months["orders"].tolist() == [3]
    cs = engine.customer_summary(t, asof="2024-04-01")
    assert cs.set_index("customer_id")["recency_days"].to_dict() == {"a": 26, "b": 1}


def test_spark_tables_are_temporary_views_so_a_second_session_starts_clean(spark, demo):
    """No managed table is left in the warehouse (that is what raises LOCATION_ALREADY_EXISTS next time)."""
    engine.from_pandas(demo.head(50), spark, name="crm_same_name")
    engine.from_pandas(demo.head(60), spark, name="crm_same_name")  # replaced, not "already exists"
    session = spark._session
    tables = session.catalog.listTables()
    assert tables and all(t.isTemporary for t in tables)
    warehouse = Path(session.conf.get("spark.sql.warehouse.dir").removeprefix("file:"))
    assert not warehouse.exists() or not any(warehouse.iterdir())
    assert spark.table("crm_same_name").count().to_pyarrow().as_py() == 60


def test_a_path_is_read_by_the_backend_the_user_chose(spark, tmp_path):
    """read_parquet/read_csv(backend=spark) give a Spark table (not DuckDB's), with DuckDB's answer."""
    demo = datasets.load("tiny")  # the path, not the size, is under test
    p = tmp_path / "demo.parquet"
    demo.to_parquet(p)
    t = engine.read_parquet(p, backend=spark)
    assert t._find_backend().name == "pyspark"
    assert_same(engine.customer_summary(t, asof=ASOF), engine.customer_summary(demo, asof=ASOF))
    c = tmp_path / "demo.csv"
    demo.to_csv(c, index=False)
    t = engine.read_csv(c, backend=spark)
    assert t._find_backend().name == "pyspark"
    assert_same(engine.periodic_sales(t, freq="M"), engine.periodic_sales(demo, freq="M"))
    assert engine.read_parquet(p)._find_backend().name == "duckdb"  # the default stays DuckDB


def test_load_dataset_with_backend_spark_gives_the_validated_demo_in_the_tiers_session(spark, on_spark, demo):
    """``crm.load_dataset(..., backend="spark")`` (a notebook's ``backend`` parameter): the door validates in
    DuckDB, the frame goes to Spark through Arrow, in the process's active session (here the tier's), as a
    temporary view. The numbers are checked by every comparison above, which all read this table."""
    assert on_spark._find_backend().name == "pyspark" and on_spark._find_backend()._session is spark._session
    assert list(on_spark.columns) == list(demo.columns)
    name = on_spark.op().find(ibis.expr.operations.DatabaseTable)[0].name
    assert [t.isTemporary for t in spark._session.catalog.listTables() if t.name == name] == [True]


def test_from_pandas_refuses_aware_timestamps_with_the_fix(spark):
    tx = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-01"]).tz_localize("UTC"), "customer_id": ["a"]})
    with pytest.raises(engine.DataError, match="tz_localize"):
        engine.from_pandas(tx, spark)


@pytest.mark.parametrize("dialect", ["postgres", "bigquery", "snowflake"])
def test_emitted_sql_compiles_for_warehouses_and_the_queries_still_run(dialect):
    """A DBA can read what crmcore asks of the warehouse: one statement per engine query, in its dialect."""
    tx = datasets.load("tiny")
    with engine.emitted_sql(dialect) as sql:
        got = engine.customer_summary(tx, asof=ASOF)
        rfm.rfm_table(tx, asof=ASOF)
        engine.periodic_sales(tx, freq="M", by="region")
    assert len(sql) >= 3 and all("GROUP BY" in q.upper() for q in sql)
    assert "customer_id" in sql[0] and "2026" in sql[0]  # the asof literal, in the dialect's date syntax
    pd.testing.assert_frame_equal(got, engine.customer_summary(tx, asof=ASOF))  # capturing changes nothing
    assert not engine._captures  # the block cleaned up after itself


def test_from_pandas_on_polars_gives_duckdbs_answer():
    """Without Spark: the same loader puts a frame into Polars (Ibis' in-memory table), same summary."""
    pytest.importorskip("polars")
    tx = datasets.load("tiny")
    t = engine.from_pandas(tx, engine.connect("polars"))
    assert t._find_backend().name == "polars"
    assert_same(engine.customer_summary(t, asof=ASOF), engine.customer_summary(tx, asof=ASOF))


def test_java_for_spark_is_never_a_jdk_spark_does_not_support(monkeypatch, tmp_path):
    """A JAVA_HOME pointing at a Java 25 JDK (on the CI image next to Java 17) is passed over."""
    jdk25 = tmp_path / "temurin-25"
    (jdk25 / "bin").mkdir(parents=True)
    (jdk25 / "release").write_text('JAVA_VERSION="25.0.3"\n')
    monkeypatch.setenv("JAVA_HOME", str(jdk25))
    found = engine.java_home_for_spark()
    assert found != str(jdk25)
    assert found is None or engine._java_major(Path(found)) in engine.SPARK_JAVA


def test_unknown_backend_names_the_supported_ones():
    with pytest.raises(engine.ParameterError, match="'duckdb', 'spark' or 'polars'"):
        engine.connect("oracle")
