"""`gmsc report` on a laptop screen and on A4 paper, and its sources as links."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result
from test_ecosystem_pictures import CHROMIUM, IN_CI, _chromium

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

#: A4 less the print stylesheet's 12 mm side margins.
PRINTABLE = "186mm"
MEASURE = """<pre id="measure"></pre><script>
const page = document.documentElement;
const found = {
  width: page.getBoundingClientRect().width,
  scroll: page.scrollWidth,
  tables: [...document.querySelectorAll("table")].map(
    (t) => [t.parentElement.id, t.getBoundingClientRect().right]),
  boxes: [...document.querySelectorAll(".wide")].map((w) => w.scrollWidth - w.clientWidth),
};
document.getElementById("measure").textContent = JSON.stringify(found);
</script>"""


def _sources_ledger(write: Write) -> Path:
    return write(
        "sources.yaml",
        "version: 1\ncohorts:\n  - year: 2017\n    declared: 2\n"
        '    sources: ["javascript:alert(1)", "<script>alert(2)</script>",'
        ' "Letter of 3 Jan; https://example.org/a?b=1&c=2"]\n'
        "    regions:\n"
        '      - {name: Kota Palopo, sources: ["https://example.org/palopo"]}\n'
        '      - {name: Kabupaten Luwu Utara, sources: ["JavaScript:alert(3)"]}\n',
    )


class TestSourcesAsLinks:
    """Every source that is (or holds) an http(s) URL is a link; nothing else is."""

    @pytest.fixture
    def page(self, run: Run, write: Write, tmp_path: Path) -> str:
        assert run("init", "--empty").exit_code == 0
        assert run("import", str(_sources_ledger(write))).exit_code == 0
        target = tmp_path / "report.html"
        assert run("report", "-o", str(target)).exit_code == 0
        return target.read_text(encoding="utf-8")

    def test_urls_are_links(self, page: str) -> None:
        """A URL source, and a URL inside a source's text, are links."""
        assert '<a href="https://example.org/palopo">https://example.org/palopo</a>' in page
        assert (
            'Letter of 3 Jan; <a href="https://example.org/a?b=1&amp;c=2">'
            "https://example.org/a?b=1&amp;c=2</a>" in page
        )

    def test_script_urls_are_text(self, page: str) -> None:
        """A javascript: source (in any case) is escaped text, never a link, and a source
        with <script> is shown as text; the page has no script at all."""
        hrefs = re.findall(r'href="([^"]*)"', page)
        assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
        assert "<li>javascript:alert(1)</li>" in page
        assert "Kabupaten Luwu Utara, 2017: JavaScript:alert(3)</li>" in page
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
        assert "<script" not in page.lower()

    def test_self_contained(self, page: str) -> None:
        """Nothing is fetched: no src= at all, and every http reference is a source's or
        the map credit's <a href>."""
        assert re.findall(r"\ssrc\s*=", page) == []
        references = re.findall(r'<(\w+)[^>]*\s(?:href|xlink:href)="(http[^"]*)"', page)
        assert references and {tag for tag, _ in references} == {"a"}
        assert "@import" not in page and "url(" not in page


class TestPrintStylesheet:
    """The print rules, read as text."""

    def test_rules(self, run: Run, tmp_path: Path) -> None:
        """A4 pages, smaller table text, rows never split, a page break between sections."""
        target = tmp_path / "report.html"
        assert run("report", "-o", str(target)).exit_code == 0
        page = target.read_text(encoding="utf-8")
        rules = page[page.index("@media print{") :]
        assert "@page{size:A4" in rules
        assert re.search(r"table\{font-size:[\d.]+pt", rules)
        assert re.search(r"tr,[^{]*\{break-inside:avoid", rules)
        assert "section.part+section.part{break-before:page}" in rules
        assert page.count('<section class="part"') == 6


def _measure(page: Path, tmp_path: Path, *, window: str, css: str = "", name: str) -> dict:
    """The measurements of MEASURE on `page` (with extra `css`) at `window`."""
    text = page.read_text(encoding="utf-8")
    if css:
        text = text.replace("</style>", css + "</style>")
    probe = tmp_path / f"{name}.html"
    probe.write_text(text.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    done = _chromium(
        "--dump-dom",
        "--virtual-time-budget=3000",
        f"--window-size={window}",
        probe.as_uri(),
        profile=tmp_path / f"profile-{name}",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="measure">(.*?)</pre>', done.stdout, re.S)
    assert found and found[1], done.stdout[-2000:]
    result: dict = json.loads(html.unescape(found[1]))
    return result


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None and not IN_CI,
    reason="chromium is not installed (apt-get install chromium); CI installs it and runs this",
)
class TestLayoutInChromium:
    """The bundled ledger's report as headless Chromium lays it out."""

    @pytest.fixture
    def report(self, run: Run, tmp_path: Path) -> Path:
        assert CHROMIUM is not None, "chromium is required in CI (.ci/run installs it)"
        target = tmp_path / "report.html"
        assert run("report", "-o", str(target)).exit_code == 0
        return target

    def test_fits_a_1280_px_window(self, report: Path, tmp_path: Path) -> None:
        """At 1280x900 the page does not scroll sideways, and no table scrolls in its box or
        runs past the window."""
        found = _measure(report, tmp_path, window="1280,900", name="screen")
        assert found["scroll"] <= 1280, found
        assert all(right <= 1280 for _, right in found["tables"]), found
        assert all(extra <= 0 for extra in found["boxes"]), found

    def test_tables_fit_the_printed_width(self, report: Path, tmp_path: Path) -> None:
        """With the print rules applied on screen at the printable width of A4 (186 mm),
        every table's right edge is within that width: none is cut at the right edge."""
        text = report.read_text(encoding="utf-8")
        as_print = tmp_path / "as-print.html"
        as_print.write_text(text.replace("@media print{", "@media all{"), encoding="utf-8")
        found = _measure(
            as_print, tmp_path, window="1280,900", css=f"html{{width:{PRINTABLE}}}", name="print"
        )
        width = found["width"]
        assert 690 < width < 710, found
        assert all(right <= width + 0.5 for _, right in found["tables"]), found

    def test_prints_to_a_pdf(self, report: Path, tmp_path: Path) -> None:
        """--print-to-pdf makes a PDF of several A4 pages (a section a page or more)."""
        pdf = tmp_path / "report.pdf"
        done = _chromium(
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            report.as_uri(),
            profile=tmp_path / "profile",
        )
        assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-")
        pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
        assert pages >= 6, pages
        boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
        assert boxes and all(
            abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in boxes
        ), boxes[:3]
