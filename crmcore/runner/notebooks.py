"""The notebooks and their parameters: where they are, which cells a report or a lesson keeps, and every check
that runs before a kernel starts.

A parameter is declared once, in the notebook's ``parameters`` cell: ``name: type = default  # {a, b} help``
for a choice, ``# [lo, hi] help`` for a range. :func:`resolve_parameters` merges the notebook's defaults, a
params file and ``-p`` values and refuses a wrong name, type, choice or range; :func:`check_asof` refuses an
``asof`` outside the data (the data's first and last order date read cheaply with DuckDB). Used by
:mod:`~crmcore.runner.report`, :mod:`~crmcore.runner.report_html` and :mod:`~crmcore.runner.course`, which
import it and not each other.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from crmcore.errors import CrmError, ParameterError


ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PARAMS = NOTEBOOKS / "params"
REPORTS = ROOT / "reports"
TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGS = ("en", "zh")
HTML_LANG = {"en": "en", "zh": "zh-CN"}
MODES = ("report", "lesson")
#: tags whose cells a management report leaves out (besides the other language's cells)
REPORT_DROP = frozenset({"lesson", "solution", "answer", "remove-cell"})
#: tags whose cells a lesson leaves out
LESSON_DROP = frozenset({"remove-cell"})
#: tags whose cells a student copy leaves out
STUDENT_DROP = frozenset({"remove-cell", "solution", "answer"})
_HEADER_LABELS = {
    "en": {"heading": "Report parameters", "notebook": "Notebook", "parameters": "Parameters", "data": "Data"},
    "zh": {"heading": "报告参数", "notebook": "笔记本", "parameters": "参数", "data": "数据"},
}
_TMP_SUFFIX = ".crmtmp"
_LOCKS = ".crm-locks"


class ReportError(CrmError):
    """A notebook run that failed, or a report request that cannot be run."""


@dataclass(frozen=True)
class ReportRun:
    notebook: Path
    executed: Path
    html: Path | None
    parameters: dict[str, Any]
    ok: bool
    error: str = ""
    lang: str = "en"
    seconds: float = 0.0


def list_notebooks() -> list[Path]:
    """The method notebooks (``notebooks/NN_*.ipynb``), in order."""
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def find_notebook(name: str | Path) -> Path:
    """A notebook by path, file name or stem (``05_rfm``) or number prefix (``05``)."""
    p = Path(name)
    if p.suffix == ".ipynb" and p.exists():
        return p.resolve()
    stem = p.stem if p.suffix == ".ipynb" else str(name)
    matches = [q for q in list_notebooks() if q.stem == stem or q.stem.startswith(f"{stem}_")]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(q.stem for q in list_notebooks())
    raise ReportError(f"no notebook {str(name)!r}{' (ambiguous)' if matches else ''}; notebooks: {names}.")


def select_cells(nb, *, lang: str, drop: Iterable[str]):
    """A copy of ``nb`` without the cells tagged in ``drop`` and without the other languages' cells."""
    import copy

    drop = set(drop) | {f"lang-{x}" for x in LANGS if x != lang}
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if not drop & set(c.get("metadata", {}).get("tags", []))]
    return out


def title_of(nb, lang: str = "en") -> str:
    """The H1 title of ``nb`` in ``lang`` (the title cell tagged ``lang-<lang>``, else the first H1)."""
    first = ""
    for c in nb.cells:
        if c.cell_type != "markdown":
            continue
        m = re.search(r"^#\s+(.+)$", c.source, flags=re.M)
        if not m:
            continue
        tags = set(c.get("metadata", {}).get("tags", []))
        if f"lang-{lang}" in tags or not any(t.startswith("lang-") for t in tags):
            return m.group(1).strip()
        first = first or m.group(1).strip()
    return first


@dataclass(frozen=True)
class Param:
    """One declared parameter: ``name: type = default  # {a, b} help`` or ``# [lo, hi] help``."""

    name: str
    type: str
    default: Any
    help: str = ""
    choices: tuple | None = None
    bounds: tuple | None = None

    def allowed(self) -> str:
        if self.choices is not None:
            return "{" + ", ".join(str(c) for c in self.choices) + "}"
        if self.bounds is not None:
            return f"[{self.bounds[0]}, {self.bounds[1]}]"
        return ""

    def __getitem__(self, key):  # the older dict interface: spec["type"], spec["default"], spec["help"]
        return getattr(self, key)
_PARAM_LINE = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>\w+)\s*=\s*(?P<rest>.+)$")
_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


