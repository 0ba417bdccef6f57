"""The runtime on the host: kernel feature probes, and compiling generated
modules against the 6.1 headers without a warning, with stap's -D limits."""

import pytest

from stap5.build import features

from runtime_helpers import build_script


def test_feature_header_for_the_6_1_tree(kernel_build_dir, tmp_path):
    header = features.feature_header(kernel_build_dir, cache=tmp_path)
    text = header.read_text()
    # What Debian's 6.1 really has (timer_delete_sync and get_random_u32_below
    # are stable backports: a version check would have got them wrong).
    for name in ("PROC_OPS", "PDE_DATA_LOWER", "GET_KRETPROBE", "TIMER_DELETE_SYNC",
                 "GET_RANDOM_U32_BELOW"):
        assert f"#define STAPCONF_{name} 1\n" in text
    for name in ("HRTIMER_SETUP", "TIMER_CONTAINER_OF"):
        assert f"/* #undef STAPCONF_{name} */\n" in text
    # Cached: the same file, not recomputed.
    mtime = header.stat().st_mtime_ns
    assert features.feature_header(kernel_build_dir, cache=tmp_path) == header
    assert header.stat().st_mtime_ns == mtime


def test_every_feature_test_is_in_the_header(kernel_build_dir, tmp_path):
    text = features.feature_header(kernel_build_dir, cache=tmp_path).read_text()
    for src in features.FEATURES_DIR.glob("*.c"):
        assert features.feature_name(src) in text


def test_missing_kernel_tree_is_a_clear_error(tmp_path):
    with pytest.raises(features.FeatureError, match="not found"):
        features.feature_header(tmp_path / "no-such-tree", cache=tmp_path)


def test_features_command_line(kernel_build_dir, capsys):
    assert features.main(["--kdir", str(kernel_build_dir)]) == 0
    assert capsys.readouterr().out.strip().endswith("stapconf.h")
    assert features.main(["--kdir", "/nonexistent"]) == 1
    assert capsys.readouterr().err.startswith("ERROR: kernel build tree /nonexistent not found")


def test_modules_build_without_warnings_with_other_limits(kernel_build_dir, tmp_path):
    options = ["-DMAXSTRINGLEN=128", "-DMAXMAPENTRIES=10", "-DMAXACTION=50", "-DMAXNESTING=8",
               "-DMAXERRORS=5", "-DMAXSKIPPED=1000", "-DSTP_BUFFER_SIZE=4096",
               "-DMAXTRYLOCK=1", "-DTRYLOCKDELAY=1", "-DSTP_BUFFER_MB=2"]
    ko = build_script("script.stp", "stap5_rt_limits", tmp_path, options=options)
    assert ko.exists()
