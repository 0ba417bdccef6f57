"""stap5's .deb (debian/) and .rpm (packaging/stap5.spec), built from a copy of
this tree as a packager would, their contents and dependencies checked; the
.deb installed on this machine and its stap5 taking a script through pass 4.

The install is the real thing when this test may do it (root, and no stap5
package already installed that it would replace): dpkg -i, checks, dpkg
--purge, under a lock so that two runs of the suite do not meet. Otherwise the
package is unpacked with dpkg -x and run from there (its commands find their
files relative to themselves). Either way the developer's own stap5 (the
editable install of the source tree) is left as it was: the package's
commands are /usr/bin/stap5..., its files in /usr/share/stap5, nothing on
Python's path.
"""

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

import stap5
from stap5.vm.assets import DEFAULT_KVER

PROJECT = Path(__file__).resolve().parents[2]
VERSION = stap5.__version__
INSTALL_LOCK = "/tmp/stap5-package-test.lock"

EXPECTED_FILES = [
    "usr/bin/stap5", "usr/bin/staprun5", "usr/bin/stap5-prep",
    "usr/share/stap5/stap5/cli.py", "usr/share/stap5/stap5/run/staprun.py",
    "usr/share/stap5/stap5/prep/cli.py", "usr/share/stap5/stap5/remote/hosts.py",
    "usr/share/stap5/tapsets/string.stp", "usr/share/stap5/tapsets/linux/context.stp",
    "usr/share/stap5/runtime/runtime.h", "usr/share/stap5/runtime/transport/relay.c",
    "usr/share/stap5/runtime/features/proc_ops.c", "usr/share/stap5/templates/module.c.j2",
]
MAN_PAGES = ["man1/stap5.1", "man1/stap5-prep.1", "man8/staprun5.8",
             "man3/stap5funcs.3stap", "man3/stap5probes.3stap"]
REQUIREMENTS = ["python3-ply", "python3-jinja2", "python3-pyelftools", "gcc", "make"]


def need(*tools):
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (make setup installs them)")


