"""The importer judges every line on its own, whatever the file holds, and always prints a
summary: no traceback, nothing valid lost, nothing half-saved."""

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Posting
from app.services.postings import importer
from tests.test_importer import GOOD

CSV_HEADER = "external_id,kind,title,summary,municipality,categories,contact_name,contact_email,activities\n"


def _csv_row(n: int, title: str = "CSVの交流") -> str:
    return f"csv-{n},case_study,{title}{n},概要です,131041,A-4,山田 花子,hanako@example.jp,田植え\n"


def _good(n: int, **changes) -> dict:
    return {**GOOD, "external_id": f"case-{n}", "title": f"正しい行 {n}", **changes}


def _run(runner, path):
    result = runner.invoke(args=["postings", "import", str(path)])
    assert "Traceback" not in result.output
    return result


def _reported(result, line: int) -> str:
    (row,) = [r for r in result.output.splitlines() if r.startswith(f"line {line}: ")]
    return row


HOSTILE = {
    "nesting": "[" * 100000,
    "nesting_in_object": '{"kind": ' + "[" * 100000 + "]" * 100000 + "}",
    "list_kind": {"kind": [], "title": "x"},
    "object_status": {"status": {"a": 1}},
    "list_category": {"categories": [["A-4"]]},
    "number_categories": {"categories": 5},
    "object_partner": {"partners": [{"code": "131041"}]},
    "huge_headcount": {"kind": "staff_exchange", "details": {"headcount": 1e400}},
    "float_headcount": {"kind": "staff_exchange", "details": {"headcount": 2.5}},
    "bool_headcount": {"kind": "staff_exchange", "details": {"headcount": True}},
    "list_region": {"kind": "partnership_request", "details": {"wished_regions": [["関東"]]}},
    "object_name": {"contact": {"name": {"first": "花子"}, "email": "a@example.jp"}},
    "list_date": {"published_at": ["2025-04-01"]},
    "number_date": {"published_at": 20250401},
    "list_title": {"title": ["タイトル"]},
    "huge_int_literal": '{"kind": "case_study", "x": ' + "9" * 5000 + "}",
    "lone_surrogate": json.dumps(_good(2, title="\ud800")),  # ASCII JSON with a \ud800 escape
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_lines_are_reported_and_the_others_kept(runner, tmp_path, case):
    value = HOSTILE[case]
    bad = value if isinstance(value, str) else json.dumps(_good(2, **value), ensure_ascii=False)
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join([json.dumps(_good(1), ensure_ascii=False), bad,
                               json.dumps(_good(3), ensure_ascii=False)]) + "\n", encoding="utf-8")
    result = _run(runner, path)
    titles = set(db.session.scalars(select(Posting.title)))
    assert {"正しい行 1", "正しい行 3"} <= titles
    if case == "lone_surrogate":  # the surrogate becomes U+FFFD: the line is imported
        assert result.exit_code == 0 and "3 created, 0 updated, 0 rejected." in result.output
        assert db.session.scalar(select(Posting.title).where(Posting.external_id == "case-2")) == "\ufffd"
        return
    assert result.exit_code == 1, result.output
    assert "2 created, 0 updated, 1 rejected." in result.output
    _reported(result, 2)


def test_control_characters_in_an_import_are_cleaned(runner, tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(_good(1, title="フォーム制御\x0b文字\x1b\x00", summary="a\x00b"),
                               ensure_ascii=False) + "\n", encoding="utf-8")
    assert _run(runner, path).exit_code == 0
    posting = db.session.scalar(select(Posting))
    assert (posting.title, posting.summary) == ("フォーム制御 文字", "ab")


