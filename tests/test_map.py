"""The map: the shipped shapes (data/map.json), the SVG view, its palettes, and the SVG as
headless Chromium draws it."""

from __future__ import annotations

import csv
import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gmsc_cli.views import map as view
from gmsc_cli.views.map import NEVER, RegionShade
from test_ecosystem_pictures import CHROMIUM, IN_CI, _chromium, png_pixels

DATA = Path(__file__).resolve().parent.parent / "src" / "gmsc_cli" / "data"
SVG = "{http://www.w3.org/2000/svg}"
RED = "#d62728"
#: Kota Adm. Jakarta Pusat, Kota Sibolga, Kabupaten Administrasi Kepulauan Seribu.
TINY = ("31.71", "12.73", "31.01")
LUWU_UTARA = "73.22"
#: A large region far from Luwu Utara: Kabupaten Kotawaringin Barat.
ELSEWHERE = "62.01"


def _csv_codes(name: str) -> list[str]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def _names() -> dict[str, str]:
    with (DATA / "regions.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def _all_grey(overrides: dict[str, RegionShade] | None = None) -> dict[str, RegionShade]:
    """Every region in NEVER with its name as hover text, except the codes given."""
    shades = {code: RegionShade(NEVER, name) for code, name in _names().items()}
    return shades | (overrides or {})


def _svg(shades: dict[str, RegionShade], width: int = 1200) -> ET.Element:
    text = view.choropleth_svg(
        shades, legend=[(RED, "2022"), (NEVER, "never")], title="GMSC", width=width
    )
    return ET.fromstring(text)


def _group(svg: ET.Element, name: str) -> ET.Element:
    found = svg.find(f"{SVG}g[@id='{name}']")
    assert found is not None, f"no <g id={name!r}>"
    return found


class TestShippedMap:
    """data/map.json, as built by scripts/build_map.py."""

    def test_codes_are_the_reference_list(self) -> None:
        """The map has exactly the 514 region codes of regions.csv and the 38 province codes
        of provinces.csv."""
        shipped = json.loads((DATA / "map.json").read_text(encoding="utf-8"))
        regions = _csv_codes("regions.csv")
        assert len(regions) == 514
        assert sorted(shipped["regions"]) == sorted(regions)
        assert sorted(shipped["provinces"]) == sorted(_csv_codes("provinces.csv"))
        assert len(shipped["provinces"]) == 38

    def test_small_enough_to_ship(self) -> None:
        """The shipped file is at most 300 KB."""
        assert (DATA / "map.json").stat().st_size <= 300_000

    def test_every_shape_is_drawable(self) -> None:
        """Every region has path data and a label point inside the view box, and every
        province an outline."""
        width, height = view.view_box()
        shipped = json.loads((DATA / "map.json").read_text(encoding="utf-8"))
        for code, shape in shipped["regions"].items():
            assert re.fullmatch(r"(M-?\d+ -?\d+(l[-\d ]+)?z)+", shape["d"]), code
            x, y = view.label_point(code)
            assert 0 < x < width and 0 < y < height, code
        assert all(d.startswith("M") for d in shipped["provinces"].values())

    def test_notice_ships_beside_it(self) -> None:
        """The upstream MIT notice ships beside the map and says where it comes from."""
        notice = (DATA / "LICENSE-wilayah-boundaries.txt").read_text(encoding="utf-8")
        assert "cahyadsn/wilayah_boundaries" in notice and "3c5a796" in notice
        assert "MIT License" in notice and "Cahya DSN" in notice

    def test_unknown_label_point(self) -> None:
        """If a label point is asked for a code not on the map, then ValueError."""
        with pytest.raises(ValueError, match=r"99\.99"):
            view.label_point("99.99")


class TestChoroplethSvg:
    """choropleth_svg()."""

    def test_one_titled_path_per_region(self) -> None:
        """If all 514 regions are passed, then #regions holds one path per code, each with
        the caller's fill and hover text."""
        shades = _all_grey({LUWU_UTARA: RegionShade(RED, "Luwu Utara")})
        paths = _group(_svg(shades), "regions").findall(f"{SVG}path")
        assert sorted(p.get("data-code", "") for p in paths) == sorted(shades)
        for path in paths:
            code = path.get("data-code", "")
            assert path.get("fill") == shades[code].colour
            assert path.findtext(f"{SVG}title") == shades[code].title

    def test_provinces_are_outlines(self) -> None:
        """Then #provinces holds the 38 province outlines, unfilled and not in the way of the
        pointer."""
        provinces = _group(_svg(_all_grey()), "provinces")
        assert len(provinces.findall(f"{SVG}path")) == 38
        assert provinces.get("fill") == "none"
        assert "pointer-events:none" in provinces.get("style", "")

    def test_small_regions_get_markers(self) -> None:
        """Then the regions under 3 px across at the rendered width (Jakarta Pusat, Sibolga,
        Kepulauan Seribu among them, 15 to 45 in all) also get a marker with the same code,
        fill and hover text, at their label point."""
        shades = _all_grey({code: RegionShade(RED, code) for code in TINY})
        markers = _group(_svg(shades), "markers").findall(f"{SVG}circle")
        by_code = {m.get("data-code"): m for m in markers}
        assert len(by_code) == len(markers)
        assert 15 <= len(markers) <= 45, len(markers)
        for code in TINY:
            marker = by_code[code]
            assert marker.get("fill") == RED and marker.findtext(f"{SVG}title") == code
            x, y = view.label_point(code)
            assert (float(marker.get("cx", "")), float(marker.get("cy", ""))) == pytest.approx(
                (x, y), abs=0.01
            )

    def test_fewer_markers_when_wider(self) -> None:
        """If the map is drawn wider, then fewer regions need a marker."""
        narrow = _group(_svg(_all_grey(), width=800), "markers")
        wide = _group(_svg(_all_grey(), width=2400), "markers")
        assert len(wide) < len(narrow)

    def test_region_left_out_is_grey(self) -> None:
        """If a region is left out, then it is drawn in NEVER with its code as hover text."""
        shades = _all_grey()
        del shades[LUWU_UTARA]
        path = _group(_svg(shades), "regions").find(f"{SVG}path[@data-code='{LUWU_UTARA}']")
        assert path is not None
        assert path.get("fill") == NEVER and path.findtext(f"{SVG}title") == LUWU_UTARA

    def test_unknown_code(self) -> None:
        """If a code is not on the map, then ValueError naming it."""
        with pytest.raises(ValueError, match=r"99\.99"):
            view.choropleth_svg({"99.99": RegionShade(RED, "?")}, legend=[], title="t")

    def test_text_is_escaped(self) -> None:
        """If titles, hover texts or legend labels hold markup, then it is escaped and reads
        back as the same text."""
        odd = '<script>alert("x")</script> & co'
        text = view.choropleth_svg(
            {LUWU_UTARA: RegionShade(RED, odd)}, legend=[(RED, odd)], title=odd
        )
        assert "<script>" not in text and "&lt;script&gt;" in text
        svg = ET.fromstring(text)
        assert svg.findtext(f"{SVG}title") == odd
        assert _group(svg, "legend").findtext(f"{SVG}text") == odd
        path = _group(svg, "regions").find(f"{SVG}path[@data-code='{LUWU_UTARA}']")
        assert path is not None and path.findtext(f"{SVG}title") == odd

    def test_deterministic(self) -> None:
        """If the same arguments are given twice, then the same text comes back."""
        shades = _all_grey({LUWU_UTARA: RegionShade(RED, "x")})

        def draw() -> str:
            return view.choropleth_svg(shades, legend=[(RED, "2022")], title="t")

        assert draw() == draw()

    def test_document_shape(self) -> None:
        """The SVG is an image with a title, sized to the width asked for, and its legend has
        a swatch and a label per entry."""
        svg = _svg(_all_grey(), width=900)
        assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
        assert svg.get("width") == "900"
        assert svg.findtext(f"{SVG}title") == "GMSC"
        legend = _group(svg, "legend")
        assert [t.text for t in legend.findall(f"{SVG}text")] == ["2022", "never"]
        assert [r.get("fill") for r in legend.findall(f"{SVG}rect")] == [RED, NEVER]

    def test_bad_width(self) -> None:
        """If the width is not positive, then ValueError."""
        with pytest.raises(ValueError):
            view.choropleth_svg({}, legend=[], title="t", width=0)


def _luminance(colour: str) -> float:
    red, green, blue = bytes.fromhex(colour[1:])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


class TestPalettes:
    """year_palette() and count_palette()."""

    def test_years_get_distinct_colours(self) -> None:
        """Each year gets its own colour, none of them the "never" grey, whatever the order
        the years come in."""
        years = [2022, 2017, 2019, 2018, 2021, 2017]
        palette = view.year_palette(years)
        assert sorted(palette) == [2017, 2018, 2019, 2021, 2022]
        assert len(set(palette.values())) == 5 and NEVER not in palette.values()
        assert palette == view.year_palette(sorted(years))

    def test_too_many_years(self) -> None:
        """If there are more years than colours that can be told apart, then ValueError."""
        with pytest.raises(ValueError):
            view.year_palette(range(2000, 2030))

    def test_counts_darken(self) -> None:
        """Count 0 is the "never" grey, and each further count is darker than the last."""
        palette = view.count_palette(5)
        assert sorted(palette) == [0, 1, 2, 3, 4, 5] and palette[0] == NEVER
        shades = [_luminance(palette[count]) for count in range(1, 6)]
        assert shades == sorted(shades, reverse=True) and len(set(shades)) == 5

    def test_counts_edge_cases(self) -> None:
        """A maximum of 0 is only grey, of 1 one colour; a negative maximum is ValueError."""
        assert view.count_palette(0) == {0: NEVER}
        assert len(view.count_palette(1)) == 2
        with pytest.raises(ValueError):
            view.count_palette(-1)


WIDTH = 1200
PROBE = """<script>
const found = PROBES.map(([x, y]) => {
  const hit = document.elementFromPoint(x, y);
  return hit && [hit.tagName, hit.getAttribute("data-code"), getComputedStyle(hit).fill];
});
document.getElementById("found").textContent = JSON.stringify(found);
</script>"""


def _page(svg: str, probes: list[tuple[float, float]] | None = None) -> str:
    """A minimal page with the map at its natural size at the top left; with probes, a
    script that writes what lies under each point into #found."""
    script = ""
    if probes is not None:
        script = '<pre id="found"></pre>' + PROBE.replace("PROBES", json.dumps(probes))
    return (
        '<!doctype html><html><head><meta charset="utf-8"><style>'
        "body{margin:0;background:#fff}svg{display:block}</style></head>"
        f"<body>{svg}{script}</body></html>"
    )


def _pixel(code: str) -> tuple[float, float]:
    """Where a region's label point lands on the page, in CSS pixels."""
    x, y = view.label_point(code)
    scale = WIDTH / view.view_box()[0]
    return x * scale, y * scale


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None and not IN_CI,
    reason="chromium is not installed (apt-get install chromium); CI installs it and runs this",
)
class TestMapInChromium:
    """The map as headless Chromium draws it: Luwu Utara red, everything else grey."""

    @pytest.fixture
    def svg(self) -> str:
        """The map with Luwu Utara in red and every other region grey."""
        assert CHROMIUM is not None, "chromium is required in CI (.ci/run installs it)"
        shades = _all_grey({LUWU_UTARA: RegionShade(RED, "Luwu Utara")})
        return view.choropleth_svg(shades, legend=[(RED, "2022")], title="t", width=WIDTH)

    def test_element_under_label_points(self, svg: str, tmp_path: Path) -> None:
        """If the browser is asked what lies under a region's label point, then it is that
        region's shape (for a tiny region, its marker) in the region's colour."""
        codes = [LUWU_UTARA, ELSEWHERE, "31.71"]
        page = tmp_path / "probe.html"
        page.write_text(_page(svg, [_pixel(code) for code in codes]), encoding="utf-8")
        done = _chromium(
            "--dump-dom",
            "--virtual-time-budget=2000",
            f"--window-size={WIDTH},800",
            page.as_uri(),
            profile=tmp_path / "profile",
        )
        assert done.returncode == 0, done.stderr[-2000:]
        found = re.search(r'<pre id="found">(.*?)</pre>', done.stdout, re.S)
        assert found and found[1], done.stdout[-2000:]
        assert json.loads(html.unescape(found[1])) == [
            ["path", LUWU_UTARA, "rgb(214, 39, 40)"],
            ["path", ELSEWHERE, "rgb(208, 212, 218)"],
            ["circle", "31.71", "rgb(208, 212, 218)"],
        ]

    def test_pixels_at_label_points(self, svg: str, tmp_path: Path) -> None:
        """If the page is screenshot, then the pixel at Luwu Utara's label point is red and
        the one at a non-participant's is grey."""
        page, shot = tmp_path / "map.html", tmp_path / "shot.png"
        page.write_text(_page(svg), encoding="utf-8")
        done = _chromium(
            "--hide-scrollbars",
            f"--window-size={WIDTH},600",
            f"--screenshot={shot}",
            page.as_uri(),
            profile=tmp_path / "profile",
        )
        assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
        width, _, rows = png_pixels(shot.read_bytes())
        channels = len(rows[0]) // width

        def colour(code: str) -> tuple[int, ...]:
            x, y = _pixel(code)
            row = rows[int(y)]
            return tuple(row[int(x) * channels : int(x) * channels + 3])

        def near(got: tuple[int, ...], want: str) -> bool:
            return all(abs(a - b) <= 3 for a, b in zip(got, bytes.fromhex(want[1:]), strict=True))

        assert near(colour(LUWU_UTARA), RED), colour(LUWU_UTARA)
        assert near(colour(ELSEWHERE), NEVER), colour(ELSEWHERE)
