"""Fixtures for the runtime and staprun5 tests.

scripts/script.stp and scripts/probes.stp are translated by stap5 (pass 3)
and built once per session with kbuild against the 6.1 headers (no
warnings allowed), and run by staprun5 in the shared guest (the `guest`
fixture of testsuite/conftest.py).
"""

import pytest

from runtime_helpers import Staprun, build_module, kernel_address, translate_script

def _module(name, script, workdir, kdir, replace=None, options=(), cflags=""):
    source = translate_script(script, name, workdir, replace, options=("-g", *options))
    ko, warnings = build_module(source, name, workdir, kdir, extra_cflags=cflags)
    assert warnings == []
    return ko


@pytest.fixture(scope="session")
def module_dir(tmp_path_factory):
    # Under /tmp: the guest sees the host's files there at the same path.
    return tmp_path_factory.mktemp("stap5-runtime-modules")


@pytest.fixture(scope="session")
def script_module(kernel_build_dir, module_dir):
    return _module("stap5_rt_script", "script.stp", module_dir / "script", kernel_build_dir)


def _statement_at(symbol):
    # The guest boots without KASLR: System.map addresses are its addresses.
    return {"STMT_ADDR": "%#x" % kernel_address(symbol)}


@pytest.fixture(scope="session")
def probes_module(kernel_build_dir, module_dir):
    return _module("stap5_rt_probes", "probes.stp", module_dir / "probes", kernel_build_dir,
                   _statement_at("vfs_read"))


@pytest.fixture(scope="session")
def bad_statement_module(kernel_build_dir, module_dir):
    """probes.stp with its statement probe at an address no code is at."""
    return _module("stap5_rt_badstmt", "probes.stp", module_dir / "badstmt",
                   kernel_build_dir, {"STMT_ADDR": "0x1234"})


@pytest.fixture(scope="session")
def contended_probes_module(kernel_build_dir, module_dir):
    """probes.stp where a lock not free at once means a skipped probe, six
    skipped probes end the session, and so do three errors."""
    return _module("stap5_rt_contended", "probes.stp", module_dir / "contended",
                   kernel_build_dir, _statement_at("vfs_read"),
                   options=("-DMAXTRYLOCK=0", "-DMAXSKIPPED=5", "-DMAXERRORS=2"))


@pytest.fixture(scope="session")
def staprun(guest):
    return Staprun(guest)


@pytest.fixture(scope="module")
def smp_staprun(vm_assets):
    """staprun5 in a guest of its own with 2 CPUs (per-CPU buffers merged)."""
    from stap5.vm import Guest, GuestUnavailable
    try:
        guest = Guest.boot(cpus=2, fetch=False)
    except GuestUnavailable as e:
        pytest.skip(str(e))
    try:
        yield Staprun(guest)
    finally:
        guest.close()
