"""Typing and checking transactions at the door, in the engine, with the error messages that name the column,
the count, examples and the fix.

One SQL statement (four projections) parses every column and sets one bit per failed check; only the few
example rows of an error message come back to Python. Content problems (non-positive prices and quantities,
future dates, duplicate lines) raise, or with ``invalid="keep"`` are kept with a warning for ``clean``.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from crmcore.door.data_read import _BadUnicode, _con, _csv_error, _lit, _names, _q, _Source
from crmcore.door.data_schema import (
    _BOOL_COLS, _NUM_COLS, _STR_COLS, _UCI_COLUMNS, CANONICAL, NEEDED, PRESETS, _missing_error, _resolve_columns)
from crmcore.errors import DataError, data_error

_TRUE = ("1", "true", "t", "yes", "y", "是", "对", "1.0")
_FALSE = ("0", "false", "f", "no", "n", "否", "", "0.0", "nan", "none")
_MISSING_TEXT = ("", "nan", "NaN", "None", "<NA>", "NULL", "null")

#: date forms tried, in this order, on text that is not ISO 8601 (DuckDB strptime codes)
_DATE_FORMATS = [
    "%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日%H:%M", "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d号", "%Y.%m.%d", "%Y.%m.%d %H:%M", "%Y.%m.%d %H:%M:%S",
    "%d %b %Y", "%d %B %Y", "%b %d %Y", "%b %d, %Y", "%B %d, %Y", "%B %d %Y", "%d-%b-%Y", "%d-%b-%y",
]
#: the forms left to strptime once 2024年3月5日, 2024/3/5 and 2024.03.05 have been rewritten as ISO text
_STRPTIME_FORMATS = ["%d %b %Y", "%d %B %Y", "%b %d %Y", "%b %d, %Y", "%B %d, %Y", "%B %d %Y", "%d-%b-%Y",
                     "%d-%b-%y"]
_MONTH_FIRST = ["%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S"]
_DAY_FIRST = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d.%m.%Y", "%d.%m.%Y %H:%M", "%d-%m-%Y"]
#: dates outside these years are refused as "not dates" (no year-0001 or year-9999 placeholders)
_YEARS = (1900, 2200)


@dataclass
class _Door:
    """A validated transactions table in the engine: the temp table, its canonical view and counts."""

    table: str
    view: str
    n: int
    duplicates: int
    meta: dict
    select: str


def _validate(src: _Source, mapping: dict, preset: str | None, opts: dict, asof: Any, *, explicit: bool,
              meta: dict) -> _Door:
    con = _con()
    name, from_file = src.name, src.from_file
    found = [str(c).strip() for c in src.columns]
    raw_of = dict(zip(found, src.columns))
    cfg = PRESETS.get(preset or "", {})
    if preset is None and not explicit and _UCI_COLUMNS <= set(found):
        preset, cfg = "online_retail", PRESETS["online_retail"]
        mapping = {**cfg["mapping"], **mapping}
        print(f"Note: {Path(name).name if from_file else name} has the columns of the UCI Online Retail data set "
              "(Chen 2015); read with preset='online_retail': invoices starting with 'C' are returns, and rows with "
              "problems are kept for clean() to remove and count.")
    invalid = opts["invalid"] or cfg.get("invalid", "raise")
    date_format = opts["date_format"] or cfg.get("date_format")
    dayfirst = bool(opts["dayfirst"])
    meta["preset"] = preset

    cols = _resolve_columns(found, mapping, name, from_file, explicit)
    cols = {k: raw_of[v] for k, v in cols.items()}
    types = {k: src.types[v] for k, v in cols.items()}

    derived: dict[str, str] = {}
    if preset == "cdnow":
        if "order_id" not in cols and {"customer_id", "order_date"} <= set(cols):
            derived["order_id"] = (f"CAST({_q(cols['customer_id'])} AS VARCHAR) || '-' || "
                                   f"CAST({_q(cols['order_date'])} AS VARCHAR)")
        if "product_id" not in cols:
            derived["product_id"] = "'CD'"
    needed = list(NEEDED)
    if "amount" not in cols:
        needed += ["quantity", "unit_price"]
    missing = [c for c in needed if c not in cols and c not in derived]
    if missing:
        also = [c for c in ("product_id", "quantity", "unit_price", "amount") if c not in cols and c not in missing]
        raise _missing_error(missing, found, name, also=also)

    def build(types: dict[str, str], view: str):
        # four projections in one statement: s1 reads each source column once (cheap casts), s2 runs the
        # slow parses only where s1 failed, s3 makes the values, s4 derives what a file may lack and sets
        # one bit per failed check. No expression runs twice and no row goes through Python.
        s1: dict[str, str] = {}
        s2: dict[str, str] = {}
        s3: dict[str, str] = {}
        checks: list[tuple[str, str, str, str, str]] = []  # (key, column, bad SQL on s3, problem, fix)

        def passthrough(name, *stages):
            for st in stages:
                st[name] = _q(name)

        for c in _STR_COLS:
            later = None
            if c in cols:
                s1[c], later = _string_sql(cols[c], types[c], c)
            elif c in derived:
                s1[c] = derived[c]
            if c in s1:
                s2[c] = later or _q(c)
                passthrough(c, s3)
        d1, d2 = _date_stages(cols["order_date"], types["order_date"], date_format, dayfirst)
        s1["_d"], s1["_r_d"] = d1, _q(cols["order_date"])
        s2["order_date"] = d2
        # a "date" outside 1900..2200 is a placeholder or a misparse ('5th', year 0001), never a sale
        s3["order_date"] = f"CASE WHEN year(order_date) BETWEEN {_YEARS[0]} AND {_YEARS[1]} THEN order_date END"
        checks.append(("order_date", "order_date", "order_date IS NULL", "are not dates",
                       "Fix those rows, or pass date_format='%d/%m/%Y' (or dayfirst=True) to say how dates are written"
                       + (f" — also possible in {Path(name).name}.mapping.yaml as date_format: '%d/%m/%Y'"
                          if from_file else "")))
        for c in _NUM_COLS:
            if c not in cols:
                continue
            v1, v2, miss = _number_stages(cols[c], types[c], f"_n_{c}", f"_r_{c}")
            s1[f"_n_{c}"], s1[f"_r_{c}"] = v1, _q(cols[c])
            s2[f"_v_{c}"], s2[f"_m_{c}"] = v2, miss
            s3[c] = f"CASE WHEN _m_{c} THEN NULL WHEN isfinite(_v_{c}) THEN _v_{c} END"
            s3[f"_x_{c}"] = f"NOT _m_{c} AND NOT coalesce(isfinite(_v_{c}), false)"
            passthrough(f"_m_{c}", s3)
            checks.append((f"{c}:nan", c, f"_x_{c}", "are not numbers",
                           "Remove text such as units or notes from the column, or fix those rows"))
            if c in ("quantity", "unit_price", "amount"):
                checks.append((f"{c}:empty", c, f"_m_{c}", "are empty", "Fill them in or drop those rows before loading"))
        for c in _BOOL_COLS:
            if c in cols:
                value, bad = _bool_sql(cols[c], types[c])
                s1[c], s1[f"_b_{c}"] = value, bad
                passthrough(c, s2, s3)
                passthrough(f"_b_{c}", s2, s3)
                checks.append((c, c, f"_b_{c}", "are not yes/no values", "Use 1/0, true/false or 是/否"))
        if "return_prefix" in cfg and "order_id" in s3:
            s3["is_return"] = f"starts_with(CAST(order_id AS VARCHAR), {_lit(cfg['return_prefix'])})"
        s4 = {c: _q(c) for c in s3 if not c.startswith("_")}
        if "quantity" not in s4:
            s4["quantity"] = "CAST(1.0 AS DOUBLE)"
        if "unit_price" not in s4:
            s4["unit_price"] = "abs(amount / nullif(CAST(quantity AS DOUBLE), 0))"
        if "amount" not in s4:
            s4["amount"] = f"({s4['quantity']} * unit_price)"
        if "is_return" not in s4:
            s4["is_return"] = "false"
        flags = " | ".join(f"(CASE WHEN {bad} THEN {1 << i} ELSE 0 END)" for i, (_, _, bad, _, _) in enumerate(checks))
        order = [c for c in CANONICAL if c in s4]

        def body(d):
            return ", ".join(f"{v} AS {_q(k)}" for k, v in d.items())

        sql = (f"SELECT {', '.join(f'{s4[c]} AS {_q(c)}' for c in order)}, CAST({flags or '0'} AS INTEGER) AS _bad "
               f"FROM (SELECT {body(s3)} FROM (SELECT {body(s2)} FROM (SELECT {body(s1)} FROM {_q(view)})))")
        return sql, checks, order

    table = f"crm_door_{next(_names)}"
    # A CSV is re-read with its number and ISO date columns typed by DuckDB's reader (its C parser
    # is cheaper than a text cast per row); a column whose typed read fails takes the text path.
    typed = _typed_columns(src, cols, types, date_format) if src.csv is not None else {}
    while True:
        view = _typed_view(src, {cols[k]: t for k, t in typed.items()}) if typed else src.view
        sql, checks, order = build({**types, **typed}, view)
        try:
            con.execute(f"CREATE TEMP TABLE {_q(table)} AS {sql}")
            break
        except Exception as e:
            con.execute(f"DROP TABLE IF EXISTS {_q(table)}")
            if typed:
                bad = re.search(r'converting column "(.*?)"', str(e))
                culprit = [k for k in typed if bad and cols[k] == bad.group(1)]
                typed = {k: t for k, t in typed.items() if k not in culprit} if culprit else {}
                continue
            err = _csv_error(e, Path(name)) if from_file else e
            if isinstance(err, _BadUnicode):
                raise DataError(f"{name}: the text is not valid UTF-8 ({str(e).splitlines()[0][:200]}). "
                                "Pass encoding=... or save the file as UTF-8 CSV.") from e
            raise err from e
        finally:
            if view != src.view:
                con.execute(f"DROP VIEW IF EXISTS {_q(view)}")
    n = con.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()[0]
    if n == 0:
        con.execute(f"DROP TABLE IF EXISTS {_q(table)}")
        raise data_error("has a header but no rows", source=name, columns=found,
                         fix="Export the rows too, or check that the filter in your query returns data")
    try:
        return _check(src, table, order, checks, n, invalid, asof, meta, found, cols)
    except BaseException:
        con.execute(f"DROP TABLE IF EXISTS {_q(table)}")
        raise


_ISO = r"^\s*\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*$"


def _typed_columns(src: _Source, cols: dict[str, str], types: dict[str, str], date_format) -> dict[str, str]:
    """canonical name → type for the CSV columns DuckDB's reader may type itself: numbers, and the date
    when the file's first dates are ISO 8601 (the reader's cast is then the text path's first try)."""
    out = {c: "DOUBLE" for c in _NUM_COLS if c in cols and types[c] == "VARCHAR"}
    if not date_format and types["order_date"] == "VARCHAR":
        d = _q(cols["order_date"])
        head = _con().execute(f"SELECT bool_and(regexp_matches({d}, {_lit(_ISO)})) FROM (SELECT {d} FROM "
                              f"{_q(src.view)} WHERE {d} IS NOT NULL LIMIT 1000)").fetchone()[0]
        if head:
            out["order_date"] = "TIMESTAMP"
    return out


