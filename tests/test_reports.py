"""Tests of the reports: totals (and by province), cohort, region, repeats and the import
history, in every format, at the pinned width; and the official figures of the bundled data."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from conftest import Result

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

FORMATS = ("table", "json", "csv", "markdown")

COHORT_KEYS = (
    "year",
    "declared",
    "declared_repeats",
    "listed",
    "unlisted",
    "participants",
    "new",
    "repeats",
    "probable",
    "disputed",
    "withdrawn",
    "cumulative_declared",
    "cumulative_identified",
)
"""The 13 keys of a cohort in `gmsc totals --format json` (a public shape), in order."""

SYNTHETIC = dedent(
    """\
    version: 1
    programme: Test Programme
    published:
      - {through: 2018, unique: 5, source: test figures}
    cohorts:
      - year: 2017
        declared: 3
        title: First
        regions:
          - code: "73.22"
            name: Kabupaten Luwu Utara
            sources: ["https://example.org/a"]
            note: first named
          - Kota Palopo
          - {code: "75.01", status: disputed}
      - year: 2018
        declared: 3
        declared_repeats: 1
        regions:
          - "73.22"
          - {code: "65.71", status: probable}
          - {code: "75.71", status: withdrawn}
    """
)
"""A small ledger with every status: one unlisted member in 2017; one repeat and one
unlisted member in 2018 (its withdrawn region holds no slot)."""


def cohort_row(*values: int | None) -> dict[str, int | None]:
    """A cohort of `totals --format json`, its 13 values in the documented order."""
    return dict(zip(COHORT_KEYS, values, strict=True))


def as_json(document: Any) -> str:
    """The exact text gmsc prints for a JSON document."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def assert_table(text: str, expected: str, width: int) -> None:
    """A Rich table printed exactly as `expected`, every line padded to `width` (trailing
    spaces are not written in the expected text)."""
    lines = text.split("\n")
    assert lines[-1] == "", text
    assert [len(line) for line in lines[:-1]] == [width] * (len(lines) - 1), text
    assert [line.rstrip() for line in lines[:-1]] == expected.splitlines(), text


@pytest.fixture
def bundled(run: Run) -> None:
    """A store created from the bundled dataset."""
    result = run("init")
    assert result.exit_code == 0, result


@pytest.fixture
def synthetic(run: Run, write: Write) -> None:
    """A store holding only the SYNTHETIC ledger."""
    assert run("init", "--empty").exit_code == 0
    result = run("import", str(write("synthetic.yaml", SYNTHETIC)))
    assert result.exit_code == 0, result


# --- the bundled data ------------------------------------------------------------------

BUNDLED_TOTALS = {
    "programme": "Gerakan Menuju Smart City",
    "through": 2024,
    "cohorts": [
        cohort_row(2017, 25, 0, 25, 0, 25, 25, 0, 0, 1, 0, 25, 25),
        cohort_row(2018, 50, 0, 51, 1, 49, 49, 0, 0, 1, 2, 75, 74),
        cohort_row(2019, 25, 0, 25, 0, 25, 25, 0, 0, 0, 0, 100, 99),
        cohort_row(2021, 48, 7, 44, 4, 44, 37, 7, 3, 2, 0, 141, 136),
        cohort_row(2022, 50, 0, 43, 7, 43, 43, 0, 2, 0, 0, 191, 179),
        cohort_row(2023, 50, 0, 41, 9, 41, 41, 0, 2, 0, 0, 241, 220),
        cohort_row(2024, 10, 0, 10, 0, 10, 10, 0, 0, 1, 0, 251, 230),
    ],
    "total": {
        "unique_declared": 251,
        "unique_identified": 230,
        "repeats_declared": 7,
        "repeats_identified": 7,
    },
}
"""`gmsc totals --format json` of the bundled data."""

BUNDLED_TOTALS_CSV = """\
year,declared,declared_repeats,listed,unlisted,participants,new,repeats,probable,disputed,withdrawn,cumulative_declared,cumulative_identified
2017,25,0,25,0,25,25,0,0,1,0,25,25
2018,50,0,51,1,49,49,0,0,1,2,75,74
2019,25,0,25,0,25,25,0,0,0,0,100,99
2021,48,7,44,4,44,37,7,3,2,0,141,136
2022,50,0,43,7,43,43,0,2,0,0,191,179
2023,50,0,41,9,41,41,0,2,0,0,241,220
2024,10,0,10,0,10,10,0,0,1,0,251,230
Total,,7,,,,,7,,,,251,230
"""

BUNDLED_TOTALS_MARKDOWN = """\
| Year | Declared | Decl. repeats | Listed | Unlisted | Participants | New | Repeats | Probable | Disputed | Withdrawn | Cum. declared | Cum. identified |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| 2017 | 25 | 0 | 25 | 0 | 25 | 25 | 0 | 0 | 1 | 0 | 25 | 25 |
| 2018 | 50 | 0 | 51 | 1 | 49 | 49 | 0 | 0 | 1 | 2 | 75 | 74 |
| 2019 | 25 | 0 | 25 | 0 | 25 | 25 | 0 | 0 | 0 | 0 | 100 | 99 |
| 2021 | 48 | 7 | 44 | 4 | 44 | 37 | 7 | 3 | 2 | 0 | 141 | 136 |
| 2022 | 50 | 0 | 43 | 7 | 43 | 43 | 0 | 2 | 0 | 0 | 191 | 179 |
| 2023 | 50 | 0 | 41 | 9 | 41 | 41 | 0 | 2 | 0 | 0 | 241 | 220 |
| 2024 | 10 | 0 | 10 | 0 | 10 | 10 | 0 | 0 | 1 | 0 | 251 | 230 |
| **Total** |  | **7** |  |  |  |  | **7** |  |  |  | **251** | **230** |
"""  # noqa: E501

