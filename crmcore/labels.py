"""Words users read, in English and Chinese: one catalogue mechanism and one lookup.

Every table of user-facing words has one shape, ``{"key": {"en": ..., "zh": ...}}``, and is a
:class:`Catalogue` registered under a name (``Catalogue("rfm.columns", {...})``): a method keeps its words
next to the code that uses them, in its ``*_text`` module, and :func:`text` / :func:`column` look them up.
Because every catalogue is registered, the whole edition can be read in one file: ``python -m crmcore.labels``
writes the gettext catalogue ``crmcore/locale/zh.po`` (msgctxt = catalogue and key, msgid = English, msgstr =
Chinese) that a reviewer reads as a whole; a test keeps it in step with the code.

A third language needs no code: put ``crmcore/locale/<lang>.po`` (the same msgctxt/msgid, msgstr in that
language; start from ``zh.po``) there, and ``lang="<lang>"`` is accepted everywhere; catalogued words —
headers, labels, segment and state names — come from the file, untranslated entries fall back to English.
Generated sentences are built by code per language and stay English until a module writes them.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Iterator, Mapping

from crmcore.errors import ParameterError

#: the languages written in the code; more come from ``crmcore/locale/<lang>.po``
BUILT_IN = ("en", "zh")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: every registered catalogue, by name
REGISTRY: dict[str, "Catalogue"] = {}
_PO: dict[str, dict[str, str]] = {}  # lang → {msgctxt: msgstr}, read on first use


def _po_unquote(s: str) -> str:
    return bytes(s[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def _po_quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def read_po(path: str | Path) -> dict[str, str]:
    """``{msgctxt: msgstr}`` of a gettext .po file (entries without a translation left out)."""
    out: dict[str, str] = {}
    entry: dict[str, str] = {}
    field = None

    def flush():
        if entry.get("msgctxt") and entry.get("msgstr"):
            out[entry["msgctxt"]] = entry["msgstr"]
        entry.clear()

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        m = re.match(r'^(msgctxt|msgid|msgstr) (".*")$', line)
        if m:
            if m.group(1) == "msgctxt" or (m.group(1) == "msgid" and "msgid" in entry):
                flush()
            field = m.group(1)
            entry[field] = _po_unquote(m.group(2))
        elif line.startswith('"') and field:
            entry[field] += _po_unquote(line)
        elif not line:
            field = None
    flush()
    return out


def _po(lang: str) -> dict[str, str]:
    if lang not in _PO:
        path = LOCALE_DIR / f"{lang}.po"
        _PO[lang] = read_po(path) if path.exists() and lang not in BUILT_IN else {}
    return _PO[lang]


def languages() -> tuple[str, ...]:
    """English, Chinese, and every language with a ``crmcore/locale/<lang>.po`` file."""
    extra = sorted(p.stem for p in LOCALE_DIR.glob("*.po") if p.stem not in BUILT_IN) if LOCALE_DIR.exists() else []
    return BUILT_IN + tuple(extra)


class _Entry(Mapping[str, str]):
    """One catalogue entry: ``entry["zh"]``; a language from a .po file, or English when it has no translation."""

    __slots__ = ("_ctx", "_words")

    def __init__(self, ctx: str, words: Mapping[str, str]):
        self._ctx, self._words = ctx, dict(words)

    def __getitem__(self, lang: str) -> str:
        if lang in self._words:
            return self._words[lang]
        if lang in languages():
            return _po(lang).get(self._ctx, self._words["en"])
        raise KeyError(lang)

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, lang: object) -> bool:
        return lang in self._words or lang in languages()

    def __repr__(self) -> str:
        return repr(self._words)


class Catalogue(Mapping[str, _Entry]):
    """A named table of user-facing words, ``{"key": {"en": ..., "zh": ...}}`` (the one shape).

    ``cat["key"]["zh"]`` and ``cat("key", "zh", n=3)`` (formatted) both work; every entry must have both
    built-in languages, checked when the module is imported.
    """

    def __init__(self, name: str, entries: Mapping[str, Mapping[str, str]]):
        bad = [k for k, v in entries.items() if not isinstance(v, Mapping) or set(BUILT_IN) - set(v)]
        if bad:
            raise ValueError(f"catalogue {name!r}: entries {bad[:5]} lack one of {BUILT_IN} "
                             f"(the shape is {{'key': {{'en': ..., 'zh': ...}}}})")
        self.name = name
        #: the module that defines it (the layout test keeps long tables in ``*_text`` modules)
        self.module = sys._getframe(1).f_globals.get("__name__", "")
        self._entries = {k: _Entry(f"{name}:{k}", v) for k, v in entries.items()}
        REGISTRY[name] = self

    def __getitem__(self, key: str) -> _Entry:
        return self._entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __call__(self, key: str, lang: str = "en", **fmt) -> str:
        """The entry in ``lang`` (formatted with ``fmt`` when given); an unknown key comes back as is."""
        check_lang(lang)
        if key not in self._entries:
            return key
        s = self._entries[key][lang]
        return s.format(**fmt) if fmt else s

    def __repr__(self) -> str:
        return f"Catalogue({self.name!r}, {len(self)} entries)"


def po_text(lang: str = "zh") -> str:
    """Every registered catalogue as one gettext .po text in ``lang`` (import the modules first)."""
    lines = ['# crmcore\'s user-facing words: msgctxt = catalogue:key, msgid = English, msgstr = the translation.',
             "# Generated by `python -m crmcore.labels`; a test keeps crmcore/locale/zh.po in step with the code.",
             'msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', f'"Language: {lang}\\n"', ""]
    for name in sorted(REGISTRY):
        for key, entry in REGISTRY[name].items():
            lines += [f"msgctxt {_po_quote(f'{name}:{key}')}", f"msgid {_po_quote(entry['en'])}",
                      f"msgstr {_po_quote(entry[lang] if lang in BUILT_IN else '')}", ""]
    return "\n".join(lines)


def load_all() -> None:
    """Import every crmcore module, so that every catalogue is registered."""
    import importlib
    import pkgutil

    import crmcore

    for info in pkgutil.walk_packages(crmcore.__path__, "crmcore."):
        if not info.ispkg:
            importlib.import_module(info.name)

COMMON = Catalogue("common", {
    "customer": {"en": "customer", "zh": "客户"},
    "customers": {"en": "customers", "zh": "客户数"},
    "orders": {"en": "orders", "zh": "订单数"},
    "revenue": {"en": "revenue", "zh": "销售额"},
    "share": {"en": "share", "zh": "占比"},
    "revenue_share": {"en": "revenue share", "zh": "销售额占比"},
    "quantity": {"en": "quantity", "zh": "数量"},
    "date": {"en": "date", "zh": "日期"},
    "month": {"en": "month", "zh": "月份"},
    "week": {"en": "week", "zh": "周"},
    "weekday": {"en": "weekday", "zh": "星期"},
    "region": {"en": "region", "zh": "区域"},
    "channel": {"en": "channel", "zh": "渠道"},
    "category": {"en": "category", "zh": "品类"},
    "product": {"en": "product", "zh": "商品"},
    "segment": {"en": "segment", "zh": "客户分群"},
    "target": {"en": "target", "zh": "目标"},
    "actual": {"en": "actual", "zh": "实际"},
    "average_order_value": {"en": "average order value", "zh": "客单价"},
    "recency": {"en": "recency", "zh": "最近一次消费"},
    "frequency": {"en": "frequency", "zh": "消费频率"},
    "monetary": {"en": "monetary", "zh": "消费金额"},
})

WEEKDAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported (built in, or a ``crmcore/locale/<lang>.po`` file), else a ParameterError."""
    if lang not in BUILT_IN and lang not in languages():
        raise ParameterError(f"lang={lang!r} is not supported; use one of {', '.join(map(repr, languages()))}.")
    return lang


