"""Stage tables on disk: JSONL or Parquet, read and written a batch at a time.

Every stage folder holds its records as tables named after what they hold (`posts`,
`units`, ...). JSONL (the default) is one canonical JSON object per line: diffable, and
the files docs/schema.md documents. Parquet (`ingest --storage parquet`, `make run
STORAGE=parquet`) holds the same records typed and compressed, in row groups that end
with a thread, for corpora of millions of posts: the stage folders are
then read directly by DuckDB, pandas, polars or Hugging Face `datasets`, with no export
step. The Arrow schema of a table is derived from its record's pydantic model
(`core/schema.py`), so a column never changes type between row groups and a nested label
stays a struct.

A stage reads whichever format its input folder holds (`stage_file`) and writes the
format of the corpus it was given (`storage_of`): the format is chosen once, at ingest.
Records read back from Parquet equal the records written (`tests/test_tables.py`), so
every later output (graphs, report, exports) is byte-identical whichever format the
stages kept.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.core.errors import InputError, validation_message
from pipeline.core.stream import JsonlSink, count_lines, iter_jsonl, slim

# pyarrow is imported where a Parquet table is read or written: a JSONL run, and
# `python -m pipeline --help`, never load it.

M = TypeVar("M", bound=BaseModel)

FORMATS = ("jsonl", "parquet")
# Records per Parquet row group (at least; a group ends with a thread): the cuts depend
# only on the records, so files are the same whatever the workers.
ROW_GROUP = 10000
READ_BATCH = 2048


def arrow_type(annotation: object) -> Any:
    """The Arrow type of a field annotation of the schema's records."""
    import pyarrow as pa

    scalars = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        if len(present) != 1:
            raise TypeError(f"no Arrow type for the union {annotation!r}")
        return arrow_type(present[0])
    if origin is typing.Literal:
        return scalars[type(args[0])]
    if origin in (tuple, list):
        return pa.list_(arrow_type(args[0]))
    if origin is dict:
        # A list of key/value structs rather than an Arrow map: the same layout, and one
        # that Hugging Face `datasets` reads (it has no type for maps); keys sorted.
        return pa.list_(pa.struct([pa.field("key", arrow_type(args[0])), pa.field("value", arrow_type(args[1]))]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct([pa.field(name, arrow_type(f.annotation)) for name, f in annotation.model_fields.items()])
    if annotation in scalars:
        return scalars[annotation]
    raise TypeError(f"no Arrow type for {annotation!r}")


def arrow_schema(model: type[BaseModel]) -> Any:
    """One column per field of `model`, in the model's field order (a `pyarrow.Schema`)."""
    import pyarrow as pa

    return pa.schema([pa.field(name, arrow_type(f.annotation)) for name, f in model.model_fields.items()])


def stage_file(folder: Path, name: str) -> Path:
    """The file of table `name` in a stage folder: `name.parquet` where the stage wrote
    Parquet, else `name.jsonl` (which need not exist yet)."""
    folder = Path(folder)
    parquet = folder / f"{name}.parquet"
    return parquet if parquet.exists() else folder / f"{name}.jsonl"


def storage_of(folder: Path) -> str:
    """The format a stage folder keeps its tables in (read off its `posts` or `units`)."""
    folder = Path(folder)
    return "parquet" if any((folder / f"{n}.parquet").exists() for n in ("posts", "units")) else "jsonl"


def _converter(annotation: object, to_arrow: bool) -> Callable[[Any], Any] | None:
    """What turns a field value of `annotation` between the record (a `model_dump`) and
    its Arrow form: a mapping is a list of {"key", "value"} structs there, keys sorted as
    JSONL writes them. None where the value needs no turning."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        (present,) = [a for a in args if a is not type(None)]
        inner = _converter(present, to_arrow)
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if origin is dict:
        value = _converter(args[1], to_arrow) or (lambda v: v)
        if to_arrow:
            return lambda v: [{"key": k, "value": value(v[k])} for k in sorted(v)]
        return lambda v: {item["key"]: value(item["value"]) for item in v}
    if origin in (tuple, list):
        inner = _converter(args[0], to_arrow)
        return None if inner is None else (lambda v: [inner(x) for x in v])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _record_converter(annotation, to_arrow)
    return None


def _record_converter(model: type[BaseModel], to_arrow: bool) -> Callable[[dict], dict] | None:
    fields = [(name, _converter(f.annotation, to_arrow)) for name, f in model.model_fields.items()]
    converters = [(name, c) for name, c in fields if c is not None]
    if not converters:
        return None

    def convert(record: dict) -> dict:
        for name, c in converters:
            record[name] = c(record[name])
        return record

    return convert


def _iter_parquet(path: Path, model: type[M]) -> Iterator[M]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, 0, f"not a readable Parquet file ({exc})") from None
    fields = model.model_fields
    converters = {
        name: _converter(fields[name].annotation, to_arrow=False) if name in fields else None
        for name in source.schema_arrow.names
    }
    row = 0
    for batch in source.iter_batches(batch_size=READ_BATCH):
        names = batch.schema.names
        # Column by column: converting a batch row by row costs more than twice as much.
        columns = []
        for name in names:
            values = batch.column(name).to_pylist()
            convert = converters[name]
            try:
                columns.append(values if convert is None else [convert(v) for v in values])
            except (TypeError, KeyError, AttributeError) as exc:
                raise InputError(
                    path, row + 1, f"column {name!r} is not laid out as this pipeline writes it ({exc!r})"
                ) from None
        for values in zip(*columns, strict=True):
            row += 1
            try:
                yield slim(model.model_validate(dict(zip(names, values, strict=True))))
            except ValidationError as exc:
                raise InputError(path, row, validation_message(exc)) from None


@contextmanager
def arrow_refusals(where: str, what: str) -> Iterator[None]:
    """Arrow's refusal of a value, as an error naming `where`: a count past 64 bits comes
    only from a stage file changed by hand, and had ended in pyarrow's raw OverflowError."""
    import pyarrow as pa

    try:
        yield
    except (OverflowError, pa.ArrowException) as exc:
        raise InputError(where, 0, f"{what} ({exc})") from None


def iter_records(path: Path, model: type[M]) -> Iterator[M]:
    """The records of a stage table, validated one at a time (errors name the JSONL line
    or the Parquet row)."""
    path = Path(path)
    if path.suffix == ".parquet":
        return _iter_parquet(path, model)
    return iter_jsonl(path, model)


def read_records(path: Path, model: type[M]) -> list[M]:
    return list(iter_records(path, model))


def count_records(path: Path) -> int:
    """Records of a stage table, without reading them."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    return count_lines(path)


class Sink(Protocol):
    count: int

    def write(self, records: Iterable[Any]) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Sink: ...

    def __exit__(self, *exc: object) -> None: ...


class ParquetSink:
    """Records appended to a Parquet file as they come, in row groups of at least
    `ROW_GROUP` records that end where a thread ends (for records with a `thread_id`), so
    that a reader taking a row group at a time gets whole threads."""

    def __init__(self, path: Path, model: type[BaseModel]) -> None:
        import pyarrow.parquet as pq

        self.path = Path(path)
        self.schema = arrow_schema(model)
        self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self._rows: list[dict] = []
        self._written = False
        self._by_thread = "thread_id" in model.model_fields
        self._convert = _record_converter(model, to_arrow=True) or (lambda r: r)
        self._last_thread: str | None = None
        self.count = 0

    def _flush(self) -> None:
        import pyarrow as pa

        with arrow_refusals(self.path.name, "a record holds what no Parquet column can"):
            table = pa.Table.from_pylist(self._rows, schema=self.schema)
        self._writer.write_table(table)
        self._rows, self._written = [], True

    def write(self, records: Iterable[BaseModel]) -> None:
        for record in records:
            thread = record.thread_id if self._by_thread else None
            if len(self._rows) >= ROW_GROUP and (thread is None or thread != self._last_thread):
                self._flush()
            self._rows.append(self._convert(record.model_dump()))
            self._last_thread = thread
            self.count += 1

    def close(self) -> None:
        # A table with no rows is still written once, so that it has its columns.
        if self._rows or not self._written:
            self._flush()
        self._writer.close()

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_sink(folder: Path, name: str, model: type[BaseModel], storage: str) -> Sink:
    """A sink for table `name` in `folder`, in `storage` ("jsonl" or "parquet")."""
    if storage not in FORMATS:
        raise ValueError(f"unknown storage {storage!r}; known: {', '.join(FORMATS)}")
    if storage == "parquet":
        return ParquetSink(Path(folder) / f"{name}.parquet", model)
    return JsonlSink(Path(folder) / f"{name}.jsonl")


def write_records(folder: Path, name: str, model: type[BaseModel], records: Iterable[Any], storage: str) -> int:
    """Table `name` written whole in `folder` (inside an atomic stage folder); its rows."""
    with open_sink(folder, name, model, storage) as sink:
        sink.write(records)
    return sink.count
