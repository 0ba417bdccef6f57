"""staprun5's -o FILE with -S SIZE[,N] and SIGUSR2 (stap5/run/rotation.py), on the
host: which files, what in each, which are removed."""

import pytest

from stap5.run.channels import OrderedOutput
from stap5.run.rotation import OutputFile, RotationError, parse_size_spec

MB = 1 << 20


def test_size_spec():
    assert parse_size_spec("1") == (MB, None)
    assert parse_size_spec("2,3") == (2 * MB, 3)
    assert parse_size_spec("0") == (None, None)         # staprun: no rotation
    assert parse_size_spec("1,0") == (MB, None)
    for bad in ("", "x", "1,", ",2", "1,2,3", "-1", "1.5"):
        with pytest.raises(RotationError):
            parse_size_spec(bad)


def records(n, size, tag=b"r"):
    return [tag + b"%06d" % i + b"." * (size - len(tag) - 7) + b"\n" for i in range(n)]


def test_files_rotate_at_size_and_only_the_last_n_are_kept(tmp_path):
    base = tmp_path / "out"
    out = OutputFile(str(base), 10_000, 3)
    sink = OrderedOutput(out)
    data = records(100, 1000)
    sink.add(list(enumerate(data, start=1)))
    sink.flush(final=True)
    out.close()
    # 10 records of 1000 bytes per file: out.0 ... out.9, the last 3 kept.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.7", "out.8", "out.9"]
    for i in (7, 8, 9):
        assert (tmp_path / f"out.{i}").read_bytes() == b"".join(data[i * 10:(i + 1) * 10])


def test_a_record_is_never_split_and_a_big_one_gets_a_file_of_its_own(tmp_path):
    out = OutputFile(str(tmp_path / "o"), 2500, None)
    for chunk in (b"a" * 1000, b"b" * 1000, b"c" * 1000, b"d" * 6000, b"e" * 10):
        out.write(chunk)
    out.close()
    assert (tmp_path / "o.0").read_bytes() == b"a" * 1000 + b"b" * 1000
    assert (tmp_path / "o.1").read_bytes() == b"c" * 1000
    assert (tmp_path / "o.2").read_bytes() == b"d" * 6000
    assert (tmp_path / "o.3").read_bytes() == b"e" * 10


def test_without_size_the_file_is_file_and_a_switch_goes_to_file_1(tmp_path):
    out = OutputFile(str(tmp_path / "log"))
    out.write(b"first\n")
    out.switch()
    out.write(b"second\n")
    out.switch()
    out.switch()            # two signals before a write: one switch
    out.write(b"third\n")
    out.close()
    assert (tmp_path / "log").read_bytes() == b"first\n"
    assert (tmp_path / "log.1").read_bytes() == b"second\n"
    assert (tmp_path / "log.2").read_bytes() == b"third\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log", "log.1", "log.2"]


def test_strftime_in_the_name(tmp_path):
    out = OutputFile(str(tmp_path / "t-%Y"), MB, 2)
    out.write(b"x")
    out.close()
    [only] = tmp_path.iterdir()
    assert only.name.startswith("t-20") and only.name.endswith(".0")


def test_an_unwritable_file_is_a_clear_error(tmp_path):
    with pytest.raises(RotationError, match="Couldn't open output file .*/no/such/dir/f.0"):
        OutputFile(str(tmp_path / "no/such/dir/f"), MB, None)