def _typed_view(src: _Source, types: dict[str, str]) -> str:
    """A view re-reading the CSV with ``types`` (raw column → DuckDB type) for some columns, text for the rest."""
    target, opts = src.csv
    view = f"crm_door_src_{next(_names)}"
    spec = "{" + ", ".join(f"{_lit(c)}: {_lit(t)}" for c, t in types.items()) + "}"
    _con().execute(f"CREATE TEMP VIEW {_q(view)} AS SELECT * FROM read_csv({_lit(target.as_posix())}, "
                   f"{', '.join(opts)}, types={spec})")
    return view


def _examples(src: _Source, table: str, where: str, column: str, raw_col: str | None) -> list[tuple[object, object]]:
    """Up to three (row, value) pairs: the row in the file (header = row 1) or the DataFrame's index label."""
    con = _con()
    rids = [r[0] for r in con.execute(f"SELECT rowid FROM {_q(table)} WHERE {where} ORDER BY rowid LIMIT 3").fetchall()]
    if not rids:
        return []
    if raw_col is not None:
        # the value as written, from the source (rows are numbered in the source's order)
        rows = con.execute(f"SELECT rid, {_q(raw_col)} FROM (SELECT row_number() OVER () - 1 AS rid, {_q(raw_col)} "
                           f"FROM {_q(src.view)}) WHERE rid IN ({', '.join(map(str, rids))}) ORDER BY rid").fetchall()
    else:
        rows = con.execute(f"SELECT rowid, {_q(column)} FROM {_q(table)} WHERE rowid IN "
                           f"({', '.join(map(str, rids))}) ORDER BY rowid").fetchall()
    out = []
    for rid, value in rows:
        if isinstance(value, float) and column == "quantity" and value.is_integer():
            value = int(value)
        if hasattr(value, "isoformat") and not isinstance(value, str):
            value = pd.Timestamp(value)
        label = rid + 2 if src.from_file else (src.index[rid] if src.index is not None else rid)
        out.append((label, value))
    return out