@pytest.mark.parametrize("encoding", ["cp932", "shift_jis", "utf-16", "utf-16-le", "utf-8-sig"])
def test_files_exported_by_excel_in_japan_are_read(runner, tmp_path, encoding):
    path = tmp_path / "excel.csv"
    path.write_bytes((CSV_HEADER + _csv_row(1, "棚田と交流") + _csv_row(2, "ソ能表の交流")).encode(encoding))
    result = _run(runner, path)
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 rejected." in result.output
    assert set(db.session.scalars(select(Posting.title))) == {"棚田と交流1", "ソ能表の交流2"}


def test_a_file_in_no_known_encoding_is_refused_before_anything_is_written(runner, tmp_path):
    path = tmp_path / "binary.jsonl"
    path.write_bytes(b"\x81\xff\xfe\x00garbage\x82\n" * 3)
    result = _run(runner, path)
    assert result.exit_code == 1
    assert "0 created, 0 updated, 0 rejected." in result.output and "文字コードを判別できません" in result.output
    assert db.session.scalar(select(func.count(Posting.id))) == 0


def test_a_utf8_file_with_one_broken_line_keeps_the_others(runner, tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = [json.dumps(_good(n), ensure_ascii=False).encode() for n in (1, 3)]
    broken = json.dumps(_good(2, title="壊れた行"), ensure_ascii=False).encode("cp932")
    path.write_bytes(b"\n".join([good[0], broken, good[1]]) + b"\n")
    result = _run(runner, path)
    assert "2 created, 0 updated, 1 rejected." in result.output
    assert "UTF-8 として読めない文字があります" in _reported(result, 2)


def test_csv_field_over_the_csv_module_limit_is_a_per_line_error(runner, tmp_path):
    path = tmp_path / "long.csv"
    long_row = f"csv-9,case_study,{'長' * 200_000},概要,131041,A-4,山田,y@example.jp,田植え\n"
    path.write_text(CSV_HEADER + _csv_row(1) + long_row + _csv_row(3), encoding="utf-8")
    result = _run(runner, path)
    assert "2 created, 0 updated, 1 rejected." in result.output
    assert "「title」が長すぎます" in _reported(result, 3)


def test_an_unclosed_csv_quote_does_not_swallow_the_rows_after_it(runner, tmp_path):
    path = tmp_path / "quote.csv"
    broken = 'csv-2,case_study,"閉じない引用符,概要,131041,A-4,山田,y@example.jp,田植え\n'
    path.write_text(CSV_HEADER + _csv_row(1) + broken + _csv_row(3) + _csv_row(4), encoding="utf-8")
    result = _run(runner, path)
    assert "3 created, 0 updated, 1 rejected." in result.output, result.output
    assert "引用符" in _reported(result, 3)
    assert set(db.session.scalars(select(Posting.title))) == {"CSVの交流1", "CSVの交流3", "CSVの交流4"}


def test_multiline_quoted_csv_fields_still_work_and_lines_are_where_rows_start(runner, tmp_path):
    path = tmp_path / "multi.csv"
    multi = 'csv-2,case_study,複数行の行,"一行目\n二行目",131041,A-4,山田,y@example.jp,田植え\n'
    bad = "csv-5,case_study,悪い行,概要,999999,A-4,山田,y@example.jp,田植え\n"
    path.write_text(CSV_HEADER + _csv_row(1) + multi + bad, encoding="utf-8")
    result = _run(runner, path)
    assert "2 created, 0 updated, 1 rejected." in result.output
    assert "999999" in _reported(result, 5)  # the header is line 1, the quoted row spans 3-4
    assert db.session.scalar(select(Posting.summary).where(Posting.title == "複数行の行")) == "一行目\n二行目"


def test_import_records_survives_an_unexpected_error_on_one_line(app, monkeypatch):
    real = importer.parse_record

    def flaky(record, lookups):
        if record.get("title") == "boom":
            raise RuntimeError("unexpected")
        return real(record, lookups)

    monkeypatch.setattr(importer, "parse_record", flaky)
    report = importer.import_records([(1, _good(1)), (2, _good(2, title="boom")), (3, _good(3))])
    assert (report.created, [n for n, _ in report.errors]) == (2, [2])
