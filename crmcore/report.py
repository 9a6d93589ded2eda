"""Run notebooks with parameters and turn them into offline HTML reports.

papermill runs the notebook in its own folder with a kernel on the current Python; nbconvert
writes HTML without code (unless asked), with a header giving the parameters, the data file
and its hash and the crmcore version. Nothing is fetched from the internet when the report is
opened: MathJax is bundled, require.js and widget scripts are left out. A failed run keeps its
executed notebook as ``<name>.failed.ipynb`` and leaves the last good HTML untouched.
"""
from __future__ import annotations

import contextlib
import html
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import CrmError, ParameterError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PARAMS = NOTEBOOKS / "params"
REPORTS = ROOT / "reports"
TEMPLATES = Path(__file__).resolve().parent / "templates"
_HEADER_LABELS = {
    "en": {"heading": "Report parameters", "notebook": "Notebook", "parameters": "Parameters", "data": "Data"},
    "zh": {"heading": "报告参数", "notebook": "笔记本", "parameters": "参数", "data": "数据"},
}


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


def notebook_parameters(path: Path) -> dict[str, dict[str, Any]]:
    """The parameters the notebook declares: name → {type, default, help}."""
    import papermill as pm

    info = pm.inspect_notebook(str(path))
    return {k: {"type": v.get("inferred_type_name"), "default": v.get("default"), "help": v.get("help", "")}
            for k, v in info.items()}


def _coerce(name: str, value: Any, typ: str | None) -> Any:
    """Turn a command-line string into the declared type; strings stay strings (no YAML surprises)."""
    if not isinstance(value, str):
        return value
    try:
        if typ == "int":
            return int(value)
        if typ == "float":
            return float(value)
        if typ == "bool":
            low = value.lower()
            if low in ("true", "1", "yes"):
                return True
            if low in ("false", "0", "no"):
                return False
            raise ValueError(value)
    except ValueError:
        raise ParameterError(f"parameter {name!r} is declared {typ}; {value!r} is not one.") from None
    return value


def resolve_parameters(path: Path, *, params_file: str | Path | None = None, overrides: Mapping[str, Any] | None = None,
                       use_default_file: bool = True) -> dict[str, Any]:
    """Merge the notebook's params file (or ``params_file``) and ``overrides``; refuse unknown names."""
    import yaml

    declared = notebook_parameters(path)
    merged: dict[str, Any] = {}
    pf = Path(params_file) if params_file else (PARAMS / f"{path.stem}.yaml" if use_default_file else None)
    if pf is not None and pf.exists():
        merged.update(yaml.safe_load(pf.read_text(encoding="utf-8")) or {})
    elif params_file:
        raise ReportError(f"params file not found: {params_file}")
    merged.update(overrides or {})
    unknown = sorted(set(merged) - set(declared))
    if unknown:
        known = "; ".join(f"{k} ({v['type']}): {v['help']}" for k, v in declared.items())
        raise ParameterError(f"{path.name} has no parameter(s) {', '.join(unknown)}. Its parameters: {known}.")
    return {k: _coerce(k, v, declared[k]["type"]) for k, v in merged.items()}


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


def _literal(text: str) -> Any:
    import ast

    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _declared_defaults(nb) -> dict[str, Any]:
    """The defaults of the parameters cell (papermill's metadata records only what was passed)."""
    from papermill.translators import PythonTranslator

    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return {p.name: _literal(p.default) for p in PythonTranslator.inspect(cell)}
    return {}


def _has_math(nb) -> bool:
    return any(c.cell_type == "markdown" and "$" in c.source for c in nb.cells)


