"""Fixtures for the runtime and staprun5 tests.

The modules are stap5's own, built from scripts/script.stp and
scripts/probes.stp by stap5 -p4 (generated code, not C written for the
tests), once per session, and run by staprun5 in the shared guest (the
`guest` fixture of testsuite/conftest.py).
"""

import pytest

from runtime_helpers import Staprun, build_script, vfs_read_address


@pytest.fixture(scope="session")
def module_dir(tmp_path_factory):
    # Under /tmp: the guest sees the host's files there at the same path.
    return tmp_path_factory.mktemp("stap5-runtime-modules")


@pytest.fixture(scope="session")
def script_module(kernel_build_dir, module_dir):
    return build_script("script.stp", "stap5_rt_script", module_dir / "script")


@pytest.fixture(scope="session")
def stmt_address():
    """Where probes.stp's kprobe.statement(...).absolute probe goes."""
    return "%#x" % vfs_read_address()


@pytest.fixture(scope="session")
def probes_module(kernel_build_dir, module_dir, stmt_address):
    return build_script("probes.stp", "stap5_rt_probes", module_dir / "probes",
                        args=[stmt_address])


@pytest.fixture(scope="session")
def contended_probes_module(kernel_build_dir, module_dir, stmt_address):
    """probes.stp where a lock not free at once means a skipped probe, six
    skipped probes end the session, and so do three errors."""
    return build_script("probes.stp", "stap5_rt_contended", module_dir / "contended",
                        options=["-DMAXTRYLOCK=0", "-DMAXSKIPPED=5", "-DMAXERRORS=2"],
                        args=[stmt_address])


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
