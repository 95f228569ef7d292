"""Bulk import of postings from JSON Lines or CSV (format: docs/import-format.md).

Every line is validated on its own: valid lines are saved, invalid ones are reported with their
line number and reason, and a database error on one line (inside a savepoint) loses nothing else.
Nothing in a line stops the import: wrong types, deep nesting, huge numbers, overlong CSV fields
and an unclosed CSV quote (the rows after it are read again) are reported like any bad value.
Files exported in Shift_JIS (CP932) or UTF-16, as Excel does in Japan, are detected and read; a
file in no known encoding is refused before anything is written (`FileRefused`).
Re-importing a line with the same `external_id` updates that posting instead of duplicating it.
Lines are saved by the same service as the forms (editing.create_posting / update_posting),
in one `Batch`: the index and the match notices are brought up to date once, at the end.
"""

import csv
import itertools
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.cleantext import single_line, without_controls
from app.extensions import db
from app.models import Category, Municipality, Posting
from app.models.kinds import KINDS, REGISTRY
from app.models.postings import POSTING_CLASSES, STATUSES, VISIBILITIES
from app.services.postings import editing
from app.services.postings.dates import InvalidDates
from app.services.postings.editing import ContactInput, PostingInput
from app.timestamps import jst_midnight, now_jst

LIST_SEPARATOR = "|"
# The kinds' own fields (app/models/kinds.py: type, allowed values, bounds), and those that hold lists.
DETAILS = {d.name: d for kind in REGISTRY.values() for d in kind.details}
LIST_DETAILS = {name for name, d in DETAILS.items() if d.type is list}
MAX_LENGTHS = {"title": 200, "summary": 2000, "body": 50000, "external_id": 100}


log = logging.getLogger(__name__)
# Any CSV field up to the largest upload; the length rules below then say what is too long.
csv.field_size_limit(64 * 1024 * 1024)


class InvalidLine(ValueError):
    """A line that cannot be imported; the message says why (in Japanese, for officials)."""


class FileRefused(ValueError):
    """The whole file cannot be read (unknown encoding); nothing was written."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    pending_index: int = 0

    @property
    def imported(self) -> int:
        return self.created + self.updated


# --- reading files --------------------------------------------------------------------------


def read_jsonl(text: str) -> Iterator[tuple[int, dict | Exception]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, InvalidLine(f"JSONとして読めません（{exc.msg}、{exc.colno}文字目）")
            continue
        except RecursionError:
            yield number, InvalidLine("JSONの入れ子が深すぎます")
            continue
        except ValueError as exc:  # e.g. an integer with thousands of digits
            yield number, InvalidLine(f"JSONとして読めません（{exc}）")
            continue
        yield number, value if isinstance(value, dict) else InvalidLine("1行に1つのJSONオブジェクトが必要です")


def read_csv(text: str) -> Iterator[tuple[int, dict | Exception]]:
    """CSV rows become the same dicts as JSON lines (lists split on '|', contact_* columns).

    Numbers are the physical line where a row starts (the header is line 1). A row the csv
    module cannot parse (e.g. a quote that is never closed, which would swallow every row
    after it) is reported, and reading starts again on the next line."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return
    header = [name.strip() for name in next(csv.reader(lines[:1]))]
    start = 1  # index in `lines` where the current pass begins
    while start < len(lines):
        reader = csv.reader(itertools.islice(lines, start, None), strict=True)
        consumed = 0
        try:
            for row in reader:
                first = start + consumed + 1
                consumed = reader.line_num
                if any(cell.strip() for cell in row):
                    yield first, _csv_record(header, row)
            return
        except csv.Error as exc:
            first = start + consumed + 1
            yield first, InvalidLine(f"CSVとして読めません（{exc}）。引用符（\"）の閉じ忘れがないか確認してください")
            start = first  # the next line starts a new pass


