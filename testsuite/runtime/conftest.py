"""Fixtures for the runtime and staprun5 tests.

The modules under as_generated/ are C written the way the translator
generates it (script.c from script.stp, probes.c from probes.stp); they are
built once per session with kbuild against the 6.1 headers, and run by
staprun5 in the shared guest (the `guest` fixture of testsuite/conftest.py).
"""

import pytest

from runtime_helpers import AS_GENERATED, Staprun, build_module


@pytest.fixture(scope="session")
def module_dir(tmp_path_factory):
    # Under /tmp: the guest sees the host's files there at the same path.
    return tmp_path_factory.mktemp("stap5-runtime-modules")


@pytest.fixture(scope="session")
def script_module(kernel_build_dir, module_dir):
    ko, warnings = build_module(AS_GENERATED / "script.c", "stap5_rt_script",
                                module_dir / "script", kernel_build_dir)
    assert warnings == []
    return ko


@pytest.fixture(scope="session")
def probes_module(kernel_build_dir, module_dir):
    ko, warnings = build_module(AS_GENERATED / "probes.c", "stap5_rt_probes",
                                module_dir / "probes", kernel_build_dir)
    assert warnings == []
    return ko


@pytest.fixture(scope="session")
def contended_probes_module(kernel_build_dir, module_dir):
    """probes.c where a lock not free at once means a skipped probe, six
    skipped probes end the session, and so do three errors."""
    ko, warnings = build_module(AS_GENERATED / "probes.c", "stap5_rt_contended",
                                module_dir / "contended", kernel_build_dir,
                                extra_cflags="-DMAXTRYLOCK=0 -DMAXSKIPPED=5 -DMAXERRORS=2")
    assert warnings == []
    return ko


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