def to_html(nb, *, show_code: bool = False, parameters: Mapping[str, Any], notebook: Path, lang: str = "en") -> str:
    """HTML of an executed notebook: offline, provenance header, code hidden unless ``show_code``."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    from . import __version__
    from .data import file_hash

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "solution"}
    c.TagRemovePreprocessor.remove_input_tags = {"parameters", "injected-parameters"}
    if not show_code:
        c.TemplateExporter.exclude_input = True
        c.TemplateExporter.exclude_input_prompt = True
        c.TemplateExporter.exclude_output_prompt = True
    exporter = HTMLExporter(config=c, template_name="crmcore_report", extra_template_basedirs=[str(TEMPLATES)])
    defaults = _declared_defaults(nb)
    data = _data_file(parameters, defaults)
    shown = {**defaults, **parameters}
    resources = {
        "crmcore": {
            "heading": _HEADER_LABELS.get(lang, _HEADER_LABELS["en"])["heading"],
            "labels": _HEADER_LABELS.get(lang, _HEADER_LABELS["en"]),
            "notebook": notebook.name,
            "parameters": {k: repr(v) for k, v in shown.items()},
            "data_file": str(data.relative_to(ROOT)) if data and data.is_relative_to(ROOT) else (str(data) if data else "—"),
            "data_sha256": file_hash(data) if data and data.is_file() else "",
            "version": __version__,
            "mathjax_js": (TEMPLATES / "crmcore_report" / "tex-svg.js").read_text(encoding="utf-8") if _has_math(nb) else "",
        }
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return embed_cjk_font(body)


_CJK_FAMILY = "crmcore CJK"
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
_DATA_URI = re.compile(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+")


def embed_cjk_font(page: str) -> str:
    """Embed the Noto Sans CJK glyphs a page uses, so Chinese prose and tables never show boxes.

    Plots carry the font already; the HTML text would otherwise depend on the viewer having a
    CJK system font. Only the characters on the page are kept (a few hundred KB for a zh report),
    as a WOFF data URI listed first for text, tables and code; Latin text keeps the system fonts.
    """
    text = _DATA_URI.sub("", _SCRIPT.sub("", page))
    chars = sorted({ch for ch in text if ord(ch) >= 0x2E80})
    if not chars or "</head>" not in page:
        return page
    from .plotting import cjk_font_path

    path = cjk_font_path()
    if path is None:  # pragma: no cover - a core dependency
        return page
    import base64
    import io
    import logging

    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    opts = subset.Options()
    opts.flavor = "woff"  # zlib-compressed; WOFF2 would need the brotli package
    opts.layout_features = ["*"]
    font = subset.load_font(path, opts)
    sub = subset.Subsetter(opts)
    sub.populate(text="".join(chars))
    sub.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    uri = base64.b64encode(buf.getvalue()).decode("ascii")
    fam = f'"{_CJK_FAMILY}"'
    css = (f'<style type="text/css">\n@font-face {{ font-family: {fam}; src: url(data:font/woff;base64,{uri}) format("woff"); }}\n'
           f":root {{ --jp-content-font-family: {fam}, system-ui, -apple-system, \"Segoe UI\", helvetica, arial, sans-serif;\n"
           f"  --jp-ui-font-family: {fam}, system-ui, -apple-system, \"Segoe UI\", helvetica, arial, sans-serif;\n"
           f"  --jp-code-font-family: menlo, consolas, \"DejaVu Sans Mono\", {fam}, monospace; }}\n"
           f"body, .crm-header {{ font-family: var(--jp-content-font-family); }}\n</style>\n")
    return page.replace("</head>", css + "</head>", 1)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(tmp, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def run(notebook: str | Path, *, parameters: Mapping[str, Any] | None = None, params_file: str | Path | None = None,
        out_dir: str | Path = REPORTS, show_code: bool = False, use_default_file: bool = True,
        progress: bool = False) -> ReportRun:
    """Execute one notebook with parameters and write ``<out_dir>/<name>.ipynb`` and ``.html``."""
    import nbformat
    import papermill as pm

    path = find_notebook(notebook)
    params = resolve_parameters(path, params_file=params_file, overrides=parameters, use_default_file=use_default_file)
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    lang = params.get("lang", "en")
    name = path.stem + ("-zh" if lang == "zh" else "")
    executed, failed, html_path = out_dir / f"{name}.ipynb", out_dir / f"{name}.failed.ipynb", out_dir / f"{name}.html"
    params.setdefault("output_dir", str(out_dir / "output")) if "output_dir" in notebook_parameters(path) else None
    tmp_nb = out_dir / f".{name}.running.ipynb"
    try:
        with _kernel_env():
            pm.execute_notebook(str(path), str(tmp_nb), parameters=params, kernel_name="python3", cwd=str(path.parent),
                                progress_bar=progress, log_output=False, request_save_on_cell_execute=False,
                                # the kernel's own log (a TCP warning at start, a KeyboardInterrupt line at some
                                # shutdowns) is noise here: a failing cell or a dead kernel is reported by papermill
                                extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except pm.PapermillExecutionError as e:
        os.replace(tmp_nb, failed)
        msg = f"{path.name}: cell {e.exec_count} failed — {e.ename}: {e.evalue}"
        return ReportRun(path, failed, None, params, False, msg)
    except Exception:
        if tmp_nb.exists():
            os.replace(tmp_nb, failed)
        raise
    nb = nbformat.read(str(tmp_nb), as_version=4)
    text = to_html(nb, show_code=show_code, parameters=params, notebook=path, lang=lang)
    _atomic_write(html_path, text)
    os.replace(tmp_nb, executed)
    with contextlib.suppress(FileNotFoundError):
        failed.unlink()
    return ReportRun(path, executed, html_path, params, True)


def _title(nb) -> str:
    for c in nb.cells:
        if c.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", c.source, flags=re.M)
            if m:
                return m.group(1).strip()
    return ""


def write_index(out_dir: str | Path = REPORTS) -> Path:
    """``index.html`` listing every report in ``out_dir`` with its title and parameters (offline, no scripts)."""
    import nbformat

    out_dir = Path(out_dir)
    rows = []
    for nbp in sorted(out_dir.glob("*.ipynb")):
        if nbp.name.endswith(".failed.ipynb") or nbp.name.startswith("."):
            continue
        htmlp = nbp.with_suffix(".html")
        if not htmlp.exists():
            continue
        nb = nbformat.read(str(nbp), as_version=4)
        pm_meta = nb.metadata.get("papermill", {})
        params = {**_declared_defaults(nb), **pm_meta.get("parameters", {})}
        shown = "<br>".join(f"<code>{html.escape(k)} = {html.escape(repr(v))}</code>" for k, v in params.items()
                            if k != "output_dir")
        rows.append(f"<tr><td><a href=\"{html.escape(htmlp.name)}\">{html.escape(nbp.stem)}</a></td>"
                    f"<td>{html.escape(_title(nb))}</td><td>{shown}</td></tr>")
    failed = sorted(p.name for p in out_dir.glob("*.failed.ipynb"))
    from . import __version__

    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>crmcore reports</title>
<style>body{{font-family:system-ui,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;max-width:1100px}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:6px 10px;text-align:left;vertical-align:top}}
code{{font-size:12px}}.failed{{color:#b00}}</style></head><body>
<h1>crmcore reports</h1>
<p>{len(rows)} report(s), built by crmcore {__version__}. Each opens offline; the header of each report repeats its parameters and data file.</p>
<table><tr><th>Report</th><th>Title</th><th>Parameters</th></tr>
{''.join(rows)}
</table>
{''.join(f'<p class="failed">Failed run kept for diagnosis: {html.escape(f)}</p>' for f in failed)}
</body></html>
"""
    index = out_dir / "index.html"
    _atomic_write(index, embed_cjk_font(page))
    return index


def run_many(notebooks: Iterable[str | Path], *, progress: bool = True, **kwargs) -> list[ReportRun]:
    """Run several notebooks with a progress bar; returns every run (failed ones included)."""
    from tqdm.auto import tqdm

    items = list(notebooks)
    runs = []
    bar = tqdm(items, desc="reports", unit="notebook", disable=not progress or bool(os.environ.get("TQDM_DISABLE")))
    for nb in bar:
        bar.set_postfix_str(Path(str(nb)).stem)
        runs.append(run(nb, **kwargs))
    return runs
