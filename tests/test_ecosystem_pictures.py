"""Pictures: `gmsc totals --chart` in the terminal, and `gmsc report`, one self-contained
HTML page, checked as a browser renders it (headless Chromium)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import Result

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = bool(os.environ.get("CI"))


class TestChart:
    """`gmsc totals --chart`."""

    def test_plain_chart_off_a_terminal(self, run: Run) -> None:
        """If stdout is not a terminal, then the chart is ASCII only, one bar per year for
        the members (new and repeat) and two per year for the running totals, each with its
        figures."""
        result = run("totals", "--chart")
        assert result.exit_code == 0, result
        text = result.stdout
        assert text.isascii(), text
        assert "\x1b[" not in text
        assert re.search(r"^2021 +#+\++\.+ 37 new \+ 7 repeat of 48 declared$", text, re.M), text
        assert re.search(r"^2022 official +=+ 191$", text, re.M), text
        assert re.search(r"^ +identified +#+ 179 \(12 not named\)$", text, re.M), text
        assert re.search(r"^2024 official +=+ 251$", text, re.M), text
        assert re.search(r"^ +identified +#+ 230 \(21 not named\)$", text, re.M), text

    def test_bars_are_to_scale(self, run: Run) -> None:
        """If the running totals are drawn, then each bar's length is proportional to its
        figure (251 is the longest, 25 about a tenth of it)."""
        text = run("totals", "--chart").stdout
        bars = {int(m[2]): len(m[1]) for m in re.finditer(r"official +(=+) (\d+)$", text, re.M)}
        assert max(bars, key=lambda k: bars[k]) == 251
        assert abs(bars[25] / bars[251] - 25 / 251) < 0.03

    def test_through(self, run: Run) -> None:
        """If --through 2021 is given, then the chart stops at 2021 (141 official)."""
        text = run("totals", "--chart", "--through", "2021").stdout
        assert "2022" not in text
        assert re.search(r"^2021 official +=+ 141$", text, re.M), text

    def test_to_a_file(self, run: Run, tmp_path: Path) -> None:
        """If -o is given, then the plain chart goes to the file and stdout stays empty."""
        target = tmp_path / "chart.txt"
        result = run("totals", "--chart", "-o", str(target))
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert "2022 official" in target.read_text(encoding="utf-8")

    def test_chart_with_format_is_a_usage_error(self, run: Run) -> None:
        """If --chart is combined with --format or --by, then exit 2 (usage)."""
        assert run("totals", "--chart", "--format", "json").exit_code == 2
        assert run("totals", "--chart", "--by", "province").exit_code == 2

    def test_blocks_and_colour_on_a_terminal(self, isolated_store: Path) -> None:
        """If stdout is a terminal, then the bars are coloured block characters."""
        from test_ecosystem_formats import on_a_terminal

        env = {**os.environ, "GMSC_DB": str(isolated_store), "COLUMNS": "100"}
        env.pop("NO_COLOR", None)
        text = on_a_terminal("totals", "--chart", env=env)
        assert "\x1b[" in text and "█" in text and "▓" in text, text


class _Page(HTMLParser):
    """What a page asks the browser to fetch, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"script", "img", "iframe", "link", "object", "embed", "video", "audio"}:
            self.fetches.append(f"<{tag}>")
        if tag != "a" and any(k in values for k in ("src", "srcset")):
            self.fetches.append(f"{tag} src")
        if tag == "use" and values.get("href", "").startswith("http"):
            self.fetches.append("svg use")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