def _split_comment(rest: str) -> tuple[str, str]:
    """``'"a # b"  # help'`` → (``'"a # b"'``, ``'help'``): the first ``#`` outside a string literal."""
    import io
    import tokenize

    try:
        for tok in tokenize.generate_tokens(io.StringIO(rest).readline):
            if tok.type == tokenize.COMMENT:
                return rest[:tok.start[1]].strip(), tok.string[1:].strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return rest.strip(), ""


def _typed(value: str, typ: str) -> Any:
    value = value.strip().strip("'\"")
    if typ == "int":
        return int(value)
    if typ == "float":
        return float(value)
    if typ == "bool":
        return {"true": True, "false": False}[value.lower()]
    return value


def parse_parameters(source: str) -> dict[str, Param]:
    """The parameters a parameters cell declares, with allowed values or range from the help comment."""
    out: dict[str, Param] = {}
    for line in source.splitlines():
        m = _PARAM_LINE.match(line.strip())
        if not m:
            continue
        value, help_ = _split_comment(m["rest"])
        try:
            default = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            default = value
        typ, choices, bounds = m["type"], None, None
        spec = re.match(r"^(\{[^}]*\}|\[[^\]]*\])\s*(.*)$", help_)
        if spec:
            inner = spec.group(1)[1:-1]
            try:
                if spec.group(1).startswith("{"):
                    choices = tuple(_typed(v, typ) for v in inner.split(",") if v.strip())
                else:
                    lo, hi = (v.strip() for v in inner.split(","))
                    bounds = (_typed(lo, "float" if typ == "float" else "int" if typ == "int" else "float"),
                              _typed(hi, "float" if typ == "float" else "int" if typ == "int" else "float"))
                help_ = spec.group(2).strip()
            except (ValueError, KeyError):
                choices = bounds = None  # not a declaration after all: keep the help text as written
        out[m["name"]] = Param(m["name"], typ, default, help_, choices, bounds)
    return out


def _parameters_source(nb) -> str:
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell.source
    return ""


@lru_cache(maxsize=64)
def _declared_cached(path: str, mtime: float) -> dict[str, Param]:
    import nbformat

    return parse_parameters(_parameters_source(nbformat.read(path, as_version=4)))


def notebook_parameters(path: Path) -> dict[str, Param]:
    """The parameters the notebook declares: name → :class:`Param` (type, default, help, allowed values)."""
    path = Path(path)
    return _declared_cached(str(path), path.stat().st_mtime)


def _coerce(name: str, value: Any, spec: Param | str | None) -> Any:
    """``value`` in the declared type and within the declared values or range; refused otherwise."""
    typ = spec.type if isinstance(spec, Param) else spec
    if isinstance(value, str):
        try:
            if typ == "int":
                value = int(value)
            elif typ == "float":
                value = float(value)
            elif typ == "bool":
                low = value.lower()
                if low not in ("true", "1", "yes", "false", "0", "no"):
                    raise ValueError(value)
                value = low in ("true", "1", "yes")
        except ValueError:
            raise ParameterError(f"parameter {name!r} is declared {typ}; {value!r} is not one.") from None
    elif typ == "float" and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    elif typ == "str" and value is not None and not isinstance(value, str):
        value = str(value)  # a YAML date or number where text is declared
    elif typ in _TYPES and not isinstance(value, _TYPES[typ]):
        raise ParameterError(f"parameter {name!r} is declared {typ}; {value!r} is not one.")
    if isinstance(spec, Param):
        if spec.choices is not None and value not in spec.choices:
            raise ParameterError(f"parameter {name!r} = {value!r} is not allowed; allowed values: "
                                 f"{', '.join(repr(c) for c in spec.choices)}. Fix: -p {name} {spec.choices[0]}.")
        if spec.bounds is not None and not spec.bounds[0] <= value <= spec.bounds[1]:
            raise ParameterError(f"parameter {name!r} = {value!r} is outside its range [{spec.bounds[0]}, "
                                 f"{spec.bounds[1]}] (inclusive). Fix: pick a value in that range.")
    return value


