"""Shared pytest fixtures for the whole suite.

guest (session): one QEMU guest (stap5.vm) booted lazily on first use and shared by every
    test of the session. It is a thin proxy for stap5.vm.Guest (run/start/console_text/
    info...) that boots a fresh guest if a test left it dead (a module that panicked the
    kernel, a timeout that killed it), so one crash doesn't fail every later test. Tests
    using it are skipped, with the reason, when QEMU or the cached kernel assets are
    missing (`make setup` runs `stap5-prep --vm`, which provides them).
"""

import os
import shutil
import sys
from pathlib import Path

import pytest

# The project itself must be importable however pytest was started (`pytest`, not only
# `python -m pytest` from the top directory, and without `pip install -e .`).
PROJECT_DIR = str(Path(__file__).resolve().parent.parent)
if PROJECT_DIR not in sys.path:
    sys.path.insert(0, PROJECT_DIR)

from testsuite.guests import SessionGuest, serve  # noqa: E402  (needs the path above)


def _share_debuginfo():
    """Kernel debuginfo for every test: SystemTap 4.8 finds it where stap5
    does (stap5's debug root in the cache), and stap5 runs with a private
    STAP5_CACHE still find it and its DWARF index in the shared cache."""
    from stap5.kernel import cache, debuginfo
    os.environ.setdefault("SYSTEMTAP_DEBUGINFO_PATH", debuginfo.oracle_debuginfo_path())
    os.environ.setdefault("STAP5_DEBUG_ROOTS", cache.debug_root())
    os.environ.setdefault("STAP5_DWARF_INDEX", cache.path("dwarf-index"))


_share_debuginfo()


def pytest_configure(config):
    # Also declared in setup.cfg; repeated so the markers exist however pytest is invoked.
    config.addinivalue_line("markers", "vm: needs the QEMU guest (a real Debian 6.1 kernel)")
    config.addinivalue_line("markers", "oracle: compares with the installed SystemTap 4.8")


def vm_unavailable_reason():
    """Why the guest can't boot here, or None if it can (without downloading anything)."""
    from stap5.vm import qemu
    from stap5.vm.assets import guest_kernel_ready, vm_dir, DEFAULT_KVER
    if shutil.which(qemu.QEMU) is None:
        return f"{qemu.QEMU} is not installed (make setup installs qemu-system-x86)"
    if not guest_kernel_ready(DEFAULT_KVER):
        return f"no guest kernel cached in {vm_dir(DEFAULT_KVER)} (run 'stap5-prep --vm')"
    return None


@pytest.fixture(scope="session")
def vm_assets():
    """Skips the test unless a guest can be booted here; boots nothing itself
    (for tests that boot their own guest, e.g. through `python -m stap5.vm`)."""
    reason = vm_unavailable_reason()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def guest(vm_assets):
    yield from serve(SessionGuest())


@pytest.fixture(scope="session")
def kernel_build_dir():
    """The kbuild tree for the guest's kernel; skips if the headers aren't installed."""
    from stap5.vm.assets import DEFAULT_KVER
    build = f"/lib/modules/{DEFAULT_KVER}/build"
    if not os.path.isfile(os.path.join(build, "Makefile")):
        pytest.skip(f"no kernel headers in {build} (install linux-headers-{DEFAULT_KVER})")
    if shutil.which("make") is None or shutil.which("gcc") is None:
        pytest.skip("make/gcc missing: cannot build kernel modules")
    return build
