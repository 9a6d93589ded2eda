"""Run notebooks with parameters and turn them into offline HTML reports (or lessons).

One notebook is the source of a management report and of a lesson; cells are selected by their tags
(see ``notebooks/README.md``): a *report* drops ``lesson``, ``solution``, ``answer`` and
``remove-cell`` cells and the other language's ``lang-xx`` cells; a *lesson* keeps everything in its
language except ``remove-cell``.

Everything that can be checked is checked before a kernel starts: parameter names, types, allowed
values and ranges (declared in the parameters cell, ``name: type = default  # {a, b} help`` or
``# [lo, hi] help``), an ``asof`` against the data's first and last order date (read cheaply with
DuckDB), and the output folder. papermill then runs each notebook in its own folder; nbconvert writes
HTML without code (unless asked) headed by the parameters, the data file and its hash and the crmcore
version. Several notebooks and languages run in parallel worker processes; each report is
byte-identical to a sequential build (fixed cell ids, no clock in the page).

Files are never lost: the executed notebook and the HTML are written to unique temporary names and
replaced together under a per-name lock, so concurrent runs into one folder serialise; temporary
files are removed on success, failure, SIGINT and SIGTERM (and leftovers of a killed run are swept by
the next run of that name). A failed run keeps its executed notebook as ``<name>.failed.ipynb`` and
leaves the last good HTML untouched.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import html
import os
import re
import signal
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

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


# --------------------------------------------------------------------------------------------- notebooks

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


# -------------------------------------------------------------------------------------------- parameters

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


# ----------------------------------------------------------------------------------------------- jobs

@dataclass(frozen=True)
class Job:
    """One report to build: a notebook, the values passed to papermill, the language and mode."""

    notebook: Path
    parameters: dict[str, Any]
    lang: str
    mode: str = "report"
    show_code: bool = False

    @property
    def name(self) -> str:
        return self.notebook.stem + ("" if self.lang == "en" else f"-{self.lang}")


def plan(notebooks: Sequence[str | Path], *, langs: Sequence[str] | None = None,
         parameters: Mapping[str, Any] | None = None, params_file: str | Path | None = None,
         data: str | Path | None = None, mode: str = "report", show_code: bool | None = None,
         out_dir: str | Path = REPORTS, use_default_file: bool = True) -> tuple[list[Job], list[Path]]:
    """Check everything that can be checked without a kernel and return the jobs (and the notebooks
    that ``data`` was not given to because they do not read transactions)."""
    if mode not in MODES:
        raise ParameterError(f"mode {mode!r}: use one of {', '.join(MODES)}.")
    for lang in langs or ():
        if lang not in LANGS:
            raise ParameterError(f"--lang {lang!r}: use en, zh or en,zh.")
    out = Path(out_dir).expanduser().resolve()
    jobs, skipped = [], []
    for nb in notebooks:
        path = find_notebook(nb)
        over = dict(parameters or {})
        if data is not None:
            if reads_transactions(path):
                key = "data_path" if "data_path" in notebook_parameters(path) else "dataset"
                over[key] = str(Path(data).resolve())
            else:
                skipped.append(path)
        declared = notebook_parameters(path)
        for lang in (langs or [None]):
            o = dict(over)
            if lang is not None:
                o["lang"] = lang
            values = resolve_parameters(path, params_file=params_file, overrides=o, use_default_file=use_default_file)
            if "output_dir" in declared:
                values.setdefault("output_dir", str(out / "output"))
            effective = {k: s.default for k, s in declared.items()} | values
            check_asof(path, effective)
            lg = effective.get("lang", "en")
            jobs.append(Job(path, values, lg if lg in LANGS else "en", mode,
                            (mode == "lesson") if show_code is None else show_code))
    check_out_dir(out)  # last: a refused parameter leaves no new empty folder behind
    return jobs, skipped


def check_out_dir(out_dir: str | Path) -> Path:
    """``out_dir`` resolved, created if missing; refused (before any kernel starts) when it is, contains or
    lies in the notebooks folder, is a file, or is not writable."""
    out = Path(out_dir).expanduser().resolve()
    src = NOTEBOOKS.resolve()
    if out == src or src.is_relative_to(out) or out.is_relative_to(src):
        what = "is" if out == src else ("contains" if src.is_relative_to(out) else "lies inside")
        raise ReportError(f"--out {out_dir} {what} the notebooks folder {src}; reports would overwrite or mix with "
                          f"the source notebooks. Fix: choose another folder, e.g. --out reports/run1.")
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out_dir} is a file, not a folder. Fix: give a folder name (it is created).")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ReportError(f"--out {out_dir} cannot be created ({e.strerror}). Fix: choose a folder you can write.") \
            from None
    # a folder marked read-only (no write bit for anyone) is refused even for root, who could write it anyway
    if not os.access(out, os.W_OK | os.X_OK) or not out.stat().st_mode & 0o222:
        raise ReportError(f"--out {out_dir} is not writable. Fix: choose a folder you can write, or "
                          f"chmod u+w {out_dir}.")
    return out


# --------------------------------------------------------------------------------------- files & locks

@contextlib.contextmanager
def _lock(out_dir: Path, name: str, shared: bool = False):
    """An advisory lock per output name: concurrent runs of one report into one folder serialise."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, the atomic replaces still hold
        yield
        return
    d = out_dir / _LOCKS
    d.mkdir(exist_ok=True)
    with open(d / f"{name}.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _mktemp(out_dir: Path, name: str, suffix: str) -> Path:
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=f"{_TMP_SUFFIX}{suffix}")
    os.close(fd)
    return Path(tmp)