BUNDLED_TOTALS_TABLE = """\
                                                      Gerakan Menuju Smart City: cohorts through 2024
+---------------------------------------------------------------------------------------------------------------------------------------------------------+
|  Year | Declared | Decl. repeats | Listed | Unlisted | Participants | New | Repeats | Probable | Disputed | Withdrawn | Cum. declared | Cum. identified |
|-------+----------+---------------+--------+----------+--------------+-----+---------+----------+----------+-----------+---------------+-----------------|
|  2017 |       25 |             0 |     25 |        0 |           25 |  25 |       0 |        0 |        1 |         0 |            25 |              25 |
|  2018 |       50 |             0 |     51 |        1 |           49 |  49 |       0 |        0 |        1 |         2 |            75 |              74 |
|  2019 |       25 |             0 |     25 |        0 |           25 |  25 |       0 |        0 |        0 |         0 |           100 |              99 |
|  2021 |       48 |             7 |     44 |        4 |           44 |  37 |       7 |        3 |        2 |         0 |           141 |             136 |
|  2022 |       50 |             0 |     43 |        7 |           43 |  43 |       0 |        2 |        0 |         0 |           191 |             179 |
|  2023 |       50 |             0 |     41 |        9 |           41 |  41 |       0 |        2 |        0 |         0 |           241 |             220 |
|  2024 |       10 |             0 |     10 |        0 |           10 |  10 |       0 |        0 |        1 |         0 |           251 |             230 |
|-------+----------+---------------+--------+----------+--------------+-----+---------+----------+----------+-----------+---------------+-----------------|
| Total |          |             7 |        |          |              |     |       7 |          |          |           |           251 |             230 |
+---------------------------------------------------------------------------------------------------------------------------------------------------------+
                 251 official − 230 identified = 21 slots without a named participant: 2018 1, 2021 4, 2022 7, 2023 9; see gmsc reconcile
"""  # noqa: E501, RUF001
"""The totals table as `-o totals.txt` writes it (155 columns wide)."""

BUNDLED_REPEATS = [
    ("33.19", "Kabupaten Kudus", "Jawa Tengah", [2018, 2021]),
    ("33.20", "Kabupaten Jepara", "Jawa Tengah", [2018, 2021]),
    ("33.74", "Kota Semarang", "Jawa Tengah", [2017, 2021]),
    ("34.04", "Kabupaten Sleman", "Daerah Istimewa Yogyakarta", [2017, 2021]),
    ("35.14", "Kabupaten Pasuruan", "Jawa Timur", [2018, 2021]),
    ("35.79", "Kota Batu", "Jawa Timur", [2019, 2021]),
    ("64.02", "Kabupaten Kutai Kartanegara", "Kalimantan Timur", [2017, 2021]),
]
"""The seven 2021 members mentored before: code, name, province, years."""

BUNDLED_REPEATS_TABLE = """\
                        Regions in more than one cohort
+------------------------------------------------------------------------------+
| Code  | Name                        | Province                   | Years     |
|-------+-----------------------------+----------------------------+-----------|
| 33.19 | Kabupaten Kudus             | Jawa Tengah                | 2018 2021 |
| 33.20 | Kabupaten Jepara            | Jawa Tengah                | 2018 2021 |
| 33.74 | Kota Semarang               | Jawa Tengah                | 2017 2021 |
| 34.04 | Kabupaten Sleman            | Daerah Istimewa Yogyakarta | 2017 2021 |
| 35.14 | Kabupaten Pasuruan          | Jawa Timur                 | 2018 2021 |
| 35.79 | Kota Batu                   | Jawa Timur                 | 2019 2021 |
| 64.02 | Kabupaten Kutai Kartanegara | Kalimantan Timur           | 2017 2021 |
+------------------------------------------------------------------------------+
                                   7 regions
"""

BUNDLED_PROVINCES_CSV = """\
code,province,regions,participants,coverage
11,Aceh,23,3,13.0
12,Sumatera Utara,33,18,54.5
13,Sumatera Barat,19,11,57.9
14,Riau,12,5,41.7
15,Jambi,11,4,36.4
16,Sumatera Selatan,17,7,41.2
17,Bengkulu,10,2,20.0
18,Lampung,15,3,20.0
19,Kepulauan Bangka Belitung,7,5,71.4
21,Kepulauan Riau,7,2,28.6
31,Daerah Khusus Ibukota Jakarta,6,0,0.0
32,Jawa Barat,27,21,77.8
33,Jawa Tengah,35,32,91.4
34,Daerah Istimewa Yogyakarta,5,5,100.0
35,Jawa Timur,38,33,86.8
36,Banten,8,6,75.0
51,Bali,9,8,88.9
52,Nusa Tenggara Barat,10,5,50.0
53,Nusa Tenggara Timur,22,7,31.8
61,Kalimantan Barat,14,3,21.4
62,Kalimantan Tengah,14,3,21.4
63,Kalimantan Selatan,13,6,46.2
64,Kalimantan Timur,10,8,80.0
65,Kalimantan Utara,5,1,20.0
71,Sulawesi Utara,15,6,40.0
72,Sulawesi Tengah,13,3,23.1
73,Sulawesi Selatan,24,8,33.3
74,Sulawesi Tenggara,17,4,23.5
75,Gorontalo,6,1,16.7
76,Sulawesi Barat,6,0,0.0
81,Maluku,11,1,9.1
82,Maluku Utara,10,3,30.0
91,Papua,9,2,22.2
92,Papua Barat,7,1,14.3
93,Papua Selatan,4,1,25.0
94,Papua Tengah,8,1,12.5
95,Papua Pegunungan,8,0,0.0
96,Papua Barat Daya,6,1,16.7
,Indonesia,514,230,44.7
"""
"""`gmsc totals --by province --format csv` of the bundled data: 38 provinces and the total."""