def source_files():
    """The tree's files, as a source package would hold them (no caches, no tests)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"],
                                cwd=PROJECT, capture_output=True, text=True, check=True)
        files = listed.stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        files = [str(p.relative_to(PROJECT)) for p in PROJECT.rglob("*") if p.is_file()]
    return [f for f in files if not f.startswith(("testsuite/", ".git/", "build/"))
            and "__pycache__" not in f and not f.endswith((".pyc", ".ko"))
            and (PROJECT / f).is_file()]


def copy_tree(dest):
    for f in source_files():
        target = dest / f
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / f, target)
    return dest


def run(argv, **kwargs):
    kwargs.setdefault("timeout", 900)
    proc = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, f"{' '.join(map(str, argv))}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    need("dpkg-buildpackage", "dh", "dpkg-deb")
    work = tmp_path_factory.mktemp("deb")
    tree = copy_tree(work / f"stap5-{VERSION}")
    run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=tree, env=clean_env())
    [package] = work.glob("stap5_*_all.deb")
    return package


@pytest.fixture(scope="module")
def rpm(tmp_path_factory):
    need("rpmbuild", "rpm")
    work = tmp_path_factory.mktemp("rpm")
    tree = copy_tree(work / "src" / f"stap5-{VERSION}")
    top = work / "rpmbuild"
    (top / "SOURCES").mkdir(parents=True)
    with tarfile.open(top / "SOURCES" / f"stap5-{VERSION}.tar.gz", "w:gz") as tar:
        tar.add(tree, arcname=f"stap5-{VERSION}")
    # --nodeps: rpm's database knows none of this (Debian) machine's packages.
    run(["rpmbuild", "-bb", "--nodeps", "--define", f"_topdir {top}",
         str(tree / "packaging" / "stap5.spec")], env=clean_env())
    [package] = (top / "RPMS" / "noarch").glob("stap5-*.noarch.rpm")
    return package


def test_versions_agree():
    changelog = (PROJECT / "debian" / "changelog").read_text().split("\n", 1)[0]
    assert changelog.startswith(f"stap5 ({VERSION})")
    spec = (PROJECT / "packaging" / "stap5.spec").read_text()
    assert re.search(rf"^Version:\s+{re.escape(VERSION)}$", spec, re.M)


def test_deb_contents_and_dependencies(deb):
    listing = run(["dpkg-deb", "-c", str(deb)]).stdout
    names = {line.split()[-1].lstrip(".").lstrip("/") for line in listing.splitlines()}
    for f in EXPECTED_FILES:
        assert f in names, f
    for page in MAN_PAGES:
        assert f"usr/share/man/{page}.gz" in names, page
    assert not any("__pycache__" in n or n.startswith("usr/share/stap5/testsuite")
                   for n in names)
    assert not any(n.startswith("usr/lib/python3") for n in names)   # nothing on the path
    depends = run(["dpkg-deb", "-f", str(deb), "Depends"]).stdout
    assert set(REQUIREMENTS) <= {d.strip().split()[0] for d in depends.split(",")}
    assert run(["dpkg-deb", "-f", str(deb), "Version"]).stdout.strip() == VERSION


def test_rpm_contents_and_dependencies(rpm):
    names = {n.lstrip("/") for n in run(["rpm", "-qlp", str(rpm)]).stdout.split()}
    for f in EXPECTED_FILES:
        assert f in names, f
    for page in MAN_PAGES:
        assert any(n.startswith(f"usr/share/man/{page}") for n in names), page
    requires = {r.split()[0] for r in run(["rpm", "-qp", "--requires", str(rpm)]).stdout
                .splitlines()}
    assert set(REQUIREMENTS + ["kernel-devel", "python3"]) <= requires
    assert run(["rpm", "-qp", "--qf", "%{VERSION}", str(rpm)]).stdout == VERSION


@contextlib.contextmanager
def installed(deb, tmp_path):
    """The package's root: "/" after a real install (undone afterwards), or
    where dpkg -x unpacked it."""
    already = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", "stap5"],
                             capture_output=True, text=True).stdout
    if os.geteuid() != 0 or "installed" in already.split():
        root = tmp_path / "unpacked"
        run(["dpkg", "-x", str(deb), str(root)])
        yield root
        return
    with open(INSTALL_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run(["dpkg", "-i", str(deb)], capture_output=True, text=True,
                              timeout=600, env=clean_env(DEBIAN_FRONTEND="noninteractive"))
        try:
            assert proc.returncode == 0, f"dpkg -i failed (make setup installs the " \
                                         f"dependencies):\n{proc.stdout}\n{proc.stderr}"
            yield Path("/")
        finally:
            subprocess.run(["dpkg", "--purge", "stap5"], capture_output=True, timeout=600)
            assert not Path("/usr/share/stap5").exists(), "dpkg --purge left files"


@pytest.mark.skipif(not os.path.isfile(f"/lib/modules/{DEFAULT_KVER}/build/Makefile"),
                    reason=f"no kernel headers for {DEFAULT_KVER}")
def test_the_installed_stap5_builds_a_module(deb, tmp_path):
    need("dpkg", "gcc", "make")
    work = tmp_path / "work"
    work.mkdir()
    with installed(deb, tmp_path) as root:
        bindir = root / "usr" / "bin"
        share = root / "usr" / "share" / "stap5"
        env = clean_env(STAP5_CACHE=str(tmp_path / "cache"))
        # Its own files, not the source tree's.
        help_text = run([bindir / "stap5", "--help"], env=env).stdout
        assert f"{share}/tapsets" in help_text and f"{share}/runtime" in help_text
        assert str(PROJECT) not in help_text
        r = run([bindir / "stap5", "-v", "-r", DEFAULT_KVER, "-p4", "-m", "pkgtest", "-e",
                 'probe begin { println(strlen("packaged")); exit() }'], cwd=work, env=env)
        assert r.stdout == "pkgtest.ko\n"
        assert "Pass 4: compiled C into \"pkgtest.ko\"" in r.stderr
        vermagic = run(["modinfo", "-F", "vermagic", work / "pkgtest.ko"]).stdout \
            if shutil.which("modinfo") else DEFAULT_KVER
        assert vermagic.startswith(DEFAULT_KVER)
        r = run([bindir / "staprun5", "-V"], env=env)
        assert VERSION in r.stdout
        prep = subprocess.run([bindir / "stap5-prep", "-r", DEFAULT_KVER], env=env,
                              capture_output=True, text=True, timeout=120)
        assert "kernel headers           ok" in prep.stdout and "Traceback" not in prep.stderr
        if root == Path("/") and shutil.which("man"):
            assert run(["man", "-w", "stap5"]).stdout.strip() == \
                "/usr/share/man/man1/stap5.1.gz"
            assert run(["man", "-w", "3stap", "stap5funcs"]).stdout.strip() == \
                "/usr/share/man/man3/stap5funcs.3stap.gz"