def _sweep(out_dir: Path, name: str) -> None:
    """Remove temporary files of ``name`` left by a killed run (the caller holds ``name``'s lock)."""
    for p in out_dir.glob(f".{name}.*{_TMP_SUFFIX}*"):
        with contextlib.suppress(OSError):
            p.unlink()


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


class _Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so every ``finally`` removes its temporary files."""


def _raise_terminated(signum, frame):  # pragma: no cover - exercised through a subprocess
    raise _Terminated(signum)


def install_signal_handlers() -> None:
    """SIGTERM unwinds like SIGINT (temporary files are removed, kernels shut down)."""
    with contextlib.suppress(ValueError):  # not in the main thread
        signal.signal(signal.SIGTERM, _raise_terminated)


@contextlib.contextmanager
def _kernel_env():
    """The kernel must keep the inline backend (MPLBACKEND=Agg makes plots vanish) and be deterministic."""
    saved = {k: os.environ.get(k) for k in ("MPLBACKEND", "PYTHONHASHSEED", "OMP_NUM_THREADS")}
    os.environ.pop("MPLBACKEND", None)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _declared_defaults(nb) -> dict[str, Any]:
    """The defaults of the parameters cell (papermill's metadata records only what was passed)."""
    return {k: p.default for k, p in parse_parameters(_parameters_source(nb)).items()}


def _deterministic(nb) -> None:
    """Fixed cell ids (papermill's injected cell gets a random one) and no run timings in the notebook."""
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags:
            cid = "injected-parameters"
        elif any(t.startswith("papermill") for t in tags) or not cell.get("id"):
            cid = f"cell-{i}"  # papermill's error banner and anchor cells get random ids
        else:
            cid = cell["id"]
        if cid in seen:
            cid = f"cell-{i}"
        seen.add(cid)
        cell["id"] = cid
        meta = cell.get("metadata", {})
        for key in ("execution", "papermill", "ExecuteTime"):
            meta.pop(key, None)
    pm = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "environment_variables", "exception", "version"):
        pm.pop(key, None)


# ----------------------------------------------------------------------------------------------- HTML

def _has_math(nb) -> bool:
    return any(c.cell_type == "markdown" and "$" in c.source for c in nb.cells)


