"""Fixtures of the reliability tests (issue 12): one 4-CPU guest for the
whole package, the workload program, and after every test the checks that
the guest's kernel logged no oops and that no test module stayed loaded."""

import pytest

from testsuite.guests import serve
from testsuite.reliability import harness


@pytest.fixture(scope="package")
def smp_guest(vm_assets):
    yield from serve(harness.SmpGuest())


@pytest.fixture(scope="package")
def build_dir(tmp_path_factory):
    # Under /tmp: the guest sees the host's files there at the same path.
    return tmp_path_factory.mktemp("reliability")


@pytest.fixture(scope="package")
def relwork(build_dir):
    return harness.compile_workload(build_dir)


@pytest.fixture(autouse=True)
def guest_left_clean(request):
    """After a guest test: nothing in the kernel log that looks like a crash,
    and no module of ours still loaded."""
    if "smp_guest" not in request.fixturenames:
        yield
        return
    guest = request.getfixturevalue("smp_guest")
    mark = guest.console_mark()
    yield
    problems = guest.kernel_problems_since(mark)
    assert problems == [], "the guest's kernel complained:\n" + "\n".join(problems)
    assert guest.loaded_test_modules() == [], "a module was left loaded"


@pytest.fixture(scope="package")
def flood(build_dir):
    """The flood module (harness.FLOOD), shared by the output and teardown
    tests."""
    return harness.module_of(harness.build_all(build_dir, {
        "flood": (harness.FLOOD, harness.FLOOD_OPTIONS)}), "flood")
