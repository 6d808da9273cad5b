"""Writing results: one writer for every file storydiff produces (HTML, CSV, JSON).

- :func:`check_target` is called *before* the work: a missing folder, a folder given as the file,
  or a folder without write permission is reported while nothing has been computed yet.
- :func:`write_text` writes atomically: into a temporary file beside the target, then renamed over
  it. A full disk or a crash leaves the old file as it was, never half a file; when the target
  cannot be written, the result goes to a file in the system's temporary folder and the message
  says where, so finished work is not lost.
- :func:`csv_safe` neutralises cells that a spreadsheet would run as a formula (``=``, ``+``,
  ``-``, ``@``, tab, carriage return at the start of a cell: CSV injection).
- :func:`terminal_safe` removes control characters (terminal escape sequences) from text printed
  to a terminal.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

__all__ = ["OutputError", "check_target", "csv_safe", "terminal_safe", "write_csv", "write_text"]


class OutputError(OSError):
    """A result file cannot be written; the message names the file and what to do."""


def check_target(path: str | Path) -> Path:
    """Fail early, with one clear line, when ``path`` cannot be written."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise OutputError(f"{p}: is a folder; give a file name, e.g. {p / 'result'}")
    if not parent.is_dir():
        raise OutputError(f"{p}: the folder {parent} does not exist; create it first (mkdir -p {parent})")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{p}: no permission to write in {parent}; choose another folder")
    if p.exists() and not os.access(p, os.W_OK):
        raise OutputError(f"{p}: the file is read-only; choose another name or change its permissions")
    return p


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; returns the path written.

    Raises :class:`OutputError` when the target cannot be written; by then the text has been
    saved to a file in the temporary folder, named in the message (unless that fails too)."""
    p = check_target(path)
    data = text.encode(encoding)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=p.parent if str(p.parent) else ".")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
        return p
    except OSError as exc:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        reason = exc.strerror or str(exc)
        saved = _rescue(p, data)
        where = f"; the result was saved to {saved} instead" if saved else "; the result could not be saved anywhere"
        raise OutputError(f"{p}: could not be written ({reason}){where}") from None


def _rescue(p: Path, data: bytes) -> Path | None:
    try:
        fd, name = tempfile.mkstemp(prefix=f"storydiff-{p.stem}-", suffix=p.suffix)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return Path(name)
    except OSError:
        return None


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame):
    """A copy of a pandas DataFrame whose text cells cannot run as spreadsheet formulas: a cell
    that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``
    (the OWASP advice); numbers are left alone."""
    out = frame.copy()

    def fix(v):
        return "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v

    import pandas as pd

    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(fix)
    out.columns = [fix(c) for c in out.columns]
    return out


def write_csv(frame, path: str | Path, *, index: bool = False) -> Path:
    """Write a DataFrame as UTF-8 CSV through :func:`csv_safe` and :func:`write_text`."""
    return write_text(path, csv_safe(frame).to_csv(index=index))


# C0 controls except tab and newline, DEL, C1 controls (ESC starts terminal escape sequences)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` without control characters, so that an article cannot move the cursor, change
    colours or set the window title of the terminal it is printed to."""
    return _CONTROL.sub("", text)