@lru_cache(maxsize=8)
def _exporter(show_code: bool, mode: str = "report"):
    """One configured exporter per process and mode (the template loads once)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REPORT_DROP if mode == "report" else LESSON_DROP)
    # a report hides the parameters cell's input (the header lists the values); a lesson with code shows it
    hide = mode == "report" or not show_code
    c.TagRemovePreprocessor.remove_input_tags = {"parameters", "injected-parameters"} if hide else set()
    if not show_code:
        c.TemplateExporter.exclude_input = True
        c.TemplateExporter.exclude_input_prompt = True
        c.TemplateExporter.exclude_output_prompt = True
    return HTMLExporter(config=c, template_name="crmcore_report", extra_template_basedirs=[str(TEMPLATES)])


@lru_cache(maxsize=1)
def _mathjax_js() -> str:
    return (TEMPLATES / "crmcore_report" / "tex-svg.js").read_text(encoding="utf-8")


def to_html(nb, *, show_code: bool = False, parameters: Mapping[str, Any], notebook: Path, lang: str = "en",
            mode: str = "report") -> str:
    """HTML of an executed notebook in ``mode``: offline, provenance header, code hidden unless ``show_code``."""
    from crmcore import __version__
    from crmcore.door.data import file_hash

    defaults = _declared_defaults(nb)
    nb = select_cells(nb, lang=lang, drop=REPORT_DROP if mode == "report" else LESSON_DROP)
    exporter = _exporter(show_code, mode)
    nb.metadata["title"] = title_of(nb, lang) or notebook.stem
    data = _data_file(parameters, defaults)
    shown = {**defaults, **parameters}
    labels = _HEADER_LABELS.get(lang, _HEADER_LABELS["en"])
    resources = {
        "crmcore": {
            "heading": labels["heading"],
            "labels": labels,
            "lang": lang,
            "notebook": notebook.name,
            "parameters": {k: repr(v) for k, v in shown.items() if k != "output_dir"},
            "data_file": str(data.relative_to(ROOT)) if data and data.is_relative_to(ROOT) else (str(data) if data else "—"),
            "data_sha256": file_hash(data) if data and data.is_file() else "",
            "version": __version__,
            "mathjax_js": _mathjax_js() if _has_math(nb) else "",
        }
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = body.replace('<html lang="en">', f'<html lang="{HTML_LANG.get(lang, "en")}">', 1)
    return embed_cjk_font(body)


_CJK_FAMILY = "crmcore CJK"
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
_DATA_URI = re.compile(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+")


def _subset_woff(chars: str) -> bytes:
    """A WOFF of the SC font holding ``chars``, cached on disk by character set (subsetting a 16 MB CJK
    font costs about a second; most reports of a build share most characters, and reruns share all)."""
    from crmcore.plotting import cache_dir, cjk_font_path

    path = cjk_font_path()
    key = hashlib.sha256((Path(path).name + "\0" + chars).encode("utf-8")).hexdigest()[:32]
    cached = cache_dir() / "subsets" / f"{key}.woff"
    with contextlib.suppress(OSError):
        return cached.read_bytes()
    import io
    import logging

    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    opts = subset.Options()
    opts.flavor = "woff"  # zlib-compressed; WOFF2 would need the brotli package
    opts.layout_features = ["*"]
    font = _load_font(path, opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    data = buf.getvalue()
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".subset.", suffix=_TMP_SUFFIX)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, cached)
    return data


def _load_font(path: str, opts):
    from fontTools import subset

    return subset.load_font(path, opts, lazy=True)


def embed_cjk_font(page: str) -> str:
    """Embed the Noto Sans CJK SC glyphs a page uses, so Chinese prose, tables and formulas never show boxes.

    Plots carry the font already; the HTML text would otherwise depend on the viewer having a CJK
    system font (and a Japanese one draws 门 值 次 类 in Japanese forms). Only the characters on the page
    are kept, as a WOFF data URI listed first for text, tables and code; Latin text keeps the system
    fonts. The face is listed first (its ``unicode-range`` covers CJK only, so Latin still falls through
    to the system fonts): Chromium shows boxes for a non-400 weight when a web font comes after system
    fonts. The face has one weight; ``font-synthesis: none`` keeps browsers from smearing a fake bold.
    """
    text = _DATA_URI.sub("", _SCRIPT.sub("", page))
    chars = "".join(sorted({ch for ch in text if ord(ch) >= 0x2E80}))
    if not chars or "</head>" not in page:
        return page
    from crmcore.plotting import cjk_font_path

    if cjk_font_path() is None:  # pragma: no cover - a core dependency
        return page
    import base64

    uri = base64.b64encode(_subset_woff(chars)).decode("ascii")
    fam = f'"{_CJK_FAMILY}"'
    css = (f'<style type="text/css">\n@font-face {{ font-family: {fam}; src: url(data:font/woff;base64,{uri}) format("woff"); '
           f"unicode-range: U+2E80-FFFF; }}\n"
           f":root {{ --jp-content-font-family: {fam}, system-ui, -apple-system, \"Segoe UI\", helvetica, arial, sans-serif;\n"
           f"  --jp-ui-font-family: {fam}, system-ui, -apple-system, \"Segoe UI\", helvetica, arial, sans-serif;\n"
           f"  --jp-code-font-family: menlo, consolas, \"DejaVu Sans Mono\", {fam}, monospace; }}\n"
           f"body, .crm-header {{ font-family: var(--jp-content-font-family); }}\n"
           f":lang(zh) {{ font-synthesis: none; }}\n</style>\n")
    return page.replace("</head>", css + "</head>", 1)


# ------------------------------------------------------------------------------------------------- run

def run_job(job: Job, out_dir: str | Path, *, progress: bool = False) -> ReportRun:
    """Execute one job and write ``<out_dir>/<name>.ipynb`` and ``.html`` together (see the module doc)."""
    import nbformat
    import papermill as pm

    out_dir = Path(out_dir).resolve()
    name, path = job.name, job.notebook
    executed, failed, html_path = out_dir / f"{name}.ipynb", out_dir / f"{name}.failed.ipynb", out_dir / f"{name}.html"
    with _lock(out_dir, name):
        _sweep(out_dir, name)
        temps = [_mktemp(out_dir, name, ".run.ipynb"), _mktemp(out_dir, name, ".html"),
                 _mktemp(out_dir, name, ".ipynb")]
        tmp_run, tmp_html, tmp_nb = temps
        try:
            note = ""
            source = nbformat.read(str(path), as_version=4)
            if job.mode == "report":
                # run only what the report shows: lesson demos, exercises and solutions cost kernel time
                source = select_cells(source, lang=job.lang, drop=REPORT_DROP)
            try:
                try:
                    _execute(source, tmp_run, job, progress)
                except pm.PapermillExecutionError as e:
                    if job.mode != "report" or e.ename != "NameError":
                        raise
                    # a report cell uses a name a lesson cell defines: run the whole notebook, and say so
                    note = (f"{name}: a report cell needs {e.evalue.split(chr(39))[1] if chr(39) in e.evalue else e.evalue}"
                            f" from a lesson/solution cell; the whole notebook was run (tag fix for the owner)")
                    _execute(nbformat.read(str(path), as_version=4), tmp_run, job, progress)
            except pm.PapermillExecutionError as e:
                os.replace(tmp_run, failed)
                msg = f"{name}: cell {e.exec_count} failed — {e.ename}: {e.evalue}"
                return ReportRun(path, failed, None, dict(job.parameters), False, msg, job.lang)
            except Exception as e:
                if tmp_run.exists() and tmp_run.stat().st_size:
                    os.replace(tmp_run, failed)
                return ReportRun(path, failed, None, dict(job.parameters), False,
                                 f"{name}: {type(e).__name__}: {e}", job.lang)
            nb = nbformat.read(str(tmp_run), as_version=4)
            _deterministic(nb)
            nb.metadata.setdefault("papermill", {})["output_path"] = executed.name
            nb.metadata["papermill"]["input_path"] = str(path)
            nb.metadata["crmcore"] = {"mode": job.mode, "lang": job.lang}
            text = to_html(nb, show_code=job.show_code, parameters=job.parameters, notebook=path, lang=job.lang,
                           mode=job.mode)
            tmp_html.write_text(text, encoding="utf-8")
            nbformat.write(nb, str(tmp_nb))
            for t in (tmp_html, tmp_nb):
                os.chmod(t, 0o644)
            # both replaced inside the lock: a reader holding the shared lock sees both old or both new
            os.replace(tmp_html, html_path)
            os.replace(tmp_nb, executed)
            with contextlib.suppress(FileNotFoundError):
                failed.unlink()
            return ReportRun(path, executed, html_path, dict(job.parameters), True, note, job.lang)
        finally:
            for t in temps:
                with contextlib.suppress(FileNotFoundError):
                    t.unlink()


def _execute(nb, output: Path, job: Job, progress: bool) -> None:
    import papermill as pm

    with _kernel_env():
        pm.execute_notebook(nb, str(output), parameters=dict(job.parameters), kernel_name="python3",
                            cwd=str(job.notebook.parent), progress_bar=progress, log_output=False,
                            request_save_on_cell_execute=False,
                            # the kernel's own log (a TCP warning at start, a KeyboardInterrupt line at
                            # some shutdowns) is noise: papermill reports failures
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])


def _worker_init() -> None:  # pragma: no cover - runs in worker processes
    install_signal_handlers()
    os.environ.setdefault("TQDM_DISABLE", "1")


def run_jobs(jobs: Sequence[Job], out_dir: str | Path = REPORTS, *, workers: int | None = None,
             progress: bool = True) -> list[ReportRun]:
    """Run ``jobs`` on ``workers`` processes (default: the number of cores); results in job order."""
    from tqdm.auto import tqdm

    jobs = list(jobs)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    show = progress and not os.environ.get("TQDM_DISABLE") and len(jobs) > 1
    if workers == 1:
        runs = []
        bar = tqdm(jobs, desc="reports", unit="report", disable=not show)
        for job in bar:
            bar.set_postfix_str(job.name)
            runs.append(run_job(job, out_dir))
        return runs
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: dict[int, ReportRun] = {}
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_worker_init)
    try:
        futures = {pool.submit(run_job, job, out_dir): i for i, job in enumerate(jobs)}
        bar = tqdm(total=len(jobs), desc="reports", unit="report", disable=not show)
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as e:  # a worker died (killed, out of memory)
                job = jobs[i]
                results[i] = ReportRun(job.notebook, out_dir / f"{job.name}.failed.ipynb", None,
                                       dict(job.parameters), False, f"{job.name}: {type(e).__name__}: {e}", job.lang)
            bar.set_postfix_str(jobs[i].name)
            bar.update()
        bar.close()
    except BaseException:
        # Ctrl-C / SIGTERM: stop the workers; each removes its temporary files and shuts its kernel down
        for proc in list(getattr(pool, "_processes", {}).values()):
            with contextlib.suppress(Exception):
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(jobs))]


def run(notebook: str | Path, *, parameters: Mapping[str, Any] | None = None, params_file: str | Path | None = None,
        out_dir: str | Path = REPORTS, show_code: bool = False, use_default_file: bool = True,
        progress: bool = False, mode: str = "report") -> ReportRun:
    """Execute one notebook with parameters and write ``<out_dir>/<name>.ipynb`` and ``.html``."""
    jobs, _ = plan([notebook], parameters=parameters, params_file=params_file, out_dir=out_dir, mode=mode,
                   show_code=show_code, use_default_file=use_default_file)
    return run_job(jobs[0], out_dir, progress=progress)


def run_many(notebooks: Iterable[str | Path], *, progress: bool = True, workers: int | None = 1,
             **kwargs) -> list[ReportRun]:
    """Run several notebooks (failed ones included in the result)."""
    out_dir = kwargs.pop("out_dir", REPORTS)
    jobs, _ = plan(list(notebooks), out_dir=out_dir, **kwargs)
    return run_jobs(jobs, out_dir, workers=workers, progress=progress)


# ---------------------------------------------------------------------------------------------- index

_INDEX_TEXT = {
    "en": {"title": "crmcore reports", "report": "Report", "heading": "Title", "lang": "Language",
           "params": "Parameters", "failed": "Failed run kept for diagnosis",
           "intro": "{n} report(s), built by crmcore {v}. Each opens offline; the header of each report repeats "
                    "its parameters and data file."},
    "zh": {"title": "crmcore 报告", "report": "报告", "heading": "标题", "lang": "语言", "params": "参数",
           "failed": "失败的运行（保留以便诊断）",
           "intro": "共 {n} 份报告，由 crmcore {v} 生成。每份报告均可离线打开，页首列出其参数与数据文件。"},
}
_LANG_NAMES = {"en": "English", "zh": "中文"}


def write_index(out_dir: str | Path = REPORTS) -> Path:
    """``index.html`` listing every report in ``out_dir`` with its title (in the report's language),
    language and parameters; in lesson builds the course map comes first (offline, no scripts)."""
    import nbformat

    from crmcore import __version__

    out_dir = Path(out_dir)
    rows, langs, modes = [], set(), set()
    for nbp in sorted(out_dir.glob("*.ipynb"), key=lambda p: (p.stem.removesuffix("-zh"), p.stem.endswith("-zh"))):
        if nbp.name.endswith(".failed.ipynb") or nbp.name.startswith("."):
            continue
        htmlp = nbp.with_suffix(".html")
        with _lock(out_dir, nbp.stem, shared=True):  # the pair is replaced together under this lock
            if not htmlp.exists():
                continue
            nb = nbformat.read(str(nbp), as_version=4)
        meta = nb.metadata.get("crmcore", {})
        pm_meta = nb.metadata.get("papermill", {})
        params = {**_declared_defaults(nb), **pm_meta.get("parameters", {})}
        lang = meta.get("lang") or params.get("lang", "en")
        lang = lang if lang in LANGS else "en"
        langs.add(lang)
        modes.add(meta.get("mode", "report"))
        shown = "<br>".join(f"<code>{html.escape(k)} = {html.escape(repr(v))}</code>" for k, v in params.items()
                            if k != "output_dir")
        rows.append(f'<tr lang="{HTML_LANG[lang]}"><td><a href="{html.escape(htmlp.name)}">{html.escape(nbp.stem)}</a>'
                    f"</td><td>{html.escape(title_of(nb, lang))}</td><td>{_LANG_NAMES[lang]}</td><td>{shown}</td></tr>")
    failed = sorted(p.name for p in out_dir.glob("*.failed.ipynb"))
    page_lang = "zh" if langs == {"zh"} else "en"
    t = _INDEX_TEXT[page_lang]
    course = ""
    if "lesson" in modes:
        from crmcore.runner.course import course_map_html

        course = "".join(course_map_html(lg) for lg in sorted(langs or {"en"}))
    page = f"""<!DOCTYPE html>
<html lang="{HTML_LANG[page_lang]}"><head><meta charset="utf-8"><title>{t['title']}</title>
<style>body{{font-family:system-ui,"Segoe UI",sans-serif;margin:2em;max-width:1100px}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:6px 10px;text-align:left;vertical-align:top}}
code{{font-size:12px}}.failed{{color:#b00}}
@media print{{body{{margin:0;max-width:none}}tr{{break-inside:avoid}}}}</style></head><body>
{course}<h1>{t['title']}</h1>
<p>{t['intro'].format(n=len(rows), v=__version__)}</p>
<table><tr><th>{t['report']}</th><th>{t['heading']}</th><th>{t['lang']}</th><th>{t['params']}</th></tr>
{''.join(rows)}
</table>
{''.join(f'<p class="failed">{t["failed"]}: {html.escape(f)}</p>' for f in failed)}
</body></html>
"""
    index = out_dir / "index.html"
    with _lock(out_dir, "index"):
        for p in out_dir.glob(f".index.html.*{_TMP_SUFFIX}*"):  # left by a killed run
            with contextlib.suppress(OSError):
                p.unlink()
        _atomic_write(index, embed_cjk_font(page))
    return index


# ------------------------------------------------------------------------------------- zh prose check

_SKIP_TAGS = {"script", "style", "head", "code", "pre", "svg", "mjx-container", "math", "cite", "title"}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.S)
_CITATION = re.compile(r"[（(][^()（）]*\b(1[89]|20)\d\d[a-z]?\b[^()（）]*[)）]|《[^》]*》|https?://\S+|doi:\S+")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def visible_prose(page: str) -> str:
    """The prose a reader sees in an HTML report: text outside code, scripts, styles, formulas, the
    provenance header and citations (numbers and proper names are left for :func:`prose_check`)."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.stack: list[bool] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("br", "img", "meta", "link", "hr", "input", "col", "wbr"):
                return
            a = dict(attrs)
            skip = tag in _SKIP_TAGS or "crm-header" in (a.get("class") or "") or \
                "MathJax" in (a.get("class") or "") or (self.stack and self.stack[-1])
            self.stack.append(bool(skip))

        def handle_endtag(self, tag):
            if tag in ("br", "img", "meta", "link", "hr", "input", "col", "wbr"):
                return
            if self.stack:
                self.stack.pop()
            self.parts.append("\n")

        def handle_data(self, data):
            if not (self.stack and self.stack[-1]):
                self.parts.append(data)

    p = _Text()
    p.feed(page)
    text = "".join(p.parts)
    return _CITATION.sub(" ", _MATH.sub(" ", text))


def _is_prose_word(w: str) -> bool:
    """A lowercase English word (proper names, acronyms and code identifiers are not prose)."""
    return w[0].islower() and len(w) > 1 and not any(c == "_" or c.isdigit() for c in w)


def prose_check(page: str) -> tuple[float, list[str]]:
    """(share of CJK among the prose letters, English sentences found) of an HTML report.

    Letters counted: CJK characters and the letters of lowercase English words; capitalised words
    (proper names such as Porter, DuPont, Huamei Retail), acronyms (RFM, ROE), identifiers (``rfm_table``)
    and numbers do not count. An English sentence is a run of four or more Latin words, at least three
    of them lowercase prose words (``The segment with the most revenue is champions.``).
    """
    text = visible_prose(page)
    cjk = len(_CJK.findall(text))
    latin = sum(len(w) for w in _WORD.findall(text) if _is_prose_word(w))
    sentences = []
    for chunk in re.split(r"[\n。；;！!？?：:|]|(?<=[.])\s", text):
        words = re.findall(r"[A-Za-z][\w'’-]*|[,.()]", chunk)
        run: list[str] = []
        best: list[str] = []
        for w in words + ["。"]:
            if re.match(r"[A-Za-z]", w) or (w in ",()" and run):
                run.append(w)
                continue
            if len(best) < len(run):
                best = run
            run = []
        alpha = [w for w in best if w[0].isalpha()]
        if len(alpha) >= 4 and sum(_is_prose_word(w) for w in alpha) >= 3:
            sentences.append(" ".join(chunk.split()))
    share = cjk / (cjk + latin) if cjk + latin else 1.0
    return share, sentences
