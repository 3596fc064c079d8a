"""`gmsc schema` as editors and CI use it: through check-jsonschema, on real YAML files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUNDLED, Result

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]


@pytest.fixture
def schema_file(run: Run, tmp_path: Path) -> Path:
    """The schema as `gmsc schema -o` writes it."""
    path = tmp_path / "gmsc.schema.json"
    result = run("schema", "-o", str(path))
    assert result.exit_code == 0, result
    return path


def check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    """Run the check-jsonschema CLI the way a pre-commit hook or CI job would."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


GOOD = """\
version: 1
programme: Gerakan Menuju Smart City
published:
  - {through: 2022, unique: 1, source: "a press release"}
cohorts:
  - year: 2022
    declared: 1
    mou_date: 2022-04-21
    sources: ["https://example.org/2022"]
    regions:
      - {code: "73.22", name: Kabupaten Luwu Utara, status: probable, note: "MoU 21 Apr 2022"}
      - Kota Palopo
"""


class TestSchemaDocument:
    """The document itself."""

    def test_is_draft_2020_12(self, run: Run) -> None:
        """If `gmsc schema` runs, then stdout is one JSON document declaring draft 2020-12."""
        result = run("schema")
        assert result.exit_code == 0, result
        document = json.loads(result.stdout)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["properties"]["version"] == {"const": 1}

    def test_passes_the_metaschema(self, schema_file: Path) -> None:
        """If check-jsonschema checks the schema against its metaschema, then it passes."""
        result = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--check-metaschema", str(schema_file)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr


class TestCheckJsonschema:
    """check-jsonschema with `gmsc schema` accepts good ledgers and rejects bad shapes."""

    def test_accepts_the_bundled_dataset(self, schema_file: Path) -> None:
        """If the bundled data/cohorts.yaml is checked (bare dates such as
        `mou_date: 2017-05-22` included), then it passes."""
        result = check_jsonschema(schema_file, BUNDLED)
        assert result.returncode == 0, result.stdout + result.stderr

    def test_accepts_every_documented_field(self, schema_file: Path, write: Write) -> None:
        """If a file uses every field of format 1, both entry forms and a bare date, then it
        passes."""
        result = check_jsonschema(schema_file, write("good.yaml", GOOD))
        assert result.returncode == 0, result.stdout + result.stderr

    @pytest.mark.parametrize(
        ("name", "replace", "by", "reported"),
        [
            ("wrong type: year as text", "year: 2022", 'year: "2022"', "$.cohorts[0].year"),
            ("wrong type: declared as text", "declared: 1", "declared: one", "$.cohorts[0]"),
            ("unknown key", "year: 2022", "yaer: 2022", "yaer"),
            ("bad status", "status: probable", "status: probably", "$.cohorts[0].regions[0]"),
            ("code as a number", 'code: "73.22"', "code: 73.22", "$.cohorts[0].regions[0]"),
            ("version 2", "version: 1", "version: 2", "$.version"),
            ("bad date", "mou_date: 2022-04-21", "mou_date: 2022-02-30", "$.cohorts[0]"),
        ],
    )
    def test_rejects(
        self, schema_file: Path, write: Write, name: str, replace: str, by: str, reported: str
    ) -> None:
        """If a file has a wrong type, an unknown key, a bad status, a code written as a
        number, another version or an impossible date, then check-jsonschema fails and
        names where."""
        assert replace in GOOD, name
        path = write("bad.yaml", GOOD.replace(replace, by, 1))
        result = check_jsonschema(schema_file, path)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Schema validation errors" in result.stdout + result.stderr
        assert reported in result.stdout + result.stderr, result.stdout + result.stderr
