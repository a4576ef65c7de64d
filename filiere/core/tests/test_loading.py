"""core.loading: read_csv gives csv.DictReader's rows; rows kept inside csv_rows_kept(), JSON files
kept for the process by read_json_kept(), both read again once their file changed."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from filiere.core import loading
from filiere.core.loading import csv_rows_kept, read_csv, read_json_kept

TEXT = 'a,b,c\n1,2,3\n\n4,5\n6,7,8,9\n"x\ny",z,w\n'


@pytest.fixture
def data(settings, tmp_path: Path) -> Path:
    settings.FILIERE_DATA_DIR = tmp_path
    (tmp_path / "t.csv").write_text(TEXT, encoding="utf-8")
    return tmp_path


def test_rows_are_those_of_csv_dictreader(data: Path):
    assert list(read_csv("t.csv")) == list(csv.DictReader(io.StringIO(TEXT)))


def test_rows_are_kept_inside_the_block_while_the_file_is_unchanged(data: Path):
    with csv_rows_kept():
        first = list(read_csv("t.csv"))
        assert [a is b for a, b in zip(first, read_csv("t.csv"), strict=True)] == [True] * 4
        (data / "t.csv").write_text("a\n10\n", encoding="utf-8")
        os.utime(data / "t.csv", ns=(1, 1))  # a new modification time even on a coarse clock
        assert list(read_csv("t.csv")) == [{"a": "10"}]
    assert loading._kept_csv_rows is None  # let go at the end of the block


def test_a_malformed_csv_names_the_file(data: Path):
    (data / "bad.csv").write_text("a\n" + "x" * (csv.field_size_limit() + 1) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.csv.*field larger"):
        list(read_csv("bad.csv"))
    with csv_rows_kept(), pytest.raises(CommandError, match=r"bad\.csv"):
        list(read_csv("bad.csv"))


def test_json_is_kept_for_the_process_while_the_file_is_unchanged(data: Path):
    (data / "t.json").write_text('{"a": [1, 2]}', encoding="utf-8")
    first = read_json_kept("t.json")
    assert first == {"a": [1, 2]}
    assert read_json_kept("t.json") is first  # parsed once
    (data / "t.json").write_text('{"a": [3]}', encoding="utf-8")
    os.utime(data / "t.json", ns=(2, 2))
    assert read_json_kept("t.json") == {"a": [3]}
