"""Names people use: aliases, province names where a kabupaten/kota is expected, and
`gmsc regions` to list and search the reference list."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]


class TestAliases:
    @pytest.mark.parametrize(
        ("alias", "code"),
        [("Jogja", "34.71"), ("Kukar", "64.02"), ("Siak Sri Indrapura", "14.08")],
    )
    def test_aliases_resolve(self, run: Run, alias: str, code: str) -> None:
        """If a region is asked for by a common alias, then its history is shown."""
        result = run("region", alias, "--format", "json")
        assert result.exit_code == 0, result
        assert json.loads(result.stdout)["code"] == code


class TestProvinceNames:
    def test_region_lookup(self, run: Run) -> None:
        """If `gmsc region` is given a province, then it says so (exit 1) and lists the
        province's kabupaten/kota, instead of 'did you mean Kabupaten Konawe Selatan'."""
        result = run("region", "Sulawesi Selatan")
        assert result.exit_code == 1, result
        assert "gmsc: 'Sulawesi Selatan' is a province, not a kabupaten/kota" in result.stderr
        assert "Sulawesi Selatan (73) has 24 kabupaten/kota:" in result.stderr
        assert "Kabupaten Luwu Utara (73.22)" in result.stderr
        assert "Konawe" not in result.stderr

    @pytest.mark.parametrize("text", ["Provinsi Jawa Barat", "jawa barat", "Jabar"])
    def test_spellings_of_a_province(self, run: Run, text: str) -> None:
        """If a province is written with 'Provinsi', in lower case or by its short name,
        then it is still recognised as the province."""
        result = run("region", text)
        assert result.exit_code == 1, result
        assert "is a province, not a kabupaten/kota" in result.stderr
        assert "Jawa Barat (32) has 27 kabupaten/kota" in result.stderr

    def test_unknown_region_in_a_ledger_file(self, run: Run, write: Write) -> None:
        """If a ledger file names a province as a member, then validate's unknown-region
        finding says it is a province and its hint lists what it contains."""
        path = write(
            "p.yaml", "version: 1\ncohorts:\n  - year: 2030\n    regions: [Sulawesi Selatan]\n"
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert (
            f"{path}:4:15: error[unknown-region] 'Sulawesi Selatan' is a province, "
            "not a kabupaten/kota\n"
        ) in result.stdout
        assert "hint: Sulawesi Selatan (73) has 24 kabupaten/kota: " in result.stdout

    def test_a_region_named_like_its_province_is_still_the_region(self, run: Run) -> None:
        """If a name is both a province and a kota (Bengkulu), then it is the kota."""
        result = run("region", "Bengkulu", "--format", "json")
        assert result.exit_code == 0, result
        assert json.loads(result.stdout)["code"] == "17.71"


class TestRegionsCommand:
    def test_all_514(self, run: Run) -> None:
        """If `gmsc regions` is run, then it lists the 514 reference kabupaten/kota with
        kind, province and whether and when each took part, as History counts it."""
        result = run("regions", "--format", "json")
        assert result.exit_code == 0, result
        rows = json.loads(result.stdout)
        assert len(rows) == 514
        kudus = next(r for r in rows if r["code"] == "33.19")
        assert kudus == {
            "code": "33.19",
            "kind": "kabupaten",
            "name": "Kabupaten Kudus",
            "province": "Jawa Tengah",
            "took_part": "yes",
            "years": [2018, 2021],
        }
        identified = json.loads(run("totals", "--format", "json").stdout)["total"]
        assert sum(r["took_part"] == "yes" for r in rows) == identified["unique_identified"]

    def test_province(self, run: Run) -> None:
        """If --province is given (a name or a code), then only its regions are listed."""
        by_name = run("regions", "--province", "Sulawesi Selatan", "--format", "csv")
        by_code = run("regions", "--province", "73", "--format", "csv")
        assert by_name.exit_code == by_code.exit_code == 0
        assert by_name.stdout == by_code.stdout
        rows = list(csv.DictReader(io.StringIO(by_name.stdout)))
        assert len(rows) == 24 and {r["province"] for r in rows} == {"Sulawesi Selatan"}

    def test_search(self, run: Run) -> None:
        """If --search is given, then names, aliases and codes containing it are listed."""
        rows = json.loads(run("regions", "--search", "luwu", "--format", "json").stdout)
        assert [r["code"] for r in rows] == ["73.17", "73.22", "73.24"]
        rows = json.loads(run("regions", "--search", "Kukar", "--format", "json").stdout)
        assert [r["code"] for r in rows] == ["64.02"]
        both = run("regions", "--province", "Jawa Tengah", "--search", "kudus", "-f", "json")
        assert [r["code"] for r in json.loads(both.stdout)] == ["33.19"]

    @pytest.mark.parametrize("format", ["table", "markdown", "csv", "json"])
    def test_every_format(self, run: Run, format: str) -> None:
        """If a format is chosen, then the list is written in it."""
        result = run("regions", "--search", "palopo", "--format", format)
        assert result.exit_code == 0, result
        assert "73.73" in result.stdout

    def test_unknown_province(self, run: Run) -> None:
        """If --province names no province, then exit 1 with the list of provinces."""
        result = run("regions", "--province", "Atlantis")
        assert result.exit_code == 1, result
        assert "no province is called 'Atlantis'" in result.stderr
        assert "Sulawesi Selatan" in result.stderr