BUNDLED_PROVINCES_TABLE = """\
                           Participants by province
+-----------------------------------------------------------------------------+
| Code | Province                      | Kab/kota | Participants | Coverage % |
|------+-------------------------------+----------+--------------+------------|
| 11   | Aceh                          |       23 |            3 |       13.0 |
| 12   | Sumatera Utara                |       33 |           18 |       54.5 |
| 13   | Sumatera Barat                |       19 |           11 |       57.9 |
| 14   | Riau                          |       12 |            5 |       41.7 |
| 15   | Jambi                         |       11 |            4 |       36.4 |
| 16   | Sumatera Selatan              |       17 |            7 |       41.2 |
| 17   | Bengkulu                      |       10 |            2 |       20.0 |
| 18   | Lampung                       |       15 |            3 |       20.0 |
| 19   | Kepulauan Bangka Belitung     |        7 |            5 |       71.4 |
| 21   | Kepulauan Riau                |        7 |            2 |       28.6 |
| 31   | Daerah Khusus Ibukota Jakarta |        6 |            0 |        0.0 |
| 32   | Jawa Barat                    |       27 |           21 |       77.8 |
| 33   | Jawa Tengah                   |       35 |           32 |       91.4 |
| 34   | Daerah Istimewa Yogyakarta    |        5 |            5 |      100.0 |
| 35   | Jawa Timur                    |       38 |           33 |       86.8 |
| 36   | Banten                        |        8 |            6 |       75.0 |
| 51   | Bali                          |        9 |            8 |       88.9 |
| 52   | Nusa Tenggara Barat           |       10 |            5 |       50.0 |
| 53   | Nusa Tenggara Timur           |       22 |            7 |       31.8 |
| 61   | Kalimantan Barat              |       14 |            3 |       21.4 |
| 62   | Kalimantan Tengah             |       14 |            3 |       21.4 |
| 63   | Kalimantan Selatan            |       13 |            6 |       46.2 |
| 64   | Kalimantan Timur              |       10 |            8 |       80.0 |
| 65   | Kalimantan Utara              |        5 |            1 |       20.0 |
| 71   | Sulawesi Utara                |       15 |            6 |       40.0 |
| 72   | Sulawesi Tengah               |       13 |            3 |       23.1 |
| 73   | Sulawesi Selatan              |       24 |            8 |       33.3 |
| 74   | Sulawesi Tenggara             |       17 |            4 |       23.5 |
| 75   | Gorontalo                     |        6 |            1 |       16.7 |
| 76   | Sulawesi Barat                |        6 |            0 |        0.0 |
| 81   | Maluku                        |       11 |            1 |        9.1 |
| 82   | Maluku Utara                  |       10 |            3 |       30.0 |
| 91   | Papua                         |        9 |            2 |       22.2 |
| 92   | Papua Barat                   |        7 |            1 |       14.3 |
| 93   | Papua Selatan                 |        4 |            1 |       25.0 |
| 94   | Papua Tengah                  |        8 |            1 |       12.5 |
| 95   | Papua Pegunungan              |        8 |            0 |        0.0 |
| 96   | Papua Barat Daya              |        6 |            1 |       16.7 |
|------+-------------------------------+----------+--------------+------------|
|      | Indonesia                     |      514 |          230 |       44.7 |
+-----------------------------------------------------------------------------+
"""


def province_rows(text: str) -> list[dict[str, Any]]:
    """The rows of a `--by province` CSV (without the Indonesia footer), typed as in JSON."""
    rows = list(csv.DictReader(io.StringIO(text)))[:-1]
    return [
        {
            "code": row["code"],
            "province": row["province"],
            "regions": int(row["regions"]),
            "participants": int(row["participants"]),
            "coverage": float(row["coverage"]),
        }
        for row in rows
    ]


