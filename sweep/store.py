"""Result rows: appended as they arrive, written as one columnar file at the end.

While a sweep runs, each batch's rows are appended to ``OUT.partial.jsonl`` (one JSON object per
line, flushed and fsync'ed per batch); its first line names the sweep (the spec's digest) and the
code (:func:`.code.code_digest`), so a resume with a different sweep file or changed code is refused.  A line cut short by a crash is ignored.  When
every task has its row, the rows are sorted by task index and written to ``OUT`` (Parquet through
pyarrow, or CSV), through a temporary file renamed into place, and the partial file is removed.

Columns: ``index``, ``task_id``, ``kind``, one per grid axis (strings), ``verdict``, ``scope``,
``error``, ``seconds``, ``worker``, ``code`` (the digest of the code that computed the row), then the
kind's result columns (``lower``, ``upper``, ...).
Exact numbers are strings; counts are integers; times are floats.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from kdaxioms.symbolic.errors import InputError

FORMATS = ("parquet", "csv")
#: Column order before the axes and after them.
HEAD = ("index", "task_id", "kind")
TAIL = ("verdict", "scope", "error", "seconds", "worker", "code")


def partial_path(out: Path) -> Path:
    return out.with_name(out.name + ".partial.jsonl")


class Journal:
    """The append-only file of rows of one sweep (see the module docstring)."""

    def __init__(self, out: Path, digest: str, code: str = ""):
        self.path = partial_path(out)
        self.digest = digest
        self.code = code

    def existing(self) -> list[dict]:
        """Rows already saved (none when there is no partial file); a foreign file is refused."""
        if not self.path.exists():
            return []
        lines = self.path.read_bytes().split(b"\n")
        try:
            head = json.loads(lines[0])
        except ValueError:
            head = {}
        if head.get("sweep") != self.digest:
            raise InputError(f"{self.path} belongs to another sweep (a different sweep file or grid); "
                             "remove it or rerun the sweep that wrote it")
        if head.get("code", "") != self.code:
            raise InputError(f"{self.path} was started by other code (its computing packages changed since); "
                             "remove it and run the sweep again")
        rows = []
        for line in lines[1:]:
            try:
                rows.append(json.loads(line))
            except ValueError:  # the line a crash cut short: its task runs again
                continue
        return rows

    def start(self) -> None:
        """Create the file with its header, or cut a crash's partial last line off an existing one."""
        if not self.path.exists():
            with open(self.path, "w") as f:
                f.write(json.dumps({"sweep": self.digest, "code": self.code}) + "\n")
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            with open(self.path, "r+b") as f:
                f.truncate(data.rfind(b"\n") + 1)

    def append(self, rows: Iterable[dict]) -> None:
        with open(self.path, "a") as f:
            for row in rows:
                f.write(json.dumps(row, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def read_meta(path: Path) -> dict:
    """The sweep's description stored with a Parquet file (empty for CSV or a file without it)."""
    if path.suffix == ".csv":
        return {}
    try:
        meta = pq.read_schema(path).metadata or {}
    except (pa.ArrowInvalid, OSError) as err:
        raise InputError(f"{path} is not a sweep result file ({str(err).splitlines()[0]})") from None
    return json.loads(meta[META_KEY]) if META_KEY in meta else {}


def read_table(path: Path) -> list[dict]:
    """Rows of a finished sweep file (Parquet or CSV), as flat dicts."""
    if not path.is_file():
        raise InputError(f"sweep results {path} do not exist; run 'kdaxioms sweep SPEC.toml -o {path}' first")
    if path.suffix == ".csv":
        return _read_csv(path)
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as err:
        raise InputError(f"{path} is not a sweep result file ({str(err).splitlines()[0]})") from None
    return table.to_pylist()


def _read_csv(path: Path) -> list[dict]:
    """A CSV result as strings (exact numbers stay exact), ``index`` an integer and ``seconds`` a float."""
    try:
        with open(path, newline="") as f:
            rows = [{k: (v if v != "" else None) for k, v in r.items()} for r in csv.DictReader(f)]
        for r in rows:
            r["index"] = int(r["index"])
            r["seconds"] = float(r["seconds"]) if r.get("seconds") is not None else None
    except (KeyError, ValueError, TypeError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(f"{path} is not a sweep result file ({type(err).__name__}: {err})") from None
    return rows


def flat(row: dict, axes: Sequence[str]) -> dict:
    """A journal row as one flat record of the table's columns."""
    out = {k: row[k] for k in HEAD}
    out.update({axis: row["params"].get(axis) for axis in axes})
    out.update({k: row.get(k) for k in TAIL})
    out.update({k: _cell(v) for k, v in (row.get("result") or {}).items()})
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    return value


#: Key of the sweep's description in a Parquet file's metadata.
META_KEY = b"kdaxioms-sweep"


def write_table(out: Path, rows: Sequence[dict], axes: Sequence[str], fmt: str, meta: dict | None = None) -> int:
    """Write the rows (sorted by index) to ``out`` atomically; the number of columns written.
    ``meta`` (the kind, the figure, the engine's figures) goes into a Parquet file's metadata."""
    records = [flat(r, axes) for r in sorted(rows, key=lambda r: r["index"])]
    columns = list(HEAD) + list(axes) + list(TAIL)
    for record in records:
        columns += [k for k in record if k not in columns]
    table = pa.table({c: _array([r.get(c) for r in records]) for c in columns})
    if meta is not None:
        table = table.replace_schema_metadata({META_KEY: json.dumps(meta, sort_keys=True).encode()})
    temporary = out.with_name(f".{out.name}.writing")
    if fmt == "csv":
        with open(temporary, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            for r in table.to_pylist():
                writer.writerow(["" if r[c] is None else r[c] for c in columns])
    else:
        pq.write_table(table, temporary)
    os.replace(temporary, out)
    return len(columns)


def _array(values: list) -> pa.Array:
    kind = _type(values)
    if kind == pa.string():
        values = [v if v is None or isinstance(v, str) else str(v) for v in values]
    return pa.array(values, type=kind)


def _type(values: list) -> pa.DataType:
    """Counts are integers, times floats, flags booleans; everything else is a string (exact)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pa.bool_()
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.int64()
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pa.float64()
    return pa.string()