def _check(src, table, order, checks, n, invalid, asof, meta, found, cols) -> _Door:
    con = _con()
    name = src.name
    asof_ts = None
    if asof is not None:
        from crmcore.engine import check_asof

        asof_ts = check_asof(asof)
    content = [
        ("unit_price", "unit_price <= 0", "are zero or negative prices",
         "Correct the prices, or pass invalid='keep' and let crmcore.data.clean() drop and count them"),
        ("quantity", "quantity <= 0 AND NOT is_return", "are quantities ≤ 0 on lines not marked as returns",
         "Mark returns with an is_return column (true/false), or pass invalid='keep' and clean()"),
    ]
    if asof_ts is not None:
        content.append(("order_date", f"order_date >= TIMESTAMP '{asof_ts:%Y-%m-%d %H:%M:%S}'",
                        f"are on or after asof={asof_ts:%Y-%m-%d %H:%M} (future dates)",
                        "Choose a later asof (the snapshot date), or remove the future rows"))
    aggs = [f"count(*) FILTER (WHERE _bad & {1 << i} <> 0)" for i in range(len(checks))]
    aggs += [f"count(*) FILTER (WHERE {cond})" for _, cond, _, _ in content]
    aggs.append("bool_and(quantity = floor(quantity)) FILTER (WHERE quantity IS NOT NULL)")
    # Exact duplicates agree on every column, so rows that are distinct on a few key columns prove there
    # are none; the distinct count over a short key costs two thirds of one over the whole row. When the
    # key repeats (or a hash collides) the exact test below decides, row by row.
    key = [c for c in ("order_id", "product_id", "amount") if c in order] or order
    aggs.append("count(*) - count(DISTINCT hash(" + ", ".join(_q(c) for c in key) + "))")
    res = con.execute(f"SELECT {', '.join(aggs)} FROM {_q(table)}").fetchone()
    parse_counts, content_counts = res[:len(checks)], res[len(checks):len(checks) + len(content)]
    integral, dup_hash = res[-2], res[-1]
    for i, ((key, col, _, problem, fix), bad) in enumerate(zip(checks, parse_counts)):
        if bad:
            raise data_error(problem, source=name, column=col, n_bad=int(bad), n_total=n,
                             examples=_examples(src, table, f"_bad & {1 << i} <> 0", col, cols[col]),
                             columns=found, fix=fix)
    problems = []
    quantity_int = "quantity" in cols and integral is not False and con.execute(f"SELECT typeof(quantity) FROM {_q(table)} LIMIT 1").fetchone()[0] != "BIGINT"

    def fail_or_note(err):
        if invalid == "raise":
            raise err
        problems.append(str(err))

    for (col, cond, problem, fix), bad in zip(content, content_counts):
        if bad:
            fail_or_note(data_error(problem, source=name, column=col, n_bad=int(bad), n_total=n,
                                    examples=_examples(src, table, cond, col, None), columns=found, fix=fix))
    dups = 0
    if dup_hash:
        keys = ", ".join(_q(c) for c in order)
        found_dups = con.execute(f"SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY {keys} ORDER BY rowid) "
                                 f"AS k FROM {_q(table)}) WHERE k > 1 ORDER BY rowid").fetchnumpy()["rowid"]
        dups = len(found_dups)
        dup_rows = f"rowid IN ({', '.join(str(int(r)) for r in found_dups[:3])})"
        if dups:
            fail_or_note(data_error("are exact duplicates of an earlier line", source=name, column="(all)",
                                    n_bad=int(dups), n_total=n,
                                    examples=_examples(src, table, dup_rows, "order_id", None), columns=found,
                                    fix="Remove the duplicated export rows, or pass invalid='keep' and clean(duplicates='drop')"))
    if problems:
        warnings.warn("kept rows with problems for crmcore.data.clean() to remove and count:\n  "
                      + "\n  ".join(problems), stacklevel=4)
    view = f"{table}_v"
    sel = ", ".join("CAST(quantity AS BIGINT) AS quantity" if c == "quantity" and quantity_int else _q(c) for c in order)
    con.execute(f"CREATE TEMP VIEW {_q(view)} AS SELECT {sel} FROM {_q(table)}")
    return _Door(table, view, n, int(dups), meta, sel)


