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
version. Several notebooks and languages run in parallel worker processes, each reusing one warm kernel
(started and loaded with pandas, matplotlib, Ibis… once, and reset before every notebook: see
:mod:`crmcore.runner.kernel_pool`); each report is byte-identical to a sequential build with a fresh kernel
per notebook (fixed cell ids, no clock in the page). The HTML itself is made in :mod:`crmcore.runner.report_html`.

Files are never lost: the executed notebook and the HTML are written to unique temporary names and
replaced together under a per-name lock, so concurrent runs into one folder serialise; temporary
files are removed on success, failure, SIGINT and SIGTERM (and leftovers of a killed run are swept by
the next run of that name). A failed run keeps its executed notebook as ``<name>.failed.ipynb`` and
leaves the last good HTML untouched.
"""
from __future__ import annotations

import contextlib
import html
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from crmcore.errors import ParameterError
from crmcore.runner.files import (_atomic_write, _lock, _mktemp, _sweep, _Terminated, check_out_dir,  # noqa: F401
                                  install_signal_handlers)
from crmcore.runner.notebooks import (  # noqa: F401  (the names users and tests reach as report.X)
    HTML_LANG, LANGS, LESSON_DROP, MODES, NOTEBOOKS, PARAMS, REPORT_DROP, REPORTS, ROOT, STUDENT_DROP, TEMPLATES,
    _HEADER_LABELS, _LOCKS, _TMP_SUFFIX, Param, ReportError, ReportRun, _coerce, _data_file, _declared_defaults,
    check_asof, explain_parameters, find_notebook, list_notebooks, notebook_parameters, parse_parameters,
    reads_transactions, resolve_parameters, select_cells, title_of)


#: names that moved to :mod:`crmcore.runner.report_html` and are still reachable here
_HTML_NAMES = frozenset({"to_html", "embed_cjk_font", "visible_prose", "prose_check", "_subset_woff", "_exporter",
                         "_mathjax_js", "_has_math", "_load_font"})


def __getattr__(name: str):
    if name in _HTML_NAMES:
        from crmcore.runner import report_html

        return getattr(report_html, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")



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


# --------------------------------------------------------------------------------------- files & locks


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
            from crmcore.runner.report_html import to_html

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

    from crmcore.runner import kernel_pool

    if kernel_pool.ACTIVE["on"]:
        try:
            return kernel_pool.execute(nb, str(output), parameters=dict(job.parameters), cwd=str(job.notebook.parent),
                                       progress=progress, env=_kernel_env)
        except kernel_pool.KernelPoolError:
            # no warm kernel (it did not start or could not be put back): fresh ones from here on, as without
            # the pool
            kernel_pool.ACTIVE["on"] = False
    with _kernel_env():
        pm.execute_notebook(nb, str(output), parameters=dict(job.parameters), kernel_name="python3",
                            cwd=str(job.notebook.parent), progress_bar=progress, log_output=False,
                            request_save_on_cell_execute=False,
                            # the kernel's own log (a TCP warning at start, a KeyboardInterrupt line at
                            # some shutdowns) is noise: papermill reports failures
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])


def _worker_init(pool: bool = False) -> None:  # pragma: no cover - runs in worker processes
    from crmcore.runner import kernel_pool

    install_signal_handlers()
    os.environ.setdefault("TQDM_DISABLE", "1")
    kernel_pool.ACTIVE["on"] = pool


def run_jobs(jobs: Sequence[Job], out_dir: str | Path = REPORTS, *, workers: int | None = None,
             progress: bool = True, pool: bool | None = None) -> list[ReportRun]:
    """Run ``jobs`` on ``workers`` processes (default: the number of cores); results in job order.

    With ``pool`` (default: when a worker gets more than one job and ``CRMCORE_KERNEL_POOL`` is not 0) each
    worker keeps one warm kernel and puts it back to a fresh state before every notebook
    (see :mod:`crmcore.runner.kernel_pool`); the reports are the same bytes as with a fresh kernel each. The longest jobs (as
    long as they took last time) start first, so no worker runs alone at the end.
    """
    from tqdm.auto import tqdm

    from crmcore.runner import kernel_pool

    jobs, out_dir = list(jobs), Path(out_dir)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    if pool is None:
        pool = kernel_pool.enabled() and len(jobs) > workers
    show = progress and not os.environ.get("TQDM_DISABLE") and len(jobs) > 1
    if workers == 1:
        runs = []
        saved, kernel_pool.ACTIVE["on"] = kernel_pool.ACTIVE["on"], bool(pool)
        try:
            bar = tqdm(jobs, desc="reports", unit="report", disable=not show)
            for job in bar:
                bar.set_postfix_str(job.name)
                runs.append(run_job(job, out_dir))
        finally:
            kernel_pool.ACTIVE["on"] = saved
            kernel_pool.discard()
        return runs
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: dict[int, ReportRun] = {}
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_worker_init,
                                   initargs=(bool(pool),))
    try:
        order = _longest_first(jobs)
        futures = {executor.submit(_run_timed, jobs[i], out_dir): i for i in order}
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
        for proc in list(getattr(executor, "_processes", {}).values()):
            with contextlib.suppress(Exception):
                proc.terminate()
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
    runs = [results[i] for i in range(len(jobs))]
    _remember_seconds(runs, jobs)
    return runs


def _run_timed(job: Job, out_dir: str | Path) -> ReportRun:
    import dataclasses
    import time

    t0 = time.perf_counter()
    res = run_job(job, out_dir)
    return dataclasses.replace(res, seconds=time.perf_counter() - t0)


def _seconds_file() -> Path:
    from crmcore.plotting import cache_dir

    return cache_dir() / "report-seconds.json"


def _job_key(job: Job) -> str:
    return f"{job.notebook.stem}|{job.lang}|{job.mode}"


def _longest_first(jobs: Sequence[Job]) -> list[int]:
    """Job indexes, the longest last time first (jobs never timed first of all, in their order)."""
    import json

    try:
        known = json.loads(_seconds_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    return sorted(range(len(jobs)), key=lambda i: -float(known.get(_job_key(jobs[i]), float("inf"))))


def _remember_seconds(runs: Sequence[ReportRun], jobs: Sequence[Job]) -> None:
    import json

    f = _seconds_file()
    try:
        known = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    known.update({_job_key(j): round(r.seconds, 2) for r, j in zip(runs, jobs) if r.ok and r.seconds})
    with contextlib.suppress(OSError):
        _atomic_write(f, json.dumps(known, sort_keys=True, indent=0))


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
        from crmcore.runner.report_html import embed_cjk_font

        _atomic_write(index, embed_cjk_font(page))
    return index
