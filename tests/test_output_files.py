"""`-o FILE`: what a result is written into, and what happens when that cannot be done."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import Result

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False

Run = Callable[..., Result]


@pytest.fixture
def devices() -> Iterator[None]:
    """Put /dev/full and /dev/stdout back if the test replaced them (as a gmsc that
    renames over its -o target does): a failing test must not break the machine."""
    yield
    if not ROOT:
        return
    full = Path("/dev/full")
    if full.exists() and not stat.S_ISCHR(full.lstat().st_mode):
        full.unlink()
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        full.chmod(0o666)
    out = Path("/dev/stdout")
    if not out.is_symlink():
        out.unlink(missing_ok=True)
        out.symlink_to("/proc/self/fd/1")


class TestRegularFiles:
    def test_a_new_file_is_written(self, run: Run, tmp_path: Path) -> None:
        """If -o names a new file, then the result is written there and 'wrote' is said."""
        out = tmp_path / "totals.csv"
        result = run("totals", "-o", str(out))
        assert result.exit_code == 0, result
        assert out.read_text().startswith("year,declared,"), result
        assert f"wrote {out}" in result.stderr

    def test_mode_600_is_kept(self, run: Run, tmp_path: Path) -> None:
        """If the file exists with mode 600, then it is replaced with the same mode."""
        out = tmp_path / "private.json"
        out.write_text("old\n")
        out.chmod(0o600)
        result = run("repeats", "-o", str(out))
        assert result.exit_code == 0, result
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert out.read_text().startswith("[")

    def test_a_hard_link_stays_linked(self, run: Run, tmp_path: Path) -> None:
        """If the file has a second hard link, then both names see the result (it is
        written in place, not replaced by a new file)."""
        out = tmp_path / "a.csv"
        out.write_text("old\n")
        other = tmp_path / "b.csv"
        os.link(out, other)
        result = run("repeats", "-o", str(out))
        assert result.exit_code == 0, result
        assert out.stat().st_ino == other.stat().st_ino
        assert other.read_text().startswith("code,name,")

    def test_no_temporary_file_is_left(self, run: Run, tmp_path: Path) -> None:
        """If a result is written, then the directory holds only the file itself."""
        out = tmp_path / "out" / "totals.md"
        out.parent.mkdir()
        assert run("totals", "-o", str(out)).exit_code == 0
        assert [p.name for p in out.parent.iterdir()] == ["totals.md"]


class TestThroughToTheTarget:
    def test_a_symlink_is_followed(self, run: Run, tmp_path: Path) -> None:
        """If -o names a symlink, then its target is written and the link stays a link."""
        target = tmp_path / "target.csv"
        target.write_text("old\n")
        link = tmp_path / "link.csv"
        link.symlink_to(target)
        result = run("totals", "-o", str(link))
        assert result.exit_code == 0, result
        assert link.is_symlink()
        assert target.read_text().startswith("year,declared,")

    def test_a_fifo_is_written_into(self, run: Run, tmp_path: Path) -> None:
        """If -o names a FIFO, then a reader of it gets the result and it stays a FIFO."""
        fifo = tmp_path / "pipe.csv"
        os.mkfifo(fifo)
        received: list[bytes] = []
        reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
        reader.start()
        result = run("repeats", "-o", str(fifo))
        reader.join(timeout=10)
        assert result.exit_code == 0, result
        assert stat.S_ISFIFO(fifo.lstat().st_mode)
        assert received and received[0].startswith(b"code,name,")

    @pytest.mark.skipif(
        not ROOT
        or not os.path.exists("/dev/full")
        or not stat.S_ISCHR(os.stat("/dev/full").st_mode),
        reason="needs root and the device /dev/full",
    )
    def test_dev_full_is_a_full_disk(self, run: Run, devices: None) -> None:
        """If -o is /dev/full, then the command fails with exit 3 saying the disk is full,
        and /dev/full stays a device."""
        result = run("totals", "-o", "/dev/full")
        assert result.exit_code == 3, result
        assert "cannot write /dev/full: the disk is full" in result.stderr
        assert "wrote" not in result.stderr
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)

    def test_dev_stdout_in_a_subprocess(self, tmp_path: Path, devices: None) -> None:
        """If -o is /dev/stdout, then the result reaches the process's standard output and
        /dev/stdout is not replaced."""
        gmsc = Path(sys.executable).with_name("gmsc")
        done = subprocess.run(
            [str(gmsc), "repeats", "-o", "/dev/stdout", "--format", "csv"],
            capture_output=True,
            text=True,
            env={**os.environ, "GMSC_DB": str(tmp_path / "s.db")},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("code,name,")
        assert os.path.islink("/dev/stdout") or stat.S_ISCHR(os.stat("/dev/stdout").st_mode)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, mounted for the test (root only), filled up to the last byte but
    for one file already written there."""
    if not ROOT:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(directory: Path) -> None:
    """Write a file into `directory` until its disk is full."""
    descriptor = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"x" * 512)
    except OSError:
        pass
    finally:
        os.close(descriptor)


class TestFullDisk:
    def test_a_full_disk_fails_and_keeps_the_file(self, run: Run, small_disk: Path) -> None:
        """If the disk fills while the result is written, then the command exits 3 saying
        the disk is full, and the file it would have replaced is as it was."""
        out = small_disk / "totals.csv"
        out.write_text("the old result\n")
        _fill(small_disk)
        result = run("totals", "-o", str(out))
        assert result.exit_code == 3, result
        assert f"cannot write {out}: the disk is full" in result.stderr
        assert "the file is as it was" in result.stderr
        assert out.read_text() == "the old result\n"
        assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "totals.csv"]


class TestNames:
    def test_dash_is_stdout(
        self, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If -o is '-', then the result goes to stdout and no file '-' is made."""
        monkeypatch.chdir(tmp_path)
        result = run("repeats", "-o", "-", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stdout.startswith("code,name,")
        assert not (tmp_path / "-").exists()

    def test_an_empty_name_is_a_usage_error(self, run: Run) -> None:
        """If -o is empty, then it is a usage error (exit 2), not an internal one."""
        result = run("totals", "-o", "")
        assert result.exit_code == 2, result
        assert "the file name is empty" in result.stderr

    @pytest.mark.parametrize("name", ["totals.ods", "totals.html", "totals.tsv"])
    def test_an_extension_gmsc_cannot_write_is_refused(
        self, run: Run, tmp_path: Path, name: str
    ) -> None:
        """If -o ends in an extension of a format tables are not written in, then it is a
        usage error (exit 2) and no file is written."""
        out = tmp_path / name
        result = run("totals", "-o", str(out))
        assert result.exit_code == 2, result
        assert f"cannot write a table as {out.suffix}" in result.stderr
        assert not out.exists()

    def test_an_explicit_format_wins_over_the_extension(self, run: Run, tmp_path: Path) -> None:
        """If --format is given, then any -o name is written in it."""
        out = tmp_path / "totals.tsv"
        assert run("totals", "--format", "csv", "-o", str(out)).exit_code == 0
        assert out.read_text().startswith("year,")

    def test_a_directory_is_an_environment_failure(self, run: Run, tmp_path: Path) -> None:
        """If -o names a directory, then the command exits 3 naming it."""
        result = run("repeats", "-o", str(tmp_path))
        assert result.exit_code == 3, result
        assert f"cannot write {tmp_path}" in result.stderr