# ---------------------------------------------------------------- SQL that types each column
#: blanks trimmed from text: space, tab, the no-break space of Excel exports, the full-width space of Chinese
#: input methods (an id typed as "C001　" is the customer C001, not a second one)
_BLANKS = " \t\u00a0\u3000"


def _in(x: str, values) -> str:
    """SQL ``x IN values`` as a string search: DuckDB plans an IN list (and list_contains of constants)
    as a join over every row, even inside a CASE branch that few rows reach."""
    return f"contains({_lit('|' + '|'.join(values) + '|')}, '|' || {x} || '|')"


def _text_ok(c: str) -> str:
    """SQL: the text needs no trimming and is no missing-value marker (the common case, tested cheaply).

    Byte length first (O(1) in DuckDB; every marker is at most 4 bytes), then LIKE on the first and
    last character, which DuckDB runs as a prefix/suffix compare: half the cost of the tests it replaces.
    Text that starts or ends with a blank (:data:`_BLANKS`) takes the slow path, which trims them all."""
    ends = " AND ".join(f"{c} NOT LIKE '{b}%' AND {c} NOT LIKE '%{b}'" for b in _BLANKS)
    return f"(strlen({c}) > 4 AND {ends})"


def _date_stages(col: str, typ: str, date_format: str | None, dayfirst: bool) -> tuple[str, str]:
    """(stage-1 SQL on the source column, stage-2 SQL on the stage-1 result ``_d`` and the raw ``_r_d``).

    The cheap ISO cast runs on every row; the other forms only on the rows it leaves NULL."""
    c = _q(col)
    if typ == "DATE" or (typ.startswith("TIMESTAMP") and "TIME ZONE" not in typ):
        return f"CAST({c} AS TIMESTAMP)", "_d"
    if date_format:
        return f"CAST(try_strptime(trim(CAST({c} AS VARCHAR)), {_lit(date_format)}) AS TIMESTAMP)", "_d"
    if typ != "VARCHAR":
        c = f"CAST({c} AS VARCHAR)"
    # 2024年3月5日, 2024/3/5, 2024.03.05 (with or without a time) become ISO text; the rest by strptime
    norm = ("trim(replace(replace(replace(replace(replace(replace(replace(trim(_r_d), '年', '-'), '月', '-'), "
            "'日', ' '), '号', ' '), '/', '-'), '.', '-'), '  ', ' '))")
    forms = _STRPTIME_FORMATS + (_DAY_FIRST if dayfirst else _MONTH_FIRST)
    fallback = (f"coalesce(TRY_CAST({norm} AS TIMESTAMP), "
                f"CAST(try_strptime(trim(_r_d), [{', '.join(_lit(f) for f in forms)}]) AS TIMESTAMP))")
    if dayfirst:  # 05.03.2024 is day first: do not read 2024-style normalisations of it as anything else
        fallback = f"CAST(try_strptime(trim(_r_d), [{', '.join(_lit(f) for f in forms)}]) AS TIMESTAMP)"
        fallback = f"coalesce({fallback}, TRY_CAST({norm} AS TIMESTAMP))"
    return f"TRY_CAST({c} AS TIMESTAMP)", f"CASE WHEN _d IS NOT NULL THEN _d ELSE {fallback} END"


