"""A native process's standard output is rotated when it starts again past its limit."""

from pathlib import Path

from phaseout_cli.processes import rotate


def test_a_large_log_is_kept_once_and_a_small_one_left(tmp_path: Path) -> None:
    big, small = tmp_path / "energy.log", tmp_path / "safety.log"
    big.write_bytes(b"x" * 2048)
    small.write_bytes(b"y" * 10)
    rotate(big, limit=1024)
    rotate(small, limit=1024)
    assert not big.exists() and (tmp_path / "energy.log.1").read_bytes() == b"x" * 2048
    assert small.read_bytes() == b"y" * 10 and not (tmp_path / "safety.log.1").exists()
    rotate(tmp_path / "never-written.log", limit=1024)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["energy.log.1", "safety.log"]
