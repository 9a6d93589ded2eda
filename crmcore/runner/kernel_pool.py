"""Warm kernels for a build of many reports: one kernel per worker process, reused notebook after notebook.

Starting a kernel and importing pandas, matplotlib, Ibis, DuckDB and scikit-learn costs seconds per report,
more than many notebooks compute. A :class:`WarmKernel` starts once, imports those modules (and crmcore,
and draws one figure so the fonts are loaded), then puts the kernel back as it was before crmcore came in;
before each notebook it is put back again, so each notebook starts as in a fresh kernel:

* an empty user namespace, history and output cache, execution count 1 (IPython's ``reset``);
* crmcore and any module loaded from outside the Python installation (a notebook's own helper files) are
  forgotten, so ``import crmcore`` runs its module code again: caches, the DuckDB connection, registries,
  the short-name importer and the CJK font registration start from scratch;
* matplotlib's rcParams and font list, pandas and NumPy options, warning filters (and the "already shown"
  registries), logging levels, ``sys.path``, environment variables and the working folder are restored to
  the snapshot taken before anything but matplotlib, NumPy and pandas was imported; importers, IPython
  display formatters and event hooks to what the warm-up imports left (crmcore's importer left out);
  open figures are closed.

Third-party modules stay imported (their import is what the pool saves), and the demo data sets are read
once per kernel: crmcore is imported afresh before each notebook and its data-set cache answers from a
pristine copy kept by the pool (a deep copy each time; only when the data file is unchanged and reading it
warned about nothing, so the notebook sees exactly what a first read gives). The tests build reports with a
reused kernel in both orders and compare them byte for byte with fresh-kernel builds. A kernel whose
notebook failed is shut down, not reused. ``CRMCORE_KERNEL_POOL=0`` turns the pool off.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Callable

#: the extra kernel arguments (papermill's own run passes the history file; the log level keeps noise out)
KERNEL_ARGS = ("--IPKernelApp.log_level=CRITICAL", "--HistoryManager.hist_file=:memory:")
ENGINE = "crmcore-pool"
START_TIMEOUT = 120

#: code run (silently, outside the notebook) in the kernel; it lives in a module the resets do not touch
_KERNEL_SIDE = r'''
import gc, importlib, logging, os, sys, warnings

_base = {}


def _crmcore_names():
    return [m for m in list(sys.modules) if m == "crmcore" or m.startswith("crmcore.")]


def _outside_python(mod):
    f = getattr(mod, "__file__", None) or ""
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    real = os.path.realpath(f) if f else ""
    return bool(real) and not any(real.startswith(p + os.sep) for p in prefixes)


def _snapshot():
    import matplotlib as mpl
    import numpy as np
    import pandas as pd
    from matplotlib import font_manager

    ip = get_ipython()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd_opts = {k: pd.get_option(k) for k in pd._config.config._registered_options
                   if k not in pd._config.config._deprecated_options}
        rc = dict(mpl.rcParams)
    _base.update(
        modules=set(sys.modules), path=list(sys.path), environ=dict(os.environ), filters=list(warnings.filters),
        rc=rc, ttflist=list(font_manager.fontManager.ttflist), pd=pd_opts,
        np_print=np.get_printoptions(), np_err=np.geterr(), loggers=_loggers(),
        root=(logging.root.level, list(logging.root.handlers)),
        user_ns={k: v for k, v in ip.user_ns.items() if k.startswith("__")},
    )


def _loggers():
    return {n: (lg.level, list(lg.handlers), lg.propagate, lg.disabled)
            for n, lg in logging.root.manager.loggerDict.items() if isinstance(lg, logging.Logger)}


def _snapshot_imports():
    """What importing third-party modules and crmcore set up once and would not set up again: importers,
    display formatters, event hooks, loggers made since the first snapshot (crmcore's importer left out)."""
    ip = get_ipython()
    ours = lambda f: type(f).__module__.split(".")[0] == "crmcore"  # noqa: E731
    _base.update(
        meta_path=[f for f in sys.meta_path if not ours(f)], path_hooks=list(sys.path_hooks),
        formatters={k: (dict(f.type_printers), dict(f.deferred_printers))
                    for k, f in ip.display_formatter.formatters.items()},
        events={k: list(v) for k, v in ip.events.callbacks.items()},
    )
    for n, state in _loggers().items():
        _base["loggers"].setdefault(n, state)


def warm(third_party, cwd):
    """Import the heavy modules, take the snapshot, import crmcore and draw once, then restore."""
    import io
    import pkgutil
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy, pandas  # noqa: F401

    plt.close(plt.figure())  # loads the inline backend (it registers its hook once per kernel)
    _snapshot()
    for name in third_party:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    try:
        import crmcore
        mods = sorted(set(crmcore.MODULES.values()))
        exercises = os.path.join(os.path.dirname(crmcore.__file__), "exercises")
        mods += [f"crmcore.exercises.{m.name}" for m in pkgutil.iter_modules([exercises])]
    except Exception:
        mods = []
    for name in mods:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    try:
        from crmcore.plotting import use_style
        for lang in ("en", "zh"):
            use_style(lang)
            fig, ax = plt.subplots()
            ax.plot([0, 1], [0, 1], label="Warm-up 预热")
            ax.set_title("Warm-up 预热")
            ax.legend()
            fig.savefig(io.BytesIO(), format="png")
            plt.close(fig)
    except Exception:
        pass
    _snapshot_imports()
    _keep_datasets()
    fresh(cwd)


def _data_signature(ds, name):
    try:
        st = os.stat(ds._file(name, "transactions"))
        return (st.st_mtime_ns, st.st_size)
    except Exception:
        return None


def _keep_datasets():
    """Load the demo data sets once per kernel (a pristine copy), if loading them says nothing."""
    try:
        ds = importlib.import_module("crmcore.door.datasets")
        for name in ("demo", "tiny"):
            sig = _data_signature(ds, name)
            if sig is None:
                continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                df = ds._load_cached.__wrapped__(name)
            if not caught:
                _frames[name] = (sig, df.copy(deep=True))
    except Exception:
        _frames.clear()


_frames = {}


def _serve_datasets():
    """crmcore imported afresh, its data-set cache served from the pristine copies (a deep copy each)."""
    import functools

    if not _frames:
        return
    try:
        ds = importlib.import_module("crmcore.door.datasets")
        original = ds._load_cached.__wrapped__
    except Exception:
        return
    for name, (sig, _) in list(_frames.items()):
        if _data_signature(ds, name) != sig:
            del _frames[name]

    @functools.lru_cache(maxsize=4)
    def _load_cached(name):
        if name in _frames:
            return _frames[name][1].copy(deep=True)
        return original(name)

    ds._load_cached = _load_cached


def fresh(cwd):
    """Put the kernel back to the snapshot: a notebook run next sees a fresh kernel."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from matplotlib import font_manager

    ip = get_ipython()
    plt.close("all")
    ip.reset(new_session=True)
    for k, v in _base["user_ns"].items():
        ip.user_ns.setdefault(k, v)
    for name in _crmcore_names():
        del sys.modules[name]
    for name in list(sys.modules):
        if name not in _base["modules"] and _outside_python(sys.modules[name]):
            del sys.modules[name]
    sys.path[:] = _base["path"]
    sys.meta_path[:] = _base["meta_path"]
    sys.path_hooks[:] = _base["path_hooks"]
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()
    os.chdir(cwd)
    for k in set(os.environ) - set(_base["environ"]):
        del os.environ[k]
    for k, v in _base["environ"].items():
        if os.environ.get(k) != v:
            os.environ[k] = v
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mpl.rcParams.update(_base["rc"])
        for k, v in _base["pd"].items():
            if pd.get_option(k) != v:
                pd.set_option(k, v)
    font_manager.fontManager.ttflist[:] = _base["ttflist"]
    with __import__("contextlib").suppress(AttributeError):
        font_manager.FontManager._findfont_cached.cache_clear()
    np.set_printoptions(**_base["np_print"])
    np.seterr(**_base["np_err"])
    for n, lg in logging.root.manager.loggerDict.items():
        if isinstance(lg, logging.Logger) and n in _base["loggers"]:
            lg.level, handlers, lg.propagate, lg.disabled = _base["loggers"][n]
            lg.handlers[:] = handlers
    logging.root.level, logging.root.handlers[:] = _base["root"][0], _base["root"][1]
    logging.Logger.manager._clear_cache()
    for k, f in ip.display_formatter.formatters.items():
        types, deferred = _base["formatters"].get(k, ({}, {}))
        f.type_printers.clear(); f.type_printers.update(types)
        f.deferred_printers.clear(); f.deferred_printers.update(deferred)
    for k, v in _base["events"].items():
        ip.events.callbacks[k][:] = v
    warnings.filters[:] = _base["filters"]
    warnings._filters_mutated()  # every module's "already shown" registry is stale from here on
    warnings.onceregistry.clear()
    warnings.defaultaction = "default"
    _serve_datasets()
    gc.collect()
    ip.execution_count = 1
'''

#: the heavy third-party modules the warm-up imports (after its first snapshot, before crmcore's modules)
THIRD_PARTY = ("pandas", "numpy", "matplotlib.pyplot", "IPython.display", "ibis", "duckdb", "scipy.stats",
               "sklearn.cluster", "sklearn.preprocessing", "sklearn.metrics", "sklearn.decomposition")


def enabled() -> bool:
    return os.environ.get("CRMCORE_KERNEL_POOL", "1").strip().lower() not in ("0", "false", "no", "off")


class KernelPoolError(RuntimeError):
    """The warm kernel could not be started or put back (the caller falls back to a fresh kernel)."""


class WarmKernel:
    """One kernel, warmed once and put back before every notebook (see the module doc)."""

    def __init__(self, cwd: str | Path, env: Callable[[], Any] | None = None):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run = run_sync
        self.km = AsyncKernelManager(kernel_name="python3")
        self.uses = 0
        try:
            with (env() if env else contextlib.nullcontext()):
                run_sync(self.km.start_kernel)(extra_arguments=list(KERNEL_ARGS), cwd=str(cwd))
        except Exception as e:
            raise KernelPoolError(f"the kernel did not start: {type(e).__name__}: {e}") from e
        try:
            code = (f"import sys as _s, types as _t\n_m = _t.ModuleType('_crmcore_pool'); _s.modules['_crmcore_pool'] = _m\n"
                    f"exec(compile({_KERNEL_SIDE!r}, '<crmcore kernel pool>', 'exec'), _m.__dict__)\n"
                    f"_m.warm({THIRD_PARTY!r}, {str(cwd)!r})\n")
            self._hidden(code)
        except BaseException:
            self.shutdown()
            raise

    def _hidden(self, code: str, timeout: float = START_TIMEOUT) -> None:
        """Run ``code`` silently (no history, no execution count); raise with its error if it fails."""
        async def go():
            kc = self.km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=timeout)
                errors: list[str] = []

                def hook(msg):
                    if msg["msg_type"] == "stream" and msg["content"].get("name") == "stderr":
                        errors.append(msg["content"]["text"])

                reply = await kc.execute_interactive(code, silent=True, store_history=False, allow_stdin=False,
                                                     timeout=timeout, output_hook=hook)
            finally:
                kc.stop_channels()
            content = reply["content"]
            if content.get("status") != "ok":
                tb = "\n".join(content.get("traceback", []))
                raise KernelPoolError(f"{content.get('ename')}: {content.get('evalue')}\n{tb}{''.join(errors)}")

        try:
            self._run(go)()
        except KernelPoolError:
            raise
        except Exception as e:  # the kernel died, or did not answer in time
            raise KernelPoolError(f"{type(e).__name__}: {e}") from e

    def alive(self) -> bool:
        return bool(self._run(self.km.is_alive)())

    def prepare(self, cwd: str | Path) -> None:
        """Put the kernel back to its fresh state, in ``cwd``, for the next notebook."""
        self._hidden(f"__import__('_crmcore_pool').fresh({str(cwd)!r})")
        self.uses += 1

    def shutdown(self) -> None:
        with contextlib.suppress(Exception):
            self._run(self.km.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            self._run(self.km.cleanup_resources)()


_KERNEL: WarmKernel | None = None


def kernel_for(cwd: str | Path, env: Callable[[], Any] | None = None) -> WarmKernel:
    """This process's warm kernel, started (or restarted when it died) and put back for a notebook in ``cwd``."""
    global _KERNEL
    if _KERNEL is not None and not _KERNEL.alive():
        discard()
    if _KERNEL is None:
        _KERNEL = WarmKernel(cwd, env)
        _register_exit()
    else:
        try:
            _KERNEL.prepare(cwd)
        except BaseException:
            discard()
            raise
    return _KERNEL


def discard() -> None:
    """Shut this process's warm kernel down (after a failed notebook, an interrupt, or at exit)."""
    global _KERNEL
    k, _KERNEL = _KERNEL, None
    if k is not None:
        k.shutdown()


_EXIT_REGISTERED = False


def _register_exit() -> None:
    global _EXIT_REGISTERED
    if _EXIT_REGISTERED:
        return
    import atexit
    from multiprocessing import util

    atexit.register(discard)
    util.Finalize(None, discard, exitpriority=100)  # worker processes leave through os._exit, not atexit
    _EXIT_REGISTERED = True


def _register_engine() -> str:
    """A papermill engine that runs on a given kernel manager and closes its client afterwards."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class PoolEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log=__import__("papermill").log.logger,
                                 log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, **final)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, PoolEngine)
    return ENGINE


def execute(nb, output: str, *, parameters: dict, cwd: str, progress: bool, env: Callable[[], Any]) -> None:
    """papermill on this process's warm kernel; the kernel is discarded if the notebook fails."""
    import papermill as pm

    kernel = kernel_for(cwd, env)
    ok = False
    try:
        pm.execute_notebook(nb, output, parameters=parameters, kernel_name="python3", cwd=cwd,
                            progress_bar=progress, log_output=False, request_save_on_cell_execute=False,
                            engine_name=_register_engine(), km=kernel.km)
        ok = True
    finally:
        if not ok:
            discard()


#: whether this process runs its notebooks on a warm, reused kernel
ACTIVE = {"on": False}