def explain_parameters(path: Path, *, params_file: str | Path | None = None,
                       overrides: Mapping[str, Any] | None = None,
                       use_default_file: bool = True) -> dict[str, tuple[Any, str, Param]]:
    """Every declared parameter → (effective value, source, spec); source is ``notebook default``,
    ``params file <name>`` or ``-p``. Unknown names and bad values are refused."""
    import yaml

    declared = notebook_parameters(path)
    pf = Path(params_file) if params_file else (PARAMS / f"{path.stem}.yaml" if use_default_file else None)
    from_file: dict[str, Any] = {}
    if pf is not None and pf.exists():
        from_file = yaml.safe_load(pf.read_text(encoding="utf-8")) or {}
    elif params_file:
        raise ReportError(f"params file not found: {params_file}")
    overrides = dict(overrides or {})
    unknown = sorted((set(from_file) | set(overrides)) - set(declared))
    if unknown:
        known = "; ".join(f"{k} ({v.type}): {v.help}" for k, v in declared.items())
        raise ParameterError(f"{path.name} has no parameter(s) {', '.join(unknown)}. Its parameters: {known}.")
    out = {}
    for k, spec in declared.items():
        if k in overrides:
            out[k] = (_coerce(k, overrides[k], spec), "-p", spec)
        elif k in from_file:
            try:
                out[k] = (_coerce(k, from_file[k], spec), f"params file {pf.name}", spec)
            except ParameterError as e:
                raise ParameterError(f"{pf}: {e}") from None
        else:
            out[k] = (spec.default, "notebook default", spec)
    return out


def resolve_parameters(path: Path, *, params_file: str | Path | None = None, overrides: Mapping[str, Any] | None = None,
                       use_default_file: bool = True) -> dict[str, Any]:
    """The values to pass to papermill: the params file and ``overrides`` (checked), not the defaults."""
    info = explain_parameters(path, params_file=params_file, overrides=overrides, use_default_file=use_default_file)
    return {k: v for k, (v, src, _) in info.items() if src != "notebook default"}


def reads_transactions(path: Path) -> bool:
    """A notebook reads transactions when it declares ``dataset`` (02–04 read other files by ``data_path``)."""
    return "dataset" in notebook_parameters(path)


def _data_file(params: Mapping[str, Any], defaults: Mapping[str, Any]) -> Path | None:
    value = params.get("data_path", defaults.get("data_path")) or ""
    if not value:
        ds = params.get("dataset", defaults.get("dataset"))
        if ds in ("demo", "tiny"):
            return ROOT / "data" / f"{ds}_transactions.csv.gz"
        if ds == "online_retail":
            return ROOT / "data" / "online_retail.csv.gz"
        value = ds or ""
    if not value:
        return None
    p = Path(str(value))
    return p if p.is_absolute() else (NOTEBOOKS / p).resolve()


@lru_cache(maxsize=32)
def _file_date_range(path: str, mtime: float) -> tuple[Any, Any] | None:
    """First and last order date of a transactions file, read by DuckDB without loading it (None: unknown)."""
    import duckdb

    p = path.lower()
    if p.endswith((".parquet", ".pq")):
        src = "read_parquet(?)"
    elif p.endswith((".csv", ".csv.gz", ".txt", ".tsv")):
        src = "read_csv_auto(?, sample_size=-1)"
    else:
        return None  # Excel and other formats: the notebook checks after loading
    con = duckdb.connect()
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}", [path]).fetchall()]
        col = next((c for c in ("order_date", "InvoiceDate", "invoice_date", "date") if c in cols), None)
        if col is None:
            return None
        first, last = con.execute(f'SELECT min(TRY_CAST("{col}" AS TIMESTAMP)), max(TRY_CAST("{col}" AS TIMESTAMP)) '
                                  f"FROM {src}", [path]).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return (first, last) if first is not None else None


def check_asof(path: Path, values: Mapping[str, Any]) -> None:
    """Refuse an ``asof`` outside the data (before the first order, or over 31 days after the last),
    before a kernel starts; the notebook checks again with ``crm.resolve_asof(asof, tx)``."""
    asof = values.get("asof")
    if not asof or "dataset" not in values:
        return
    data = _data_file(values, {})
    if data is None or not data.is_file():
        return
    rng = _file_date_range(str(data), data.stat().st_mtime)
    if rng is None:
        return
    import pandas as pd

    from crmcore.runner.nbtools import resolve_asof

    try:
        resolve_asof(str(asof), pd.DataFrame({"order_date": pd.to_datetime(list(rng))}))
    except ParameterError as e:
        raise ParameterError(f"{path.name}: {e} (data: {data.name}; set it with -p asof YYYY-MM-DD)") from None


def _declared_defaults(nb) -> dict[str, Any]:
    """The defaults of the parameters cell (papermill's metadata records only what was passed)."""
    return {k: p.default for k, p in parse_parameters(_parameters_source(nb)).items()}
