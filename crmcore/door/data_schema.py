"""The canonical transactions schema and how a file's columns are mapped onto it.

The canonical columns (``REQUIRED``, ``OPTIONAL``), the presets of public data sets, the Chinese column names
recognised without being asked, the ``<file>.mapping.yaml`` sidecar, and the messages that name a missing
column with its close matches. ``crmcore.data`` re-exports every public name.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Mapping

from crmcore.errors import DataError, data_error

REQUIRED = ["customer_id", "order_id", "order_date", "product_id", "quantity", "unit_price", "amount"]
OPTIONAL = ["product_name", "category", "channel", "region", "is_promo", "list_price", "payment", "is_return"]
CANONICAL = REQUIRED + OPTIONAL
#: columns a file must have (``product_id`` may be absent: see :func:`require_product`)
NEEDED = ["customer_id", "order_id", "order_date"]
_STR_COLS = ["customer_id", "order_id", "product_id", "product_name", "category", "channel", "region", "payment"]
_NUM_COLS = ["quantity", "unit_price", "amount", "list_price"]
_BOOL_COLS = ["is_promo", "is_return"]

#: Online Retail (UCI 352): stock codes that are not products (postage, fees, adjustments)
ONLINE_RETAIL_NON_PRODUCT = ("POST", "DOT", "M", "m", "D", "C2", "S", "B", "CRUK", "PADS", "AMAZONFEE",
                             "BANK CHARGES")

PRESETS: dict[str, dict[str, Any]] = {
    "online_retail": {
        "mapping": {"InvoiceNo": "order_id", "StockCode": "product_id", "Description": "product_name",
                    "Quantity": "quantity", "InvoiceDate": "order_date", "UnitPrice": "unit_price",
                    "CustomerID": "customer_id", "Country": "region"},
        "return_prefix": "C",
        "invalid": "keep",
        "non_product": ONLINE_RETAIL_NON_PRODUCT,
    },
    "cdnow": {
        "mapping": {"customer_id": "customer_id", "date": "order_date", "number_of_cds": "quantity",
                    "dollar_value": "amount"},
        "sep": r"\s+",
        "date_format": "%Y%m%d",
        "invalid": "keep",
        "non_product": (),
    },
}

#: Chinese column names of analysts' own exports, mapped without being asked (first match wins per column)
CHINESE_NAMES: dict[str, str] = {
    "客户编号": "customer_id", "客户ID": "customer_id", "客户id": "customer_id", "客户号": "customer_id",
    "会员ID": "customer_id", "会员id": "customer_id", "会员编号": "customer_id", "会员号": "customer_id",
    "客户": "customer_id", "顾客编号": "customer_id", "用户ID": "customer_id", "用户id": "customer_id",
    "订单编号": "order_id", "订单号": "order_id", "单号": "order_id", "订单ID": "order_id", "订单id": "order_id",
    "下单日期": "order_date", "订单日期": "order_date", "交易日期": "order_date", "下单时间": "order_date",
    "交易时间": "order_date", "购买日期": "order_date", "日期": "order_date", "付款时间": "order_date",
    "商品编码": "product_id", "商品编号": "product_id", "商品ID": "product_id", "商品id": "product_id",
    "货号": "product_id", "SKU": "product_id",
    "商品名称": "product_name", "品名": "product_name", "类别": "category", "品类": "category",
    "商品类别": "category",
    "数量": "quantity", "件数": "quantity", "购买数量": "quantity",
    "单价": "unit_price", "成交单价": "unit_price", "售价": "unit_price",
    "实付金额": "amount", "金额": "amount", "销售额": "amount", "订单金额": "amount", "成交金额": "amount",
    "渠道": "channel", "销售渠道": "channel", "地区": "region", "区域": "region", "大区": "region",
    "省份": "region", "是否促销": "is_promo", "促销": "is_promo", "原价": "list_price", "吊牌价": "list_price",
    "支付方式": "payment", "付款方式": "payment", "是否退货": "is_return", "退货": "is_return",
}

#: the columns that make a file the raw UCI Online Retail export (Chen 2015)
_UCI_COLUMNS = {"InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"}

#: options a ``<file>.mapping.yaml`` sidecar may carry besides the column mapping
SIDECAR_OPTIONS = ("date_format", "dayfirst", "encoding", "sep", "sheet", "preset", "invalid")

#: names that usually mean a canonical column (used for suggestions, never mapped silently)
SYNONYMS = {
    "customer_id": ("customer", "customerid", "custid", "memberid", "member", "clientid", "客户", "客户编号", "客户id", "会员号", "会员编号"),
    "order_id": ("invoice", "invoiceno", "invoiceid", "order", "orderno", "ordernumber", "订单号", "订单编号", "单号", "发票号"),
    "order_date": ("date", "invoicedate", "orderdate", "time", "datetime", "orderdatetime", "日期", "订单日期", "下单时间", "交易日期"),
    "product_id": ("product", "productid", "stockcode", "sku", "item", "itemid", "itemcode", "商品编码", "商品编号", "货号", "商品id"),
    "quantity": ("qty", "quantity", "units", "number", "数量", "件数"),
    "unit_price": ("price", "unitprice", "单价", "价格", "售价"),
    "amount": ("amount", "revenue", "sales", "total", "value", "金额", "销售额", "实付金额"),
}


def require_product(tx: Any, method: str) -> None:
    """Refuse, with the fix, a method by product on transactions without ``product_id``."""
    columns = tx.columns if hasattr(tx, "columns") else []
    if "product_id" not in columns:
        raise DataError(f"{method} works by product and needs a product_id column; these transactions have "
                        f"none (columns: {', '.join(map(str, columns))}). Map your SKU / item code column to "
                        "product_id (mapping= or the <file>.mapping.yaml sidecar).")


def sidecar_mapping(path: str | Path) -> dict[str, str] | None:
    """The column mapping stored next to a data file as ``<file>.mapping.yaml``, if there is one.

    Besides ``your column: canonical name`` lines the file may set how the data are written:
    ``date_format``, ``dayfirst``, ``encoding``, ``sep``, ``sheet`` (and ``preset``) — see
    :func:`sidecar_options`; those keys are not part of the mapping.
    """
    raw = _sidecar(path)
    if raw is None:
        return None
    m = {k: v for k, v in raw.items() if k not in SIDECAR_OPTIONS}
    side = Path(f"{path}.mapping.yaml")
    if not all(isinstance(k, str) and v in CANONICAL for k, v in m.items()):
        raise DataError(f"{side}: each line must map one of your columns to a canonical name "
                        f"({', '.join(CANONICAL)}), e.g. CustomerID: customer_id; or set one of "
                        f"{', '.join(SIDECAR_OPTIONS)}.")
    return m


def sidecar_options(path: str | Path) -> dict[str, Any]:
    """How the file is written, from its ``<file>.mapping.yaml``: date_format, dayfirst, encoding, sep, sheet, preset."""
    raw = _sidecar(path) or {}
    opts = {k: raw[k] for k in SIDECAR_OPTIONS if k in raw}
    if "dayfirst" in opts and not isinstance(opts["dayfirst"], bool):
        raise DataError(f"{path}.mapping.yaml: dayfirst must be true or false, not {opts['dayfirst']!r}.")
    return opts


# ---------------------------------------------------------------- private helpers
def _canon_name(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def _resolve_columns(found: list[str], mapping: Mapping[str, str], name: str, from_file: bool,
                     explicit: bool) -> dict[str, str]:
    """canonical name → source column, after the mapping, canonical-looking names and Chinese names."""
    out: dict[str, str] = {}
    via: dict[str, str] = {}
    chinese = []
    for col in found:
        target = None
        if col in mapping:
            target, how = mapping[col], "mapping"
        elif _canon_name(col) in CANONICAL:
            target, how = _canon_name(col), "name"
        if target is None:
            continue
        if target in out:
            raise DataError(
                f"in {name}: the mapping makes two columns called {target!r} ({out[target]!r} and {col!r}). "
                f"Map only one of them to {target!r}: drop {col!r}: {target} from the mapping"
                + (f" (or from {Path(name).name}.mapping.yaml)" if from_file else "")
                + f", or map it to another canonical name. Columns found: {', '.join(found)}.")
        out[target], via[target] = col, how
    for col in found:
        target = CHINESE_NAMES.get(col)
        if target and target not in out and col not in mapping and col not in out.values():
            out[target] = col
            chinese.append(f"{col} → {target}")
    if chinese:
        print(f"Note: {Path(name).name if from_file else name}: Chinese column names recognised: {', '.join(chinese)}.")
    return out


def _missing_error(missing: list[str], found: list[str], source: str, also: list[str] = ()) -> DataError:
    """The missing required columns, with close matches for them (and for the optional ``also`` ones)."""
    hints = []
    norm = {c: c.lower().replace("_", "").replace(" ", "").replace("-", "") for c in found}
    for m in [*missing, *also]:
        target = m.replace("_", "")
        close = ([c for c, n in norm.items() if n == target]
                 or [c for c, n in norm.items() if n in SYNONYMS.get(m, ())]
                 or difflib.get_close_matches(m, found, n=1, cutoff=0.6))
        if close:
            hints.append((close[0], m))
    if hints:
        fix = (f"Close matches: {', '.join(f'{a!r} → {b!r}' for a, b in hints)}. "
               f"Pass mapping={{{', '.join(f'{a!r}: {b!r}' for a, b in hints)}}}")
    else:
        fix = "Rename your columns or pass mapping={'your column': 'canonical name'}"
    if source != "the DataFrame":
        fix += (f" — for crm report or a notebook, write that mapping next to the data as "
                f"{Path(source).name}.mapping.yaml, one 'your column: canonical name' per line")
    return data_error(f"missing required column(s) {', '.join(map(repr, missing))}", source=source,
                      columns=found, fix=fix)


def _sidecar(path: str | Path) -> dict | None:
    import yaml

    side = Path(f"{path}.mapping.yaml")
    if not side.exists():
        return None
    try:
        m = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise DataError(f"{side}: not valid YAML ({e}). Write one line per column, e.g. CustomerID: customer_id.") from e
    if not isinstance(m, dict):
        raise DataError(f"{side}: each line must map one of your columns to a canonical name "
                        f"({', '.join(CANONICAL)}), e.g. CustomerID: customer_id.")
    return m