def _csv_record(header: list[str], row: list[str]) -> dict:
    record: dict = {"contact": {}, "details": {}}
    for key, value in zip(header, row, strict=False):  # extra cells are ignored
        value = value.strip()
        if key.startswith("contact_"):
            record["contact"][key.removeprefix("contact_")] = value
        elif key in ("partners", "categories", "fields"):
            record[key] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        elif _is_detail_key(key):
            if value:
                record["details"][key] = (
                    [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
                    if key in LIST_DETAILS
                    else value
                )
        elif value:
            record[key] = value
    return record


def _is_detail_key(key: str) -> bool:
    return key in DETAILS


ENCODING_NAMES = {"utf-8": "UTF-8", "cp932": "Shift_JIS（CP932）", "utf-16": "UTF-16"}


def decode(data: bytes) -> tuple[str, str, set[int]]:
    """(text, encoding, numbers of lines that were not valid in it).

    UTF-8 (with or without BOM), UTF-16 (BOM, or the NUL bytes of ASCII text) and Shift_JIS
    (CP932, Excel's "CSV" in Japan) are recognised as whole files. A UTF-8 file with a few
    broken lines keeps its good lines (the broken ones are reported); a file that is none of
    these is refused before anything is written."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _whole(data, "utf-16"), "utf-16", set()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    sample = data[:4096]
    if sample and sample.count(b"\x00") * 3 >= len(sample):  # UTF-16 without a BOM
        order = "utf-16-le" if sample[1::2].count(b"\x00") > sample[0::2].count(b"\x00") else "utf-16-be"
        return _whole(data, order), "utf-16", set()
    try:
        return data.decode("utf-8"), "utf-8", set()
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    good = bad = 0
    for line in lines:
        if not line.isascii():
            try:
                line.decode("utf-8")
                good += 1
            except UnicodeDecodeError:
                bad += 1
    if good == 0:
        try:
            return data.decode("cp932"), "cp932", set()
        except UnicodeDecodeError:
            raise FileRefused(
                "文字コードを判別できません。UTF-8（推奨）、Shift_JIS、UTF-16 のいずれかで保存してください。"
                "何も取り込んでいません。") from None
    broken = {n for n, line in enumerate(lines, start=1) if not _is_utf8(line)}
    return data.decode("utf-8", errors="replace"), "utf-8", broken


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _whole(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise FileRefused(f"{encoding.upper()} として読めません。保存し直してください。何も取り込んでいません。") from None


def read_file(path: Path) -> Iterator[tuple[int, dict | Exception]]:
    """The records of a file; raises FileRefused at once for a file in no known encoding."""
    text, _encoding, broken = decode(path.read_bytes())
    records = read_csv(text) if path.suffix.lower() == ".csv" else read_jsonl(text)
    if not broken:
        return records
    message = InvalidLine("UTF-8 として読めない文字があります（この行だけ別の文字コードになっていないか確認してください）")
    return ((n, message if n in broken else record) for n, record in records)


# --- validating one record ------------------------------------------------------------------


class Lookups:
    """Municipalities and categories by code, loaded once per import."""

    def __init__(self) -> None:
        self.municipalities = {m.code: m for m in db.session.scalars(select(Municipality))}
        self.categories = {c.code: c for c in db.session.scalars(select(Category))}


def _clean(value, depth: int = 0):
    """Control characters out of every string of a record (lists and objects included)."""
    if depth > 20:
        raise InvalidLine("値の入れ子が深すぎます")
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): _clean(v, depth + 1) for k, v in value.items()}
    return value


def _choice(record: dict, key: str, allowed, default: str) -> str:
    value = record.get(key) or default
    if not isinstance(value, str) or value not in allowed:
        raise InvalidLine(f"「{key}」の値 {value!r} は使えません（{', '.join(allowed)}）")
    return value


def _strings(value, key: str, message: str) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
        raise InvalidLine(message)
    return [str(v) for v in value]


def _text(record: dict, key: str, required: bool = False) -> str:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise InvalidLine(f"「{key}」がありません")
        return ""
    if not isinstance(value, str):
        raise InvalidLine(f"「{key}」は文字列にしてください")
    if key in MAX_LENGTHS and len(value) > MAX_LENGTHS[key]:
        raise InvalidLine(f"「{key}」が長すぎます（{MAX_LENGTHS[key]}文字まで）")
    return value


def _date(value, key: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidLine(f"「{key}」の日付は文字列で書いてください（例: 2025-04-01）")
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InvalidLine(f"「{key}」の日付 {value!r} が読めません（例: 2025-04-01）") from None


EARLIEST_PUBLISHED = date(1900, 1, 1)


def _published(value) -> date | None:
    """A day that has been: 0001-01-01 in Japan time is not even a UTC time (year 0), and a
    posting published 9999-12-31 would head every list for ever."""
    day = _date(value, "published_at")
    today = now_jst().date()
    if day is not None and not EARLIEST_PUBLISHED <= day <= today:
        raise InvalidLine(f"「published_at」は{EARLIEST_PUBLISHED.isoformat()}〜今日（{today.isoformat()}）の日付にしてください")
    return day


def _month(value, key: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidLine(f"「{key}」は年月で書いてください（例: 2024-04）")
    text = value[:7]
    try:
        datetime.strptime(text, "%Y-%m")
    except ValueError:
        raise InvalidLine(f"「{key}」は年月で書いてください（例: 2024-04）") from None
    return text


def _municipality(lookups: Lookups, code, key: str) -> Municipality:
    if isinstance(code, bool) or not isinstance(code, str | int | None):
        raise InvalidLine(f"「{key}」は6桁の団体コードで書いてください")
    muni = lookups.municipalities.get(str(code).strip().zfill(6) if code else "")
    if muni is None:
        raise InvalidLine(f"「{key}」の団体コード {code!r} が見つかりません")
    return muni


def _details(kind: str, raw) -> dict:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InvalidLine("「details」はオブジェクトにしてください")
    details = REGISTRY[kind].details
    unknown = set(raw) - {d.name for d in details}
    if unknown:
        raise InvalidLine(f"「details」に {KINDS[kind]} では使えない項目があります: {', '.join(sorted(unknown))}")
    clean: dict = {}
    for detail in details:
        key = detail.name
        if key not in raw or raw[key] in (None, ""):
            continue
        value = raw[key]
        if detail.type is date:
            clean[key] = _date(value, key)
        elif detail.type is int:
            if isinstance(value, bool) or not isinstance(value, int | str | float):
                raise InvalidLine(f"「{key}」は整数にしてください")
            try:
                clean[key] = int(value)
            except (TypeError, ValueError, OverflowError):  # 1e400 is infinity
                raise InvalidLine(f"「{key}」は整数にしてください") from None
            if isinstance(value, float) and value != clean[key]:
                raise InvalidLine(f"「{key}」は整数にしてください")
            low, high = detail.bounds
            if not low <= clean[key] <= high:
                raise InvalidLine(f"「{key}」の値 {value} は範囲外です（{low}〜{high}）")
        elif detail.type is list:
            values = value if isinstance(value, list) else [value]
            bad = [v for v in values if not isinstance(v, str) or v not in detail.choices]
            if bad:
                raise InvalidLine(f"「{key}」に使えない値があります: {', '.join(map(str, bad))}")
            clean[key] = list(dict.fromkeys(values))
        elif detail.month:
            clean[key] = _month(value, key)
        else:
            if not isinstance(value, str):
                raise InvalidLine(f"「{key}」は文字列にしてください")
            limit = _column_length(kind, key)
            if limit and len(value) > limit:
                raise InvalidLine(f"「{key}」が長すぎます（{limit}文字まで）")
            if detail.choices and value not in detail.choices:
                raise InvalidLine(f"「{key}」の値 {value!r} は使えません（{', '.join(detail.choices)}）")
            clean[key] = value
    return clean


def _column_length(kind: str, key: str) -> int | None:
    """The column's VARCHAR length (PostgreSQL enforces it, SQLite does not: check it here)."""
    column = POSTING_CLASSES[kind].__table__.columns.get(key)
    return getattr(column.type, "length", None) if column is not None else None


def _contact(raw) -> ContactInput:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise InvalidLine("「contact」には担当者の name が必要です")
    for key in ("email", "department", "title", "phone"):
        if raw.get(key) is not None and not isinstance(raw[key], str | int):
            raise InvalidLine(f"担当者の「{key}」は文字列にしてください")
    email = ""
    if raw.get("email"):
        try:
            email = validate_email(str(raw["email"]), check_deliverability=False).normalized
        except EmailNotValidError:
            raise InvalidLine(f"担当者のメールアドレス {raw['email']!r} が正しくありません") from None
    return ContactInput(
        name=single_line(raw["name"])[:100],
        email=email,
        department=single_line(str(raw.get("department") or ""))[:120],
        title=single_line(str(raw.get("title") or ""))[:60],
        phone=single_line(str(raw.get("phone") or ""))[:40],
    )


def parse_record(record: dict, lookups: Lookups) -> PostingInput:
    record = _clean(record)
    kind = record.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise InvalidLine(f"「kind」は {', '.join(KINDS)} のいずれかにしてください（{kind!r}）")
    status = _choice(record, "status", STATUSES, "published")
    visibility = _choice(record, "visibility", VISIBILITIES, "public")
    categories = []
    for code in _strings(record.get("categories"), "categories",
                         "「categories」はカテゴリコード（A-1 など）のリストにしてください"):
        if code not in lookups.categories:
            raise InvalidLine(f"カテゴリ {code!r} はありません（A-1〜A-10、B-1〜B-11）")
        categories.append(lookups.categories[code])
    if not categories:
        raise InvalidLine("「categories」に少なくとも1つのカテゴリが必要です")
    fields = record.get("fields") or []
    if not isinstance(fields, list) or not all(isinstance(f, str) and len(f) <= 40 for f in fields):
        raise InvalidLine("「fields」は40文字までの文字列のリストにしてください")
    partners = _strings(record.get("partners"), "partners", "「partners」は団体コードのリストにしてください")
    published = _published(record.get("published_at"))
    return PostingInput(
        kind=kind,
        title=_text(record, "title", required=True),
        summary=_text(record, "summary"),
        body=_text(record, "body"),
        municipality=_municipality(lookups, record.get("municipality"), "municipality"),
        partners=[_municipality(lookups, code, "partners") for code in partners],
        categories=categories,
        fields=fields,
        contact=_contact(record.get("contact")),
        status=status,
        visibility=visibility,
        published_at=jst_midnight(published) if published else None,  # a Japan calendar day
        external_id=_text(record, "external_id") or None,
        details=_details(kind, record.get("details")),
    )


# --- importing -----------------------------------------------------------------------------


def import_records(
    records: Iterable[tuple[int, dict | Exception]],
    progress: Callable[[int], None] | None = None,
    batch_size: int = 200,
) -> ImportReport:
    report = ImportReport()
    lookups = Lookups()
    batch = editing.Batch()
    for number, record in records:
        if progress:
            progress(1)
        if isinstance(record, Exception):
            report.errors.append((number, str(record)))
            continue
        try:
            data = parse_record(record, lookups)
            with db.session.begin_nested():
                created = _save(data, batch)
        except (InvalidLine, InvalidDates) as exc:
            report.errors.append((number, str(exc)))
            continue
        except SQLAlchemyError as exc:
            report.errors.append((number, f"データベースに保存できませんでした: {exc.__class__.__name__}"))
            continue
        except Exception as exc:  # noqa: BLE001 - one line never stops the import
            log.exception("import line %s", number)
            report.errors.append((number, f"この行は取り込めませんでした（{exc.__class__.__name__}）"))
            continue
        if created:
            report.created += 1
        else:
            report.updated += 1
        if report.imported % batch_size == 0:
            db.session.commit()
    report.pending_index = batch.finish()
    return report


def _save(data: PostingInput, batch: editing.Batch) -> bool:
    """Insert or update (by external_id) one posting, as the trusted CLI; True if created."""
    posting = None
    if data.external_id:
        posting = db.session.scalar(select(Posting).where(Posting.external_id == data.external_id))
        posting = posting or _own_posting(data.external_id)
        if posting is not None and posting.kind != data.kind:
            raise InvalidLine(f"external_id {data.external_id!r} は別の種類（{KINDS[posting.kind]}）で登録済みです")
    if posting is None:
        editing.create_posting(data, actor=None, batch=batch)
        return True
    editing.update_posting(posting, data, actor=None, batch=batch)
    return False


def own_external_id(posting: Posting) -> str:
    """The id an export gives a posting that has no external_id: its address on this site
    (unique across sites, so another site importing the file creates its own copy)."""
    return f"{current_app.config['SITE_URL'].rstrip('/')}/postings/{posting.id}"


def _own_posting(external_id: str) -> Posting | None:
    """The posting of this site that an exported `own_external_id` names, if it has no other."""
    prefix = f"{current_app.config['SITE_URL'].rstrip('/')}/postings/"
    number = external_id.removeprefix(prefix)
    if number == external_id or not (number.isascii() and number.isdigit()):
        return None
    posting = db.session.get(Posting, int(number))
    return posting if posting is not None and posting.external_id is None else None


def import_file(path: Path, progress=None) -> ImportReport:
    return import_records(read_file(path), progress=progress)
