"""Output files that are never half-written or lost: the output folder check, per-name locks, unique
temporary names swept after a killed run, atomic replacement, and SIGINT/SIGTERM turned into a clean stop.
"""
from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from pathlib import Path

from crmcore.runner.notebooks import _LOCKS, _TMP_SUFFIX, NOTEBOOKS, ReportError


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