def _is_numeric(typ: str) -> bool:
    return typ.split("(")[0] in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                                 "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL")


def _is_integer(typ: str) -> bool:
    return typ in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                   "UBIGINT")


def _missing_sql(c: str) -> str:
    return f"({c} IS NULL OR {_in(f'trim(CAST({c} AS VARCHAR))', _MISSING_TEXT)})"


def _number_stages(col: str, typ: str, n: str, r: str) -> tuple[str, str, str]:
    """(stage-1 value, stage-2 value from the stage-1 value ``n`` and the raw text ``r``, stage-2 is-missing).

    A plain number is cast once; only text the cast refuses is stripped of currency signs and
    thousands separators (also the full-width ，) and tried again."""
    c = _q(col)
    if _is_numeric(typ):
        v = f"CAST({c} AS BIGINT)" if _is_integer(typ) else f"CAST({c} AS DOUBLE)"
        return v, n, f"({n} IS NULL OR isnan(CAST({n} AS DOUBLE)))"
    if typ == "BOOLEAN":
        return f"CAST({c} AS DOUBLE)", n, f"({n} IS NULL)"
    text = f"trim(CAST({r} AS VARCHAR))"
    stripped = f"regexp_replace(replace(replace({text}, '（', '('), '）', ')'), '^[¥$£€]|[,，\\s]', '', 'g')"
    value = f"CASE WHEN isfinite({n}) THEN {n} ELSE TRY_CAST({stripped} AS DOUBLE) END"
    return f"TRY_CAST({c} AS DOUBLE)", value, f"(CASE WHEN isfinite({n}) THEN false ELSE {_missing_sql(r)} END)"


