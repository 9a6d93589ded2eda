"""Transaction aggregation through Ibis, on embedded DuckDB by default.

Every per-customer, per-order, per-period and per-product-period summary is an Ibis
expression, so the same code runs on a pandas DataFrame, a Parquet/CSV file bigger than
memory, or a table on any Ibis backend (Spark, a warehouse, Polars). Results come back as
small pandas frames; the analysis then happens in pandas.

Other backends: :func:`connect` (``"spark"``, ``"polars"``), :func:`read_parquet` / :func:`read_csv` with
``backend=`` (the path is read by that backend) and :func:`from_pandas` (through Arrow, temporary views
only, naive times unshifted). DuckDB and Spark are compared method by method in ``tests/test_spark.py``;
``docs/beyond-one-machine.md`` says what is tested and what is not. :func:`emitted_sql` shows the SQL.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

import ibis
from ibis import _
import ibis.expr.types as ir
import pandas as pd

from crmcore.errors import DataError, ParameterError

_FREQS = {"D": "D", "W": "W", "M": "M", "Q": "Q", "Y": "Y"}
_counter = itertools.count()
_backend = None


#: DuckDB's memory cap; beyond it, aggregations spill to disk instead of growing the process
#: (DuckDB's own default is 80% of RAM). Override with CRMCORE_DUCKDB_MEMORY, e.g. "8GB".
DEFAULT_MEMORY_LIMIT = "3GB"


def backend():
    """The default in-process DuckDB backend (created on first use, memory capped)."""
    global _backend
    if _backend is None:
        _backend = ibis.duckdb.connect()
        limit = os.environ.get("CRMCORE_DUCKDB_MEMORY", DEFAULT_MEMORY_LIMIT)
        _backend.con.execute(f"SET memory_limit = '{limit}'").fetchall()
        # no progress widget: in a notebook it would print FloatProgress(...) into reports, with a random id
        _backend.con.execute("SET enable_progress_bar = false").fetchall()
        # spill files go to the system temp folder, not a .tmp folder in the user's working directory
        spill = Path(tempfile.gettempdir()) / "crmcore-duckdb"
        _backend.con.execute(f"SET temp_directory = '{spill.as_posix()}'").fetchall()
    return _backend


def table(tx: Any) -> ir.Table:
    """Return ``tx`` as an Ibis table.

    ``tx`` may be a canonical pandas DataFrame (registered with DuckDB without copying), an Ibis
    table (used as is, on its own backend), or the path of a canonical Parquet/CSV file (scanned
    lazily, so it may be larger than memory).
    """
    if isinstance(tx, ir.Table):
        return tx
    con = backend()
    if isinstance(tx, pd.DataFrame):
        name = f"crm_tx_{next(_counter)}"
        # DuckDB scans the pandas columns in place: no Arrow copy of a 10M-row frame.
        con.con.register(name, tx)
        return con.table(name)
    if isinstance(tx, (str, Path)):
        path = Path(tx)
        if not path.exists():
            raise DataError(f"file not found: {path}. Check the path (relative paths are from {Path.cwd()}).")
        if path.suffix.lower() == ".parquet":
            return con.read_parquet(path)
        if path.suffix.lower() in (".csv", ".gz"):
            return con.read_csv(path)
        raise DataError(f"{path}: the engine scans .parquet or .csv files; load other formats with crmcore.data.load_transactions.")
    raise DataError(f"cannot aggregate a {type(tx).__name__}; pass a DataFrame, an Ibis table or a Parquet/CSV path.")


def release(t: ir.Table) -> None:
    """Drop the temporary DuckDB view behind ``t`` (made by :func:`table` for a DataFrame), if any."""
    for op in t.op().find(ibis.expr.operations.DatabaseTable):
        # only the default DuckDB's views: a Spark/Polars table from from_pandas is the caller's to keep
        if op.name.startswith("crm_tx_") and _backend is not None and op.source is _backend:
            _backend.con.unregister(op.name)


def _check_cols(t: ir.Table, needed: Sequence[str], what: str) -> None:
    missing = [c for c in needed if c not in t.columns]
    if missing == ["product_id"]:
        release(t)
        raise DataError(f"{what} works by product and needs a product_id column; these transactions have none "
                        f"(columns: {', '.join(t.columns)}). Map your SKU / item code column to product_id "
                        "(mapping= or the <file>.mapping.yaml file next to the data).")
    if missing:
        release(t)
        raise DataError(
            f"{what} needs column(s) {', '.join(missing)}; columns found: {', '.join(t.columns)}. "
            "Load the data with crmcore.data.load_transactions to get the canonical schema."
        )


_captures: list[tuple[list[str], str | None]] = []


@contextlib.contextmanager
def emitted_sql(dialect: str | None = None):
    """Collect the SQL of every query the engine runs inside the block, for a DBA to read.

    ``dialect``: an Ibis backend name, ``"postgres"``, ``"bigquery"``, ``"snowflake"``, ``"trino"`` …; None: the
    dialect of the table's own backend. The queries still run::

        with engine.emitted_sql("postgres") as sql:
            rfm.rfm_table(tx, asof="2026-01-01")
        print(sql[0])
    """
    got: list[str] = []
    entry = (got, dialect)
    _captures.append(entry)
    try:
        yield got
    finally:
        _captures.remove(entry)


def execute(expr: ir.Table, tx: Any = None) -> pd.DataFrame:
    """Run an Ibis expression built on ``table(tx)`` and return pandas; frees the temporary view."""
    for got, dialect in _captures:
        got.append(str(ibis.to_sql(expr, dialect=dialect)))
    try:
        # through Arrow: Ibis' own to_pandas turns any column with a null into Python objects row by row
        df = expr.to_pyarrow().to_pandas(date_as_object=False)
    finally:
        if isinstance(tx, pd.DataFrame):
            # drop the view this call registered, so DuckDB holds no reference to the frame
            release(expr)
    return df


#: snapshot dates crmcore accepts (a far-future asof is an error, not an overflow in date arithmetic)
ASOF_RANGE = (pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01"))


def check_asof(asof: Any, name: str = "asof") -> pd.Timestamp:
    """The snapshot date as a Timestamp, or a ParameterError: crmcore never reads the clock."""
    if asof is None or (isinstance(asof, str) and not asof.strip()):
        raise ParameterError(f"{name} is required (a fixed date such as '2025-12-31'); crmcore never reads the clock.")
    try:
        ts = pd.Timestamp(asof)
    except (ValueError, TypeError) as e:
        raise ParameterError(f"{name}={asof!r} is not a date; write it like '2025-12-31'.") from e
    if ts is pd.NaT:
        raise ParameterError(f"{name}={asof!r} is not a date; write it like '2025-12-31'.")
    if not ASOF_RANGE[0] <= ts < ASOF_RANGE[1]:
        # a snapshot date such as 2999-01-01 is a typo or a placeholder: every customer would be "lost",
        # and pandas' nanosecond timestamps overflow in date arithmetic beyond 2262
        raise ParameterError(f"{name}={asof!r} is outside {ASOF_RANGE[0]:%Y-%m-%d} … {ASOF_RANGE[1]:%Y-%m-%d}; "
                             "give the snapshot date of your data (e.g. the day after the last transaction), "
                             "or leave asof empty in a notebook to derive it from the data.")
    return ts


def customer_summary(tx: Any, *, asof: Any) -> pd.DataFrame:
    """One row per customer: first/last purchase, orders, purchase days, lines, quantity, revenue,
    largest single order, recency and tenure in days as of ``asof``.

    Return lines (``is_return``) reduce revenue and quantity (net) but are not orders, purchase
    days or lines, and do not move the first or last purchase; a customer whose only lines
    before ``asof`` are returns is left out.

    Only rows dated before ``asof`` count (``order_date < asof``), so a snapshot never sees the future.
    """
    asof_ts = check_asof(asof)
    t = table(tx)
    _check_cols(t, ["customer_id", "order_id", "order_date", "amount", "quantity"], "customer_summary")
    t = t.filter(t.order_date < asof_ts)
    # return lines (is_return) count against revenue and quantity (net), never as orders or purchase days
    buy = ~t.is_return if "is_return" in t.columns else ibis.literal(True)
    orders = t.filter(buy).group_by(["customer_id", "order_id"]).aggregate(order_value=_.amount.sum())
    per_order = orders.group_by("customer_id").aggregate(max_order_value=orders.order_value.max())
    day = t.order_date.cast("date")
    base = t.group_by("customer_id").aggregate(
        first_purchase=t.order_date.min(where=buy),
        last_purchase=t.order_date.max(where=buy),
        orders=t.order_id.nunique(where=buy),
        purchase_days=day.nunique(where=buy),
        lines=t.count(where=buy),
        quantity=t.quantity.sum(),
        revenue=t.amount.sum(),
    )
    # a customer with only returns before asof has no purchase: leave them out
    base = base.filter(base.orders > 0)
    day0 = ibis.literal(asof_ts.date())
    expr = base.join(per_order, "customer_id")
    expr = expr.mutate(
        recency_days=day0.delta(expr.last_purchase.date(), unit="day"),
        tenure_days=day0.delta(expr.first_purchase.date(), unit="day"),
    ).order_by("customer_id")
    df = execute(expr, tx)
    cols = ["customer_id", "first_purchase", "last_purchase", "orders", "purchase_days", "lines",
            "quantity", "revenue", "max_order_value", "recency_days", "tenure_days"]
    return df[cols].reset_index(drop=True)


def order_summary(tx: Any) -> pd.DataFrame:
    """One row per order: customer_id, order_id, order_date (first line's time), amount, quantity, lines."""
    t = table(tx)
    _check_cols(t, ["customer_id", "order_id", "order_date", "amount", "quantity"], "order_summary")
    expr = t.group_by(["customer_id", "order_id"]).aggregate(
        order_date=t.order_date.min(), amount=t.amount.sum(), quantity=t.quantity.sum(), lines=t.count()
    ).order_by(["customer_id", "order_date", "order_id"])
    df = execute(expr, tx)
    df["order_date"] = pd.to_datetime(df["order_date"])
    return df


def _period_start(col: ir.TimestampValue, freq: str) -> ir.Value:
    if freq not in _FREQS:
        raise ParameterError(f"freq={freq!r} is not supported; use one of {', '.join(_FREQS)}.")
    if freq == "D":
        return col.truncate("D")
    return col.truncate(_FREQS[freq])


def periodic_sales(tx: Any, *, freq: str = "D", by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Revenue, orders, customers and quantity per period (period = its start), optionally by
    columns such as ``region`` or ``channel``. Periods with no sales are absent, not zero."""
    t = table(tx)
    keys = [by] if isinstance(by, str) else list(by or [])
    _check_cols(t, ["customer_id", "order_id", "order_date", "amount", "quantity", *keys], "periodic_sales")
    t = t.mutate(period=_period_start(t.order_date, freq))
    expr = t.group_by(["period", *keys]).aggregate(
        revenue=t.amount.sum(), orders=t.order_id.nunique(), customers=t.customer_id.nunique(),
        quantity=t.quantity.sum(),
    ).order_by(["period", *keys])
    df = execute(expr, tx)
    df["period"] = pd.to_datetime(df["period"])
    return df


def product_period_sales(tx: Any, *, freq: str = "M", level: str = "product_id") -> pd.DataFrame:
    """Revenue, quantity, orders and customers per product (or ``category``) and period."""
    t = table(tx)
    _check_cols(t, ["order_id", "order_date", "amount", "quantity", "customer_id", level], "product_period_sales")
    t = t.mutate(period=_period_start(t.order_date, freq))
    expr = t.group_by(["period", level]).aggregate(
        revenue=t.amount.sum(), quantity=t.quantity.sum(), orders=t.order_id.nunique(),
        customers=t.customer_id.nunique(),
    ).order_by(["period", level])
    df = execute(expr, tx)
    df["period"] = pd.to_datetime(df["period"])
    return df


# ---------------------------------------------------------------------------------------------------------
# Backends beyond the embedded DuckDB: Spark (local or a cluster's session), Polars, any Ibis connection.

#: Java versions PySpark 4.0 runs on; a newer JDK on the machine (e.g. Temurin 25) is not picked by accident
SPARK_JAVA = (17, 21)


def _java_major(home: Path) -> int | None:
    """The major version written in a JDK's ``release`` file (``JAVA_VERSION="17.0.15"`` → 17)."""
    try:
        for line in (home / "release").read_text(errors="replace").splitlines():
            if line.startswith("JAVA_VERSION="):
                v = line.split("=", 1)[1].strip().strip('"')
                return int(v.split(".")[1] if v.startswith("1.") else v.split(".")[0])
    except (OSError, ValueError, IndexError):
        return None
    return None


def java_home_for_spark() -> str | None:
    """A Java home PySpark 4.0 runs on: ``JAVA_HOME`` when it is a 17 or 21, else the first 17 (then 21)
    under /usr/lib/jvm — never a newer JDK that happens to be installed too (e.g. Temurin 25); None if none."""
    env = os.environ.get("JAVA_HOME")
    if env and _java_major(Path(env)) in (*SPARK_JAVA, None):
        return env  # a JDK without a release file is trusted as the user set it
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        for version in SPARK_JAVA:
            for d in sorted(jvm.iterdir()):
                if (d / "bin" / "java").exists() and _java_major(d) == version:
                    return str(d.resolve())
    return None


#: settings for a small local run (CI's Spark tier, the demo data in a notebook): two shuffle partitions (Spark's
#: default of 200 tasks per shuffle is for a cluster), adaptive re-planning off (it costs more than it saves on
#: small data, ≈ 40% per query measured), a 1 GB driver
SMALL_LOCAL = {
    "spark.sql.shuffle.partitions": 2,
    "spark.default.parallelism": 2,
    "spark.driver.memory": "1g",
    "spark.sql.adaptive.enabled": "false",
}
#: JVM options for a small local run: only the quick (C1) JIT compiler and a one-thread GC. On the demo data
#: this took the JVM's CPU time for the Spark test tier from ≈ 74 s to ≈ 38 s (2 shared cores); on 2M lines it
#: cost more (bench/bench_spark.py: 183 s of JVM CPU instead of 118 s), so a big run should leave these out.
SMALL_LOCAL_JAVA = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def spark_session(*, master: str = "local[2]", conf: dict[str, Any] | None = None, workdir: str | Path | None = None,
                  small: bool = False, java_options: str = ""):
    """A local SparkSession set up for crmcore: warehouse and scratch folders in a temp folder, Arrow on,
    no Hive metastore, no web UI.

    ``small=True`` adds :data:`SMALL_LOCAL` and :data:`SMALL_LOCAL_JAVA` (tests, demo-sized data); ``java_options``
    are added to the driver JVM's options; ``conf`` wins over both. Settings of the JVM (memory, Java options)
    only count when this call starts it: a session already running in the process is returned as it is.
    The JVM's own output (start-up messages, its log) goes to ``spark-jvm.log`` in the work folder, not into a
    notebook's output.

    For a cluster, build the session the cluster's way (``SparkSession.builder.remote(...)``, Databricks,
    ``spark-submit``) and pass it to :func:`connect`; this helper is for a laptop or CI.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise DataError("the Spark backend needs pyspark: pip install 'pyspark==4.0.5' (and Java 17).") from e
    java = java_home_for_spark()
    if java is None:
        raise DataError("the Spark backend needs Java 17 or 21: install it and set JAVA_HOME to its folder.")
    os.environ["JAVA_HOME"] = java  # read by the JVM launcher; may replace a JAVA_HOME of an unsupported JDK
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    if workdir:
        work = Path(workdir)
    else:
        import atexit
        import shutil

        work = Path(tempfile.mkdtemp(prefix="crmcore-spark-"))
        atexit.register(shutil.rmtree, work, ignore_errors=True)  # scratch only: nothing of the user's
    java = " ".join(x for x in (f"-Dderby.system.home={work / 'derby'}", SMALL_LOCAL_JAVA if small else "",
                                java_options) if x)
    settings = {
        # managed tables (if a user makes one) go to a throw-away folder, never ./spark-warehouse
        "spark.sql.warehouse.dir": (work / "warehouse").as_uri(),
        "spark.sql.catalogImplementation": "in-memory",  # no Hive metastore (no Derby database on disk)
        "spark.local.dir": str(work / "local"),
        "spark.driver.extraJavaOptions": java,
        "spark.sql.shuffle.partitions": str(os.cpu_count() or 2),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        **({k: str(v) for k, v in SMALL_LOCAL.items()} if small else {}),
        **{k: str(v) for k, v in (conf or {}).items()},
    }
    builder = SparkSession.builder.master(master).appName("crmcore")
    for key, value in settings.items():
        builder = builder.config(key, value)
    from pyspark import SparkContext

    if SparkContext._gateway is None:  # this call starts the JVM: its own output goes to a log file
        log = work / "spark-jvm.log"
        try:
            with _output_to(log):
                session = builder.getOrCreate()
        except Exception as e:
            said = log.read_text(errors="replace").strip().splitlines()[-15:] if log.exists() else []
            raise DataError(f"Spark did not start ({e}). The JVM said:\n" + "\n".join(said) + "\nFix: PySpark 4.0 runs on "
                            f"Java 17 or 21 — point JAVA_HOME at one (now: {os.environ.get('JAVA_HOME') or 'not set'}; "
                            "e.g. /usr/lib/jvm/java-17-openjdk-amd64), or use backend='duckdb' on one machine.") from e
    else:
        session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextlib.contextmanager
def _output_to(path: Path):
    """Point file descriptors 1 and 2 at ``path`` while a child process starts (it inherits them), then back.

    The JVM writes its start-up chatter and log lines (``Using Spark's default log4j profile``, ``WARN
    NativeCodeLoader`` …) straight to the inherited descriptors: in a notebook they would land in the report.
    Errors still reach Python as exceptions (with the Java stack trace) through Py4J.
    """
    import sys

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    path.parent.mkdir(parents=True, exist_ok=True)
    log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    saved = [os.dup(1), os.dup(2)]
    try:
        os.dup2(log, 1)
        os.dup2(log, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (log, *saved):
            os.close(fd)


def connect(kind: str = "duckdb", *, session: Any = None, **options: Any):
    """An Ibis backend for crmcore: ``"duckdb"`` (the default in-process engine), ``"spark"`` or ``"polars"``.

    ``session`` is a SparkSession (a cluster's, or None for a local one made by :func:`spark_session`;
    ``options`` then go to it: ``master=``, ``conf=``, ``small=``, ``workdir=``). Every engine-backed method
    accepts a table of the returned backend — ``read_parquet(path, backend=con)``, ``from_pandas(df, con)`` —
    and returns pandas.
    """
    kind = str(kind).lower()
    if kind == "duckdb":
        return backend()
    if kind == "polars":
        return ibis.polars.connect()
    if kind in ("spark", "pyspark"):
        if session is None:
            session = spark_session(**options)
        # Ibis sets spark.sql.session.timeZone to UTC: Spark then keeps naive times as they are written
        return ibis.pyspark.connect(session)
    raise ParameterError(f"backend {kind!r} is not supported here; use 'duckdb', 'spark' or 'polars', or pass any "
                         "Ibis table (ibis.postgres.connect(...).table('sales'), ...) to the methods directly.")


def _is_spark(con: Any) -> bool:
    return getattr(con, "name", "") == "pyspark"


def from_pandas(df: pd.DataFrame, con: Any = None, *, name: str | None = None, cache: bool = True) -> ir.Table:
    """Put a pandas frame into a backend as a temporary table; naive timestamps stay naive and unshifted.

    On Spark the frame goes through Arrow into a *temporary view* (nothing is written to the warehouse, so a
    second session never meets ``LOCATION_ALREADY_EXISTS``); ``spark.createDataFrame(df)`` on a pandas frame
    can fall back to a row path that shifts every timestamp by the machine's UTC offset. Timestamps are
    read as UTC wall-clock times with the session time zone pinned to UTC, whatever ``TZ`` says.
    ``cache`` keeps the Spark copy in the executors' memory (columnar) once the first query has built it:
    the frame fits on the driver already, and every later method then skips the conversion.
    """
    import pyarrow as pa

    if not isinstance(df, pd.DataFrame):
        raise DataError(f"from_pandas needs a pandas DataFrame, not a {type(df).__name__}.")
    if con is None or con is backend():
        return table(df)
    name = name or f"crm_tx_{next(_counter)}"
    if not _is_spark(con):
        # DuckDB, Polars, a warehouse: Ibis' own temporary table (Polars keeps every table in memory)
        temp = {} if getattr(con, "name", "") == "polars" else {"temp": True}
        return con.create_table(name, df, **temp)
    arrow = pa.Table.from_pandas(df, preserve_index=False)
    # pandas 3 strings arrive as large_string / string_view: plain strings for Spark; times in microseconds
    fields = []
    for f in arrow.schema:
        typ = f.type
        if pa.types.is_large_string(typ) or pa.types.is_string_view(typ):
            typ = pa.string()
        elif pa.types.is_timestamp(typ):
            if typ.tz is not None:
                raise DataError(f"column {f.name!r} has time zone {typ.tz}; crmcore works in naive local times: "
                                "convert with .dt.tz_convert(...).dt.tz_localize(None) first.")
            typ = pa.timestamp("us")
        elif pa.types.is_dictionary(typ):  # a pandas category
            v = typ.value_type
            typ = pa.string() if pa.types.is_large_string(v) or pa.types.is_string_view(v) else v
        fields.append(pa.field(f.name, typ))
    arrow = arrow.cast(pa.schema(fields))
    session = con._session
    session.conf.set("spark.sql.session.timeZone", "UTC")
    sdf = session.createDataFrame(arrow)
    if cache:
        sdf = sdf.cache()
    sdf.createOrReplaceTempView(name)
    return con.table(name)


def _reader(backend_: Any):
    return backend() if backend_ is None else backend_


def read_parquet(path: str | Path, *, backend: Any = None) -> ir.Table:
    """Scan a canonical Parquet file (or folder, or a URL the backend reads: ``s3a://…``) on ``backend``
    (default: the in-process DuckDB); the table stays a temporary view of that backend."""
    con = _reader(backend)
    return con.read_parquet(_existing(path))


def read_csv(path: str | Path, *, backend: Any = None) -> ir.Table:
    """Scan a canonical CSV file on ``backend`` (default DuckDB); Spark reads it with a header and inferred types."""
    con = _reader(backend)
    if _is_spark(con):
        return con.read_csv(_existing(path), header=True, inferSchema=True)
    return con.read_csv(_existing(path))


def _existing(path: str | Path) -> str:
    if "://" in str(path):
        return str(path)  # s3a://, abfss://, hdfs://: the backend's file system, not this machine's
    p = Path(path)
    if not p.exists():
        raise DataError(f"file not found: {p}. Check the path (relative paths are from {Path.cwd()}).")
    return str(p)