@pytest.mark.usefixtures("bundled")
class TestBundledFigures:
    """The official figures (141 by 2021, 191 by 2022, 251 by 2024) and what the named lists
    support."""

    def test_per_cohort_figures(self, run: Run) -> None:
        """If the bundled data is totalled, then declared is 25/50/25/48/50/50/10, the
        official running total 25/75/100/141/191/241/251, and the named lists support
        25/74/99/136/179/220/230."""
        result = run("totals", "--format", "json")
        assert result.exit_code == 0, result
        document = json.loads(result.stdout)
        column = {key: [c[key] for c in document["cohorts"]] for key in COHORT_KEYS}
        assert column["year"] == [2017, 2018, 2019, 2021, 2022, 2023, 2024]
        assert column["declared"] == [25, 50, 25, 48, 50, 50, 10]
        assert column["declared_repeats"] == [0, 0, 0, 7, 0, 0, 0]
        assert column["cumulative_declared"] == [25, 75, 100, 141, 191, 241, 251]
        assert column["cumulative_identified"] == [25, 74, 99, 136, 179, 220, 230]
        assert column["unlisted"] == [0, 1, 0, 4, 7, 9, 0]

    def test_through_2021_is_141(self, run: Run) -> None:
        """If the totals stop at 2021, then the official total is 141 and 136 are named."""
        result = run("totals", "--through", "2021", "--format", "json")
        assert result.exit_code == 0, result
        assert result.stdout == as_json(
            {
                "programme": "Gerakan Menuju Smart City",
                "through": 2021,
                "cohorts": BUNDLED_TOTALS["cohorts"][:4],
                "total": {
                    "unique_declared": 141,
                    "unique_identified": 136,
                    "repeats_declared": 7,
                    "repeats_identified": 7,
                },
            }
        )

    def test_seven_repeats_in_2021(self, run: Run) -> None:
        """If cohort 2021 is listed, then exactly the seven declared repeats count as repeats,
        each with its earlier cohort, and the two disputed entries are not counted."""
        result = run("cohort", "2021", "--format", "csv")
        assert result.exit_code == 0, result
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert len(rows) == 46
        repeats = [(r["code"], r["earlier_years"]) for r in rows if r["counted"] == "repeat"]
        assert repeats == [
            ("33.19", "2018"),
            ("33.20", "2018"),
            ("33.74", "2017"),
            ("34.04", "2017"),
            ("35.14", "2018"),
            ("35.79", "2019"),
            ("64.02", "2017"),
        ]
        assert [r["code"] for r in rows if r["counted"] == "not counted"] == ["52.71", "64.09"]

    def test_repeats_are_the_seven(self, run: Run) -> None:
        """If the repeats are listed, then they are the seven regions of 2021 mentored
        before, by code."""
        result = run("repeats", "--format", "json")
        assert result.exit_code == 0, result
        assert result.stdout == as_json(
            [{"code": c, "name": n, "years": y} for c, n, _, y in BUNDLED_REPEATS]
        )

    def test_luwu_utara_joined_in_2022(self, run: Run) -> None:
        """If Kabupaten Luwu Utara is looked up by its prefix form, then its one cohort is
        2022, confirmed and new."""
        result = run("region", "Kab. Luwu Utara", "--format", "json")
        assert result.exit_code == 0, result
        assert result.stdout == as_json(
            {
                "code": "73.22",
                "name": "Kabupaten Luwu Utara",
                "kind": "kabupaten",
                "province": "Sulawesi Selatan",
                "history": [
                    {
                        "year": 2022,
                        "status": "confirmed",
                        "counted": "new",
                        "sources": [
                            "https://sulsel.fajar.co.id/2022/01/06/luwu-utara-terpilih-untuk-"
                            "menyusun-masterplan-kota-cerdas-di-indonesia",
                            "https://online24jam.com/2022/12/01/luwu-utara-raih-penghargaan-"
                            "gerakan-menuju-smart-city-2022",
                        ],
                        "note": "selected via letter B-003/DJAI/AI.01.04/01/2022 (3 Jan 2022)",
                    }
                ],
            }
        )

    @pytest.mark.parametrize("spelling", ["73.22", "7322", "LUWU UTARA", "Kabupaten Luwu Utara"])
    def test_any_spelling_finds_the_region(self, run: Run, spelling: str) -> None:
        """If a region is named in any accepted spelling, then the report is the same."""
        expected = run("region", "Kab. Luwu Utara", "--format", "csv")
        result = run("region", spelling, "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stdout == expected.stdout


@pytest.mark.usefixtures("bundled")
class TestBundledTotalsFormats:
    """`gmsc totals` of the bundled data, in every format."""

    def test_json(self, run: Run) -> None:
        """If --format json is asked for, then the document has the documented shape and values."""
        result = run("totals", "--format", "json")
        assert result.exit_code == 0, result
        assert result.stderr == ""
        assert result.stdout == as_json(BUNDLED_TOTALS)
        document = json.loads(result.stdout)
        assert list(document) == ["programme", "through", "cohorts", "total"]
        assert all(tuple(c) == COHORT_KEYS for c in document["cohorts"])

    def test_csv(self, run: Run) -> None:
        """If --format csv is asked for, then a header row, one row a cohort and the totals
        row are printed."""
        result = run("totals", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stdout == BUNDLED_TOTALS_CSV

    def test_markdown(self, run: Run) -> None:
        """If --format markdown is asked for, then the README's table is printed."""
        result = run("totals", "--format", "markdown")
        assert result.exit_code == 0, result
        assert result.stdout == BUNDLED_TOTALS_MARKDOWN

    def test_table_written_to_a_file(self, run: Run, tmp_path: Path) -> None:
        """If the table goes to a .txt file, then it is written whole with its title, footer
        and caption."""
        out = tmp_path / "totals.txt"
        result = run("totals", "-o", str(out))
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert result.stderr == f"wrote {out}\n"
        assert_table(out.read_text(encoding="utf-8"), BUNDLED_TOTALS_TABLE, 155)

    def test_table(self, run: Run) -> None:
        """If the table is printed to a pipe, then it is written whole at its natural width
        (wider than the pinned 120 columns), none of its 13 columns cut off."""
        result = run("totals")
        assert result.exit_code == 0, result
        assert result.stderr == ""
        assert_table(result.stdout, BUNDLED_TOTALS_TABLE, 155)

    def test_through_csv(self, run: Run) -> None:
        """If --through 2021 is given, then the rows from 2022 on are left out and the totals
        row says 141 and 136."""
        result = run("totals", "--through", "2021", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stdout == "".join(BUNDLED_TOTALS_CSV.splitlines(keepends=True)[:5]) + (
            "Total,,7,,,,,7,,,,141,136\n"
        )

    def test_through_a_gap_year(self, run: Run) -> None:
        """If --through names a year without a cohort (2020), then the cohorts before it are
        counted and `through` is the last one counted."""
        result = run("totals", "--through", "2020", "--format", "json")
        assert result.exit_code == 0, result
        document = json.loads(result.stdout)
        assert document["through"] == 2019
        assert document["total"]["unique_declared"] == 100

    def test_through_before_the_first_cohort(self, run: Run) -> None:
        """If --through is before the first cohort, then it exits 1 naming the first one."""
        result = run("totals", "--through", "2016")
        assert result.exit_code == 1, result
        assert result.stdout == ""
        assert result.stderr == (
            "gmsc: there is no cohort up to 2016\n  hint: the first cohort is 2017\n"
        )

    def test_unknown_format_is_a_usage_error(self, run: Run) -> None:
        """If --format names no format, then Typer refuses it with exit 2."""
        result = run("totals", "--format", "xml")
        assert result.exit_code == 2, result
        assert "'xml' is not one of 'table', 'json', 'csv', 'markdown'" in result.stderr

    def test_unknown_grouping_is_a_usage_error(self, run: Run) -> None:
        """If --by names something other than province, then it is a usage error (exit 2)."""
        result = run("totals", "--by", "county")
        assert result.exit_code == 2, result
        assert result.stdout == ""
        assert result.stderr.startswith("Usage: gmsc totals [OPTIONS]\n")
        assert "Invalid value for --by: 'county' is not a grouping; use --by province" in (
            result.stderr
        )


@pytest.mark.usefixtures("bundled")
class TestBundledProvinces:
    """`gmsc totals --by province`: every province, its kabupaten/kota and coverage."""

    def test_csv(self, run: Run) -> None:
        """If --format csv is asked for, then all 38 provinces (those at 0 % too) and the
        Indonesia total are printed."""
        result = run("totals", "--by", "province", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stdout == BUNDLED_PROVINCES_CSV

    def test_json(self, run: Run) -> None:
        """If --format json is asked for, then it is the 38 province rows with numbers as
        numbers."""
        result = run("totals", "--by", "province", "--format", "json")
        assert result.exit_code == 0, result
        rows = province_rows(BUNDLED_PROVINCES_CSV)
        assert len(rows) == 38
        assert result.stdout == as_json(rows)

    def test_markdown(self, run: Run) -> None:
        """If --format markdown is asked for, then each province is a row and the total a
        bold last row."""
        result = run("totals", "--by", "province", "--format", "markdown")
        assert result.exit_code == 0, result
        body = "".join(
            f"| {r['code']} | {r['province']} | {r['regions']} | {r['participants']} | "
            f"{r['coverage']} |\n"
            for r in province_rows(BUNDLED_PROVINCES_CSV)
        )
        assert result.stdout == (
            "| Code | Province | Kab/kota | Participants | Coverage % |\n"
            "| --- | --- | ---: | ---: | ---: |\n"
            + body
            + "|  | **Indonesia** | **514** | **230** | **44.7** |\n"
        )

    def test_table(self, run: Run) -> None:
        """If the table is printed at 120 columns, then it shows every province and the
        total."""
        result = run("totals", "--by", "province")
        assert result.exit_code == 0, result
        assert_table(result.stdout, BUNDLED_PROVINCES_TABLE, 79)

    def test_through(self, run: Run) -> None:
        """If --through 2019 is given, then only the participants of 2017-2019 count."""
        result = run("totals", "--by", "province", "--through", "2019", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stdout.splitlines()[-1] == ",Indonesia,514,99,19.3"


@pytest.mark.usefixtures("bundled")
class TestBundledRepeatsFormats:
    """`gmsc repeats` of the bundled data, in every format."""

    def test_table(self, run: Run) -> None:
        """If the table is printed at 120 columns, then it lists the seven regions with
        their years and a count."""
        result = run("repeats")
        assert result.exit_code == 0, result
        assert result.stderr == ""
        assert_table(result.stdout, BUNDLED_REPEATS_TABLE, 80)

    def test_csv(self, run: Run) -> None:
        """If --format csv is asked for, then the years are space-separated in one cell."""
        result = run("repeats", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stdout == "code,name,province,years\n" + "".join(
            f"{c},{n},{p},{' '.join(map(str, y))}\n" for c, n, p, y in BUNDLED_REPEATS
        )

    def test_markdown(self, run: Run) -> None:
        """If --format markdown is asked for, then each region is a row."""
        result = run("repeats", "--format", "markdown")
        assert result.exit_code == 0, result
        assert result.stdout == dedent(
            """\
            | Code | Name | Province | Years |
            | --- | --- | --- | --- |
            | 33.19 | Kabupaten Kudus | Jawa Tengah | 2018 2021 |
            | 33.20 | Kabupaten Jepara | Jawa Tengah | 2018 2021 |
            | 33.74 | Kota Semarang | Jawa Tengah | 2017 2021 |
            | 34.04 | Kabupaten Sleman | Daerah Istimewa Yogyakarta | 2017 2021 |
            | 35.14 | Kabupaten Pasuruan | Jawa Timur | 2018 2021 |
            | 35.79 | Kota Batu | Jawa Timur | 2019 2021 |
            | 64.02 | Kabupaten Kutai Kartanegara | Kalimantan Timur | 2017 2021 |
            """
        )


# --- every report of a small ledger, in every format -----------------------------------

SYNTHETIC_TOTALS_TABLE = """\
                                                           Test Programme: cohorts through 2018
+---------------------------------------------------------------------------------------------------------------------------------------------------------+
|  Year | Declared | Decl. repeats | Listed | Unlisted | Participants | New | Repeats | Probable | Disputed | Withdrawn | Cum. declared | Cum. identified |
|-------+----------+---------------+--------+----------+--------------+-----+---------+----------+----------+-----------+---------------+-----------------|
|  2017 |        3 |             0 |      2 |        1 |            2 |   2 |       0 |        0 |        1 |         0 |             3 |               2 |
|  2018 |        3 |             1 |      3 |        1 |            2 |   1 |       1 |        1 |        0 |         1 |             5 |               3 |
|-------+----------+---------------+--------+----------+--------------+-----+---------+----------+----------+-----------+---------------+-----------------|
| Total |          |             1 |        |          |              |     |       1 |          |          |           |             5 |               3 |
+---------------------------------------------------------------------------------------------------------------------------------------------------------+
                            5 official − 3 identified = 2 slots without a named participant: 2017 1, 2018 1; see gmsc reconcile
"""  # noqa: E501, RUF001

SYNTHETIC_REPORTS: dict[tuple[str, ...], dict[str, str]] = {
    ("totals",): {
        "json": as_json(
            {
                "programme": "Test Programme",
                "through": 2018,
                "cohorts": [
                    cohort_row(2017, 3, 0, 2, 1, 2, 2, 0, 0, 1, 0, 3, 2),
                    cohort_row(2018, 3, 1, 3, 1, 2, 1, 1, 1, 0, 1, 5, 3),
                ],
                "total": {
                    "unique_declared": 5,
                    "unique_identified": 3,
                    "repeats_declared": 1,
                    "repeats_identified": 1,
                },
            }
        ),
        "csv": dedent(
            """\
            year,declared,declared_repeats,listed,unlisted,participants,new,repeats,probable,disputed,withdrawn,cumulative_declared,cumulative_identified
            2017,3,0,2,1,2,2,0,0,1,0,3,2
            2018,3,1,3,1,2,1,1,1,0,1,5,3
            Total,,1,,,,,1,,,,5,3
            """
        ),
        "markdown": dedent(
            """\
            | Year | Declared | Decl. repeats | Listed | Unlisted | Participants | New | Repeats | Probable | Disputed | Withdrawn | Cum. declared | Cum. identified |
            | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
            | 2017 | 3 | 0 | 2 | 1 | 2 | 2 | 0 | 0 | 1 | 0 | 3 | 2 |
            | 2018 | 3 | 1 | 3 | 1 | 2 | 1 | 1 | 1 | 0 | 1 | 5 | 3 |
            | **Total** |  | **1** |  |  |  |  | **1** |  |  |  | **5** | **3** |
            """  # noqa: E501
        ),
    },
    ("cohort", "2018"): {
        "table": """\
                                             Cohort 2018
+----------------------------------------------------------------------------------------------------+
| Code  | Name                 | Province         | Status    | Counted as  | Earlier cohorts | Note |
|-------+----------------------+------------------+-----------+-------------+-----------------+------|
| 73.22 | Kabupaten Luwu Utara | Sulawesi Selatan | confirmed | repeat      | 2017            |      |
| 65.71 | Kota Tarakan         | Kalimantan Utara | probable  | new         |                 |      |
| 75.71 | Kota Gorontalo       | Gorontalo        | withdrawn | not counted |                 |      |
+----------------------------------------------------------------------------------------------------+
           3 declared, 2 participants, 1 unnamed slot; 3 entries (1 probable, 1 withdrawn)
""",  # noqa: E501
        "json": as_json(
            [
                {
                    "code": "73.22",
                    "name": "Kabupaten Luwu Utara",
                    "province": "Sulawesi Selatan",
                    "status": "confirmed",
                    "counted": "repeat",
                    "earlier_years": [2017],
                    "note": None,
                    "sources": [],
                },
                {
                    "code": "65.71",
                    "name": "Kota Tarakan",
                    "province": "Kalimantan Utara",
                    "status": "probable",
                    "counted": "new",
                    "earlier_years": [],
                    "note": None,
                    "sources": [],
                },
                {
                    "code": "75.71",
                    "name": "Kota Gorontalo",
                    "province": "Gorontalo",
                    "status": "withdrawn",
                    "counted": "not counted",
                    "earlier_years": [],
                    "note": None,
                    "sources": [],
                },
            ]
        ),
        "csv": dedent(
            """\
            code,name,province,status,counted,earlier_years,note,sources
            73.22,Kabupaten Luwu Utara,Sulawesi Selatan,confirmed,repeat,2017,,
            65.71,Kota Tarakan,Kalimantan Utara,probable,new,,,
            75.71,Kota Gorontalo,Gorontalo,withdrawn,not counted,,,
            """
        ),
        "markdown": dedent(
            """\
            | Code | Name | Province | Status | Counted as | Earlier cohorts | Note |
            | --- | --- | --- | --- | --- | --- | --- |
            | 73.22 | Kabupaten Luwu Utara | Sulawesi Selatan | confirmed | repeat | 2017 |  |
            | 65.71 | Kota Tarakan | Kalimantan Utara | probable | new |  |  |
            | 75.71 | Kota Gorontalo | Gorontalo | withdrawn | not counted |  |  |
            """
        ),
    },
    ("cohort", "2017"): {
        "table": """\
                                             Cohort 2017: First
+-----------------------------------------------------------------------------------------------------------+
| Code  | Name                 | Province         | Status    | Counted as  | Earlier cohorts | Note        |
|-------+----------------------+------------------+-----------+-------------+-----------------+-------------|
| 73.22 | Kabupaten Luwu Utara | Sulawesi Selatan | confirmed | new         |                 | first named |
| 73.73 | Kota Palopo          | Sulawesi Selatan | confirmed | new         |                 |             |
| 75.01 | Kabupaten Gorontalo  | Gorontalo        | disputed  | not counted |                 |             |
+-----------------------------------------------------------------------------------------------------------+
                     3 declared, 2 participants, 1 unnamed slot; 3 entries (1 disputed)
""",  # noqa: E501
        "csv": dedent(
            """\
            code,name,province,status,counted,earlier_years,note,sources
            73.22,Kabupaten Luwu Utara,Sulawesi Selatan,confirmed,new,,first named,https://example.org/a
            73.73,Kota Palopo,Sulawesi Selatan,confirmed,new,,,
            75.01,Kabupaten Gorontalo,Gorontalo,disputed,not counted,,,
            """
        ),
    },
    ("region", "73.22"): {
        "table": """\
Kabupaten Luwu Utara (73.22), Sulawesi Selatan
+---------------------------------------------+
| Year | Status    | Counted as | Note        |
|------+-----------+------------+-------------|
| 2017 | confirmed | new        | first named |
| 2018 | confirmed | repeat     |             |
+---------------------------------------------+
""",
        "json": as_json(
            {
                "code": "73.22",
                "name": "Kabupaten Luwu Utara",
                "kind": "kabupaten",
                "province": "Sulawesi Selatan",
                "history": [
                    {
                        "year": 2017,
                        "status": "confirmed",
                        "counted": "new",
                        "sources": ["https://example.org/a"],
                        "note": "first named",
                    },
                    {
                        "year": 2018,
                        "status": "confirmed",
                        "counted": "repeat",
                        "sources": [],
                        "note": None,
                    },
                ],
            }
        ),
        "csv": dedent(
            """\
            year,status,counted,note,sources
            2017,confirmed,new,first named,https://example.org/a
            2018,confirmed,repeat,,
            """
        ),
        "markdown": dedent(
            """\
            | Year | Status | Counted as | Note |
            | ---: | --- | --- | --- |
            | 2017 | confirmed | new | first named |
            | 2018 | confirmed | repeat |  |
            """
        ),
    },
    ("region", "73.22", "--sources"): {
        "table": """\
            Kabupaten Luwu Utara (73.22), Sulawesi Selatan
+---------------------------------------------------------------------+
| Year | Status    | Counted as | Note        | Sources               |
|------+-----------+------------+-------------+-----------------------|
| 2017 | confirmed | new        | first named | https://example.org/a |
| 2018 | confirmed | repeat     |             |                       |
+---------------------------------------------------------------------+
""",
        "markdown": dedent(
            """\
            | Year | Status | Counted as | Note | Sources |
            | ---: | --- | --- | --- | --- |
            | 2017 | confirmed | new | first named | https://example.org/a |
            | 2018 | confirmed | repeat |  |  |
            """
        ),
    },
    ("region", "Kabupaten Gorontalo"): {
        "table": """\
 Kabupaten Gorontalo (75.01), Gorontalo
+--------------------------------------+
| Year | Status   | Counted as  | Note |
|------+----------+-------------+------|
| 2017 | disputed | not counted |      |
+--------------------------------------+
""",
        "csv": "year,status,counted,note,sources\n2017,disputed,not counted,,\n",
    },
    ("region", "Kota Jakarta Selatan"): {
        "table": """\
  Kota Administrasi Jakarta Selatan
   (31.74), Daerah Khusus Ibukota
               Jakarta
+-----------------------------------+
| Year | Status | Counted as | Note |
|------+--------+------------+------|
+-----------------------------------+
       not named in any cohort
""",
        "json": as_json(
            {
                "code": "31.74",
                "name": "Kota Administrasi Jakarta Selatan",
                "kind": "kota",
                "province": "Daerah Khusus Ibukota Jakarta",
                "history": [],
            }
        ),
        "csv": "year,status,counted,note,sources\n",
        "markdown": (
            "| Year | Status | Counted as | Note |\n| ---: | --- | --- | --- |\n"
        ),
    },
    ("repeats",): {
        "table": """\
                Regions in more than one cohort
+-------------------------------------------------------------+
| Code  | Name                 | Province         | Years     |
|-------+----------------------+------------------+-----------|
| 73.22 | Kabupaten Luwu Utara | Sulawesi Selatan | 2017 2018 |
+-------------------------------------------------------------+
                           1 region
""",
        "json": as_json([{"code": "73.22", "name": "Kabupaten Luwu Utara", "years": [2017, 2018]}]),
        "csv": "code,name,province,years\n73.22,Kabupaten Luwu Utara,Sulawesi Selatan,2017 2018\n",
        "markdown": (
            "| Code | Name | Province | Years |\n"
            "| --- | --- | --- | --- |\n"
            "| 73.22 | Kabupaten Luwu Utara | Sulawesi Selatan | 2017 2018 |\n"
        ),
    },
}
"""What each report of the SYNTHETIC ledger prints, per format (tables at 120 columns)."""


def _table_width(expected: str) -> int:
    return max(len(line) for line in expected.splitlines())


@pytest.mark.usefixtures("synthetic")
class TestEveryReportEveryFormat:
    """Each report of a small ledger with every status, in each format, exactly."""

    @pytest.mark.parametrize(
        ("command", "format"),
        [(c, f) for c, formats in SYNTHETIC_REPORTS.items() for f in formats],
        ids=[f"{' '.join(c)}-{f}" for c, formats in SYNTHETIC_REPORTS.items() for f in formats],
    )
    def test_report(self, run: Run, command: tuple[str, ...], format: str) -> None:
        """If a report is asked for in a format, then it prints exactly the expected text to
        stdout and nothing to stderr."""
        expected = SYNTHETIC_REPORTS[command][format]
        args = command if format == "table" else (*command, "--format", format)
        result = run(*args)
        assert result.exit_code == 0, result
        assert result.stderr == ""
        if format == "table":
            assert_table(result.stdout, expected, _table_width(expected))
        else:
            assert result.stdout == expected

    def test_totals_table_in_a_file(self, run: Run, tmp_path: Path) -> None:
        """If the totals table goes to a .txt file, then every column, the footer and the
        caption are written."""
        out = tmp_path / "totals.txt"
        result = run("totals", "-o", str(out))
        assert result.exit_code == 0, result
        assert_table(out.read_text(encoding="utf-8"), SYNTHETIC_TOTALS_TABLE, 155)

    def test_provinces_of_a_small_ledger(self, run: Run) -> None:
        """If the small ledger is grouped by province, then its three participants count in
        their provinces and every other province shows 0."""
        result = run("totals", "--by", "province", "--format", "csv")
        assert result.exit_code == 0, result
        rows = list(csv.reader(io.StringIO(result.stdout)))
        counted = {row[1]: row[3:] for row in rows[1:] if row[3] != "0"}
        assert counted == {
            "Kalimantan Utara": ["1", "20.0"],
            "Sulawesi Selatan": ["2", "8.3"],
            "Indonesia": ["3", "0.6"],
        }
        assert len(rows) == 40

    def test_empty_store_reports(self, run: Run, tmp_path: Path) -> None:
        """If the store has no cohorts, then totals has only its footer, through is null and
        repeats is an empty list."""
        db = str(tmp_path / "empty.db")
        run("--db", db, "init", "--empty")
        totals = run("--db", db, "totals", "--format", "json")
        assert totals.exit_code == 0, totals
        assert totals.stdout == as_json(
            {
                "programme": None,
                "through": None,
                "cohorts": [],
                "total": {
                    "unique_declared": 0,
                    "unique_identified": 0,
                    "repeats_declared": 0,
                    "repeats_identified": 0,
                },
            }
        )
        repeats = run("--db", db, "repeats", "--format", "json")
        assert repeats.stdout == "[]\n"


@pytest.mark.usefixtures("synthetic")
class TestLookupsThatFail:
    """Unknown cohorts and regions exit 1 with a hint."""

    def test_unknown_cohort(self, run: Run) -> None:
        """If a cohort year is not stored, then `cohort` exits 1 listing the stored years."""
        result = run("cohort", "2020")
        assert result.exit_code == 1, result
        assert result.stdout == ""
        assert result.stderr == (
            "gmsc: cohort 2020 is not in the store\n  hint: stored cohorts: 2017, 2018\n"
        )

    def test_unknown_region(self, run: Run) -> None:
        """If a region name is misspelt, then `region` exits 1 with a suggestion."""
        result = run("region", "Luwu Utaraa")
        assert result.exit_code == 1, result
        assert result.stdout == ""
        assert result.stderr == (
            "gmsc: no kabupaten/kota is called 'Luwu Utaraa'\n"
            "  hint: did you mean Kabupaten Luwu Utara (73.22)?\n"
        )

    def test_ambiguous_region(self, run: Run) -> None:
        """If a bare name is both a kabupaten and a kota, then `region` exits 1 listing
        both."""
        result = run("region", "Bogor")
        assert result.exit_code == 1, result
        assert result.stderr == (
            "gmsc: 'Bogor' is ambiguous: Kabupaten Bogor (32.01), Kota Bogor (32.71)\n"
            "  hint: give the full name or code\n"
        )


HISTORY_TABLE = """\
                                         Imports
+---------------------------------------------------------------------------------------+
| Imported (UTC)            | File    | SHA-256      | Added     | Replaced | Unchanged |
|---------------------------+---------+--------------+-----------+----------+-----------|
| YYYY-MM-DDTHH:MM:SS+00:00 | <stdin> | {hash} | 2017,2018 |          |           |
+---------------------------------------------------------------------------------------+
"""

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def normalised(text: str) -> str:
    """The text with each receipt time replaced by a placeholder of the same width."""
    return TIME.sub("YYYY-MM-DDTHH:MM:SS+00:00", text)


class TestImportHistoryFormats:
    """`gmsc import --history` in every format (the time normalised)."""

    @pytest.fixture(autouse=True)
    def _store(self, run: Run) -> None:
        """An empty store that imported the SYNTHETIC ledger from stdin."""
        run("init", "--empty")
        result = run("import", "-", input=SYNTHETIC)
        assert result.exit_code == 0, result

    @property
    def short(self) -> str:
        """The receipt's hash as the history shows it: the first 12 hex digits."""
        return hashlib.sha256(SYNTHETIC.encode()).hexdigest()[:12]

    def test_table(self, run: Run) -> None:
        """If the history is printed as a table, then each receipt is a row with time, file,
        short hash and years."""
        result = run("import", "--history")
        assert result.exit_code == 0, result
        assert TIME.search(result.stdout)
        assert_table(normalised(result.stdout), HISTORY_TABLE.format(hash=self.short), 89)

    def test_json(self, run: Run) -> None:
        """If the history is asked for as JSON, then it is a list of receipts with the six
        keys and the file's whole SHA-256."""
        result = run("import", "--history", "--format", "json")
        assert result.exit_code == 0, result
        assert normalised(result.stdout) == as_json(
            [
                {
                    "imported_at": "YYYY-MM-DDTHH:MM:SS+00:00",
                    "file": "<stdin>",
                    "sha256": hashlib.sha256(SYNTHETIC.encode()).hexdigest(),
                    "added": "2017,2018",
                    "replaced": "",
                    "unchanged": "",
                }
            ]
        )

    def test_csv(self, run: Run) -> None:
        """If the history is asked for as CSV, then the years list is one quoted cell."""
        result = run("import", "--history", "--format", "csv")
        assert result.exit_code == 0, result
        assert normalised(result.stdout) == (
            "imported_at,file,sha256,added,replaced,unchanged\n"
            f'YYYY-MM-DDTHH:MM:SS+00:00,<stdin>,{self.short},"2017,2018",,\n'
        )

    def test_markdown(self, run: Run) -> None:
        """If the history is asked for as Markdown, then each receipt is a row."""
        result = run("import", "--history", "--format", "markdown")
        assert result.exit_code == 0, result
        assert normalised(result.stdout) == (
            "| Imported (UTC) | File | SHA-256 | Added | Replaced | Unchanged |\n"
            "| --- | --- | --- | --- | --- | --- |\n"
            f"| YYYY-MM-DDTHH:MM:SS+00:00 | <stdin> | {self.short} | 2017,2018 |  |  |\n"
        )