class TestReportPage:
    """`gmsc report -o report.html`, read as HTML."""

    @pytest.fixture
    def page(self, run: Run, tmp_path: Path) -> str:
        """The report of the bundled ledger."""
        target = tmp_path / "report.html"
        result = run("report", "-o", str(target))
        assert result.exit_code == 0, result
        return target.read_text(encoding="utf-8")

    def test_self_contained(self, page: str) -> None:
        """If the report is written, then it loads nothing from elsewhere: no scripts,
        stylesheets, fonts, images or frames; its style and chart are inline."""
        parser = _Page()
        parser.feed(page)
        assert parser.fetches == []
        assert "@import" not in page and "url(" not in page and "@font-face" not in page
        assert "<style>" in page and "<svg" in page

    def test_sections_and_sources(self, page: str) -> None:
        """If the report is written, then it has the headline totals with the published
        totals' sources, the cohort table, the chart, the provinces, the repeats with their
        entry sources, and the unlisted gaps with their cohorts' sources."""
        parser = _Page()
        parser.feed(page)
        text = " ".join(" ".join(parser.text).split())
        for heading in ("Cohorts", "Running totals", "Coverage by province", "Repeat", "Unlisted"):
            assert heading in text
        assert "191 through 2022: Kemenkominfo at the GMSC awards, Dec 2022" in text
        assert "Kabupaten Kudus, 2018:" in text  # a repeat's entry source
        assert "Surat Ditjen Aptika B-003/DJAI/AI.01.04/01/2022" in text  # a cohort source

    def test_through_leaves_out_later_cohorts_sources(
        self, run: Run, write: Write, tmp_path: Path
    ) -> None:
        """If --through 2017 is given, then the page shows the 2017 cohort's sources and
        none of the 2021 and 2022 cohorts' (cohort, gap, entry or repeat sources)."""
        cohort = (
            "  - year: {year}\n    declared: 3\n    declared_repeats: {repeats}\n"
            '    sources: ["letter of {year}"]\n'
            "    regions:\n"  # Kota Palopo in each cohort: a repeat with entry sources
            '      - {{name: Kota Palopo, status: confirmed, sources: ["palopo in {year}"]}}\n'
        )
        cohorts = "".join(
            cohort.format(year=year, repeats=int(year > 2017)) for year in (2017, 2021, 2022)
        )
        ledger = write("three.yaml", "version: 1\ncohorts:\n" + cohorts)
        assert run("init", "--empty").exit_code == 0
        assert run("import", str(ledger)).exit_code == 0
        target = tmp_path / "through.html"
        assert run("report", "--through", "2017", "-o", str(target)).exit_code == 0
        page = target.read_text(encoding="utf-8")
        assert "letter of 2017" in page and "palopo in 2017" in page
        for year in ("2021", "2022"):
            assert f"letter of {year}" not in page and f"palopo in {year}" not in page
        assert run("report", "-o", str(target)).exit_code == 0  # the whole ledger has them all
        page = target.read_text(encoding="utf-8")
        assert all(f"letter of {year}" in page for year in ("2017", "2021", "2022"))

    def test_through_on_the_bundled_ledger(self, run: Run, tmp_path: Path) -> None:
        """If the bundled ledger is reported --through 2017, then the 2022 cohort's
        selection letter is not on the page."""
        target = tmp_path / "2017.html"
        assert run("report", "--through", "2017", "-o", str(target)).exit_code == 0
        assert "Surat Ditjen Aptika B-003" not in target.read_text(encoding="utf-8")

    def test_text_is_escaped(self, run: Run, write: Write, tmp_path: Path) -> None:
        """If ledger text holds HTML (a title with <script>), then the page shows it as
        text and runs nothing."""
        ledger = write(
            "odd.yaml",
            "version: 1\ncohorts:\n  - year: 2017\n    declared: 2\n"
            '    title: "<script>alert(1)</script> & co"\n'
            '    sources: ["<img src=x onerror=alert(1)>"]\n'
            "    regions: [Kota Palopo]\n",
        )
        assert run("init", "--empty").exit_code == 0
        assert run("import", str(ledger)).exit_code == 0
        target = tmp_path / "odd.html"
        assert run("report", "-o", str(target)).exit_code == 0
        page = target.read_text(encoding="utf-8")
        assert "<script>" not in page and "<img" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the unfiltered rows of an 8-bit RGB or RGBA PNG (stdlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat = 8, b""
    width = height = channels = 0
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                nearest = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + nearest) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None and not IN_CI,
    reason="chromium is not installed (apt-get install chromium); CI installs it and runs this",
)
class TestReportInChromium:
    """The report as headless Chromium renders it."""

    @pytest.fixture
    def report(self, run: Run, tmp_path: Path) -> Path:
        """The report of the bundled ledger, on disk."""
        assert CHROMIUM is not None, "chromium is required in CI (.ci/run installs it)"
        target = tmp_path / "report.html"
        assert run("report", "-o", str(target)).exit_code == 0
        return target

    def test_rendered_dom_shows_the_totals(self, run: Run, report: Path, tmp_path: Path) -> None:
        """If Chromium renders the page, then the DOM shows the official total (251), the
        identified total, the gap, a row per cohort and the SVG chart."""
        figures = json.loads(run("totals", "--format", "json").stdout)["total"]
        done = _chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile")
        assert done.returncode == 0, done.stderr[-2000:]
        dom = done.stdout
        official = re.search(r'id="total-official"[^>]*>(\d+)<', dom)
        identified = re.search(r'id="total-identified"[^>]*>(\d+)<', dom)
        assert official and official[1] == "251" == str(figures["unique_declared"]), dom[:2000]
        assert identified and identified[1] == str(figures["unique_identified"])
        assert re.search(r'id="total-gap"[^>]*>21<', dom)
        for year in ("2017", "2018", "2019", "2021", "2022", "2023", "2024"):
            assert f'<td class="n">{year}</td>' in dom
        assert '<svg id="cumulative-chart"' in dom and "<rect" in dom

    def test_rendered_dom_in_indonesian(self, run: Run, tmp_path: Path) -> None:
        """If Chromium renders `gmsc --lang id report`, then the page says it is
        Indonesian and its headings and headline words are the Indonesian ones."""
        target = tmp_path / "laporan.html"
        assert run("--lang", "id", "report", "-o", str(target)).exit_code == 0
        done = _chromium("--dump-dom", target.as_uri(), profile=tmp_path / "profile")
        assert done.returncode == 0, done.stderr[-2000:]
        dom = done.stdout
        assert '<html lang="id">' in dom
        headings = re.findall(r"<h2>([^<]*)</h2>", dom)
        for heading in ("Siapa yang ikut, dan sejak kapan", "Angkatan", "Cakupan per provinsi"):
            assert heading in headings, headings
        assert "kabupaten/kota berbeda, angka resmi" in dom
        assert "<h3>Total berjalan</h3>" in dom
        assert "Who took part" not in dom and "Running totals" not in dom

    def test_screenshot_is_not_blank(self, report: Path, tmp_path: Path) -> None:
        """If Chromium takes a 1280x2000 screenshot of the page, then the PNG decodes, and
        it has many colours and a good share of non-background pixels."""
        shot = tmp_path / "report.png"
        done = _chromium(
            f"--screenshot={shot}",
            "--window-size=1280,2000",
            report.as_uri(),
            profile=tmp_path / "profile",
        )
        assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
        width, height, rows = png_pixels(shot.read_bytes())
        assert (width, height) == (1280, 2000)
        channels = len(rows[0]) // width
        pixels = [row[i : i + 3] for row in rows[::4] for i in range(0, len(row), channels * 4)]
        background = max(set(pixels), key=pixels.count)
        inked = sum(1 for p in pixels if p != background) / len(pixels)
        assert len(set(pixels)) > 50, len(set(pixels))
        assert inked > 0.03, inked
