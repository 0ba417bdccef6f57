"""staprun5 pieces that need no guest: wire formats, the merge of the per-CPU
output, the command line and its errors, reading a module's name."""

import io
import os
import struct
import subprocess
import sys
import time

import pytest

from stap5.run import channels, kmod, wire
from stap5.run.staprun import main


def record(seq, payload):
    return wire.RECORD_HEADER.pack(seq, len(payload), wire.RECORD_MAGIC) + payload


def message(mtype, payload):
    return wire.MSG_HEADER.pack(mtype, len(payload)) + payload


def test_records_split_across_reads_are_reassembled():
    stream = record(1, b"hello\n") + record(2, b"") + record(3, b"x" * 100)
    got, rest = wire.split_records(stream[:10])
    assert got == [] and rest == stream[:10]
    got, rest = wire.split_records(stream[:-1])
    assert got == [(1, b"hello\n"), (2, b"")] and rest == stream[-(16 + 100) + 0:-1]
    got, rest = wire.split_records(stream)
    assert [s for s, _ in got] == [1, 2, 3] and rest == b""


def test_a_corrupt_record_is_an_error_not_garbage():
    with pytest.raises(wire.ProtocolError):
        wire.split_records(struct.pack("<QII", 1, 3, 0xdead) + b"abc")


def test_messages_split():
    stream = message(wire.MSG_STDERR, b"WARNING: x\n") + message(wire.MSG_DONE,
                                                                     wire.DONE.pack(1, 2, 0, 0))
    got, rest = wire.split_messages(stream + b"\x01")
    assert got[0] == (wire.MSG_STDERR, b"WARNING: x\n")
    assert wire.DONE.unpack(got[1][1]) == (1, 2, 0, 0)
    assert rest == b"\x01"


class Sink(io.BytesIO):
    pass


def test_output_of_several_cpus_is_put_back_in_order():
    sink = Sink()
    out = channels.OrderedOutput(sink, gap_timeout=60)
    out.add([(2, b"b"), (4, b"d")])         # CPU 1's buffer
    out.flush()
    assert sink.getvalue() == b""           # 1 not seen yet: hold back
    out.add([(1, b"a"), (3, b"c")])         # CPU 0's buffer
    out.flush()
    assert sink.getvalue() == b"abcd"


def test_a_record_lost_for_good_does_not_block_the_rest():
    sink = Sink()
    out = channels.OrderedOutput(sink, gap_timeout=0.2)
    out.add([(1, b"a"), (3, b"c")])
    out.flush()
    assert sink.getvalue() == b"a"          # record 2 may still be on its way
    time.sleep(0.3)
    out.flush()
    assert sink.getvalue() == b"ac"         # ... not any more


def test_final_flush_writes_everything_in_order():
    sink = Sink()
    out = channels.OrderedOutput(sink, gap_timeout=60)
    out.add([(5, b"e"), (2, b"b"), (7, b"g")])
    out.flush(final=True)
    assert sink.getvalue() == b"beg"


def run_main(capsys, *argv):
    rc = main(list(argv))
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def test_usage_errors(capsys):
    for argv, text in [
        ([], "ERROR: no module given"),
        (["-c", "ls", "-x", "1", "m.ko"], "ERROR: -c and -x cannot be used together"),
        (["-b", "0", "m.ko"], "ERROR: invalid buffer size 0"),
        (["-T", "-3", "m.ko"], "ERROR: invalid timeout"),
        (["m.ko", "novalue"], "ERROR: invalid module parameter 'novalue'"),
    ]:
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 1
        err = capsys.readouterr().err
        assert err.startswith(text), (argv, err)


def test_flight_recorder_and_rotation_option_errors(capsys):
    # staprun's own words where it has them.
    for argv, text in [
        (["-S", "1,3", "m.ko"], "ERROR: You have to specify output FILE with '-S' option.\n"),
        (["-D", "m.ko"], "ERROR: You have to specify output FILE with '-D' option.\n"),
        (["-A", "-c", "ls", "m"],
         "ERROR: You can't specify the '-A' and '-c' options together.  The '-c cmd'\n"
         "option used to start a command only has an effect when the module\n"
         "is inserted.\n"),
        (["-S", "1,x", "-o", "f", "m.ko"],
         "ERROR: invalid -S argument '1,x' (SIZE[,N] expected)\n"),
        (["-A", "-L", "m.ko"], "ERROR: -A and -L cannot be used together\n"),
        (["-L", "-c", "ls", "m.ko"], "ERROR: You can't specify the '-L' and '-c' options"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        _, err = capsys.readouterr()
        assert exit_info.value.code == 1
        assert err.startswith(text), (argv, err)
        assert "staprun5 [-v]" in err      # the usage follows


def test_missing_module(capsys, tmp_path):
    rc, out, err = run_main(capsys, str(tmp_path / "nope.ko"))
    assert rc == 1 and out == ""
    assert err == f"ERROR: Couldn't open '{tmp_path / 'nope.ko'}'\n"


def test_normal_users_are_told_what_they_need(capsys, tmp_path, monkeypatch):
    ko = tmp_path / "m.ko"
    ko.write_bytes(b"")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    rc, _, err = run_main(capsys, str(ko))
    assert rc == 1
    assert err.startswith("ERROR: You are trying to run systemtap as a normal user.\n")


def test_a_file_that_is_not_a_module(capsys, tmp_path):
    ko = tmp_path / "m.ko"
    ko.write_text("hello")
    rc, _, err = run_main(capsys, str(ko))
    assert rc == 1
    assert err == f"ERROR: '{ko}' is not a kernel module: not a 64-bit little-endian ELF file\n"


def test_unwritable_output_file(capsys, script_module, tmp_path):
    rc, _, err = run_main(capsys, "-o", str(tmp_path / "no" / "such" / "dir"), str(script_module))
    assert rc == 1
    assert err.startswith(f"ERROR: Couldn't open output file {tmp_path}/no/such/dir: ")


def test_version_and_help(capsys):
    rc, out, _ = run_main(capsys, "-V")
    assert rc == 0 and out.startswith("Systemtap module loader/runner (stap5 ")
    rc, out, _ = run_main(capsys, "-h")
    assert rc == 0 and "-c CMD" in out and "-o FILE" in out


def test_module_name_comes_from_modinfo(script_module, tmp_path):
    renamed = tmp_path / "other-name.ko"
    renamed.write_bytes(script_module.read_bytes())
    assert kmod.module_name(str(renamed)) == "stap5_rt_script"


def test_entry_point_runs_as_a_module():
    r = subprocess.run([sys.executable, "-m", "stap5.run.staprun", "-V"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("Systemtap module loader/runner")