def _string_sql(col: str, typ: str, canon: str) -> tuple[str, str | None]:
    """(stage-1 SQL for a text column, stage-2 SQL on its stage-1 value or None)."""
    c = _q(col)
    if _is_integer(typ):
        return c, None  # integer ids keep their type
    if _is_numeric(typ):
        # a float id column (12346.0 because of empty cells) back to its integer text
        return (f"(CASE WHEN isnan({c}) THEN NULL WHEN {c} = floor({c}) THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) "
                f"ELSE CAST({c} AS VARCHAR) END)"), None
    if typ != "VARCHAR":
        c = f"CAST({c} AS VARCHAR)"
    t = f"trim({c}, '{_BLANKS}')"
    slow = f"(CASE WHEN {_in(t, _MISSING_TEXT)} THEN NULL ELSE {t} END)"
    out = f"(CASE WHEN {_text_ok(c)} THEN {c} ELSE {slow} END)"
    if canon == "customer_id":
        v = _q(canon)
        return out, f"(CASE WHEN suffix({v}, '.0') THEN left({v}, length({v}) - 2) ELSE {v} END)"
    return out, None


def _bool_sql(col: str, typ: str) -> tuple[str, str]:
    c = _q(col)
    if typ == "BOOLEAN":
        return f"coalesce({c}, false)", "false"
    text = f"lower(trim(CAST({c} AS VARCHAR)))"
    return (f"coalesce({_in(text, _TRUE)}, false)",
            f"({c} IS NOT NULL AND NOT {_in(text, _TRUE)} AND NOT {_in(text, _FALSE)})")