def text(key: str, lang: str = "en", table: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """Look ``key`` up in ``table`` (or the common terms) in ``lang``; unknown keys come back as is."""
    check_lang(lang)
    for t in (table or {}, COMMON):
        if key in t:
            return t[key][lang]
    return key


def both(key: str, table: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """'English (中文)' — how a term is written in English text that keeps the Chinese teaching term beside it."""
    return f"{text(key, 'en', table)} ({text(key, 'zh', table)})"


#: readable column headers for tables users read (snake_case name → en / zh); modules may pass their own
COLUMNS = Catalogue("columns", {
    "customer_id": {"en": "Customer", "zh": "客户编号"},
    "customer_name": {"en": "Customer name", "zh": "客户名称"},
    "order_id": {"en": "Order", "zh": "订单号"},
    "order_date": {"en": "Order date", "zh": "下单日期"},
    "product_id": {"en": "Product", "zh": "商品编号"},
    "product_name": {"en": "Product name", "zh": "商品名称"},
    "category": {"en": "Category", "zh": "品类"},
    "channel": {"en": "Channel", "zh": "渠道"},
    "region": {"en": "Region", "zh": "区域"},
    "payment": {"en": "Payment", "zh": "支付方式"},
    "quantity": {"en": "Quantity", "zh": "数量"},
    "unit_price": {"en": "Unit price", "zh": "单价"},
    "revenue": {"en": "Revenue", "zh": "销售额"},
    "net_revenue": {"en": "Net revenue", "zh": "净销售额"},
    "orders": {"en": "Orders", "zh": "订单数"},
    "lines": {"en": "Lines", "zh": "明细行数"},
    "customers": {"en": "Customers", "zh": "客户数"},
    "share": {"en": "Share", "zh": "占比"},
    "customer_share": {"en": "Share of customers", "zh": "客户占比"},
    "revenue_share": {"en": "Share of revenue", "zh": "销售额占比"},
    "cum_share": {"en": "Cumulative share", "zh": "累计占比"},
    "recency": {"en": "Recency (days)", "zh": "最近一次消费（天）"},
    "frequency": {"en": "Frequency", "zh": "消费频率"},
    "monetary": {"en": "Monetary", "zh": "消费金额"},
    "segment": {"en": "Segment", "zh": "客户分群"},
    "segment_name": {"en": "Segment", "zh": "客户分群"},
    "action": {"en": "Action", "zh": "建议措施"},
    "month": {"en": "Month", "zh": "月份"},
    "period": {"en": "Period", "zh": "期间"},
    "date": {"en": "Date", "zh": "日期"},
    "target": {"en": "Target", "zh": "目标"},
    "actual": {"en": "Actual", "zh": "实际"},
    "achievement": {"en": "Achievement", "zh": "达成率"},
    "growth": {"en": "Growth", "zh": "增长率"},
    "weight": {"en": "Weight", "zh": "权重"},
    "score": {"en": "Score", "zh": "得分"},
    "rank": {"en": "Rank", "zh": "排名"},
    "average_order_value": {"en": "Average order value", "zh": "客单价"},
    "first_purchase": {"en": "First purchase", "zh": "首次购买"},
    "last_purchase": {"en": "Last purchase", "zh": "最近购买"},
})

#: category values of the demo data (channel, payment, region, product category), so zh sentences and
#: tables never show an English value; a user's own data pass through unchanged
VALUES = Catalogue("values", {
    "store": {"en": "store", "zh": "门店"},
    "online": {"en": "online", "zh": "线上商城"},
    "mini-program": {"en": "mini-program", "zh": "小程序"},
    "card": {"en": "card", "zh": "银行卡"},
    "cash": {"en": "cash", "zh": "现金"},
    "mobile": {"en": "mobile", "zh": "移动支付"},
    "invoice": {"en": "invoice", "zh": "对公转账"},
    "East": {"en": "East", "zh": "华东"},
    "South": {"en": "South", "zh": "华南"},
    "North": {"en": "North", "zh": "华北"},
    "West": {"en": "West", "zh": "西部"},
    "Central": {"en": "Central", "zh": "华中"},
    "Home decor": {"en": "Home decor", "zh": "家居装饰"},
    "Kitchen": {"en": "Kitchen", "zh": "厨房用品"},
    "Stationery": {"en": "Stationery", "zh": "文具"},
    "Gifts": {"en": "Gifts", "zh": "礼品"},
    "Textiles": {"en": "Textiles", "zh": "家纺"},
    "Lighting": {"en": "Lighting", "zh": "灯具"},
    "Garden": {"en": "Garden", "zh": "园艺"},
})


def column(name: str, lang: str = "en", table: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A readable header for column ``name`` in ``lang`` (``table`` first, then :data:`COLUMNS`).

    Unknown names are made readable ("net_revenue" → "Net revenue") in English and kept as is in Chinese.
    """
    check_lang(lang)
    for t in (table or {}, COLUMNS, COMMON):
        if name in t:
            return t[name][lang]
    s = str(name)
    return s.replace("_", " ").capitalize() if lang == "en" and s.islower() else s


def value(v, lang: str = "en"):
    """A data value in ``lang``: the demo data's channel, payment, region and category names are translated."""
    check_lang(lang)
    if isinstance(v, str) and v in VALUES:
        return VALUES[v][lang]
    return v


def translate_frame(frame, lang: str = "en", *, columns: Mapping[str, Mapping[str, str]] | None = None,
                    values: bool = True):
    """A copy of ``frame`` with readable headers (and index name) and the demo data's values in ``lang``."""
    check_lang(lang)
    out = frame.copy()
    if values and lang != "en":
        for c in out.columns:
            if out[c].dtype == object or str(out[c].dtype) in ("string", "str", "category"):
                out[c] = out[c].map(lambda v: value(v, lang))
        if out.index.dtype == object:
            out.index = out.index.map(lambda v: value(v, lang))
    out = out.rename(columns=lambda c: column(c, lang, columns) if isinstance(c, str) else c)
    if isinstance(out.index.name, str):
        out.index.name = column(out.index.name, lang, columns)
    return out


def write_po() -> Path:
    """Write every registered catalogue into ``crmcore/locale/zh.po`` (what ``python -m crmcore.labels`` does)."""
    load_all()
    LOCALE_DIR.mkdir(exist_ok=True)
    path = LOCALE_DIR / "zh.po"
    path.write_text(po_text("zh") + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover - `python -m crmcore.labels` writes crmcore/locale/zh.po
    import warnings

    warnings.filterwarnings("ignore", category=RuntimeWarning)
    from crmcore import labels as _registered  # the module the other modules register their catalogues in

    out = _registered.write_po()
    print(f"wrote {out}: {sum(map(len, _registered.REGISTRY.values()))} entries in {len(_registered.REGISTRY)} catalogues")
