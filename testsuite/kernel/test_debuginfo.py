"""Where stap5 finds a kernel's and a module's DWARF: distribution layouts
(RHEL-like, Debian, build-id links), and debuginfod on a local server."""

import http.server
import os
import shutil
import threading

import pytest

from stap5.kernel import debuginfo
from stap5.kernel.target import KernelTarget

RELEASE = "9.9.9-test"


@pytest.fixture
def roots(tmp_path, monkeypatch):
    """An empty world: a private cache, one debug root, no debuginfod."""
    monkeypatch.setenv("STAP5_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("STAP5_DEBUG_ROOTS", str(tmp_path / "debug"))
    monkeypatch.delenv("DEBUGINFOD_URLS", raising=False)
    monkeypatch.setenv("DEBUGINFOD_CACHE_PATH", str(tmp_path / "debuginfod"))
    return tmp_path


def place(source, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    shutil.copyfile(source, path)
    return str(path)


def test_nothing_installed(roots):
    target = KernelTarget(RELEASE, build_tree=str(roots / "build"))
    assert debuginfo.kernel_debuginfo(target) is None
    assert debuginfo.module_debuginfo(target, "ext4") is None


def test_rhel_layout(roots, dwarf_program):
    path = place(dwarf_program, roots / "debug/lib/modules" / RELEASE / "vmlinux")
    module = place(dwarf_program, roots / "debug/lib/modules" / RELEASE /
                   "kernel/fs/ext4/ext4.ko.debug")
    target = KernelTarget(RELEASE, build_tree=str(roots / "build"))
    assert debuginfo.kernel_debuginfo(target) == path
    assert debuginfo.module_debuginfo(target, "ext4") == module


def test_debian_layout(roots, dwarf_program):
    path = place(dwarf_program, roots / "debug/boot" / ("vmlinux-" + RELEASE))
    module = place(dwarf_program, roots / "debug/lib/modules" / RELEASE /
                   "kernel/drivers/block/null_blk/null_blk.ko")
    target = KernelTarget(RELEASE, build_tree=str(roots / "build"))
    assert debuginfo.kernel_debuginfo(target) == path
    # `-` and `_` are the same in module names
    assert debuginfo.module_debuginfo(target, "null-blk") == module


def test_stripped_files_do_not_count(roots, stripped_program, dwarf_program):
    place(stripped_program, roots / "debug/lib/modules" / RELEASE / "vmlinux")
    target = KernelTarget(RELEASE, build_tree=str(roots / "build"))
    assert debuginfo.kernel_debuginfo(target) is None
    # an unstripped vmlinux in the build tree (kernel-devel style) does
    path = place(dwarf_program, roots / "build" / "vmlinux")
    assert debuginfo.kernel_debuginfo(target) == path


def test_build_id_link(roots, stripped_program, dwarf_program, monkeypatch):
    """The kernel is known by its build-id (here the guest's uncompressed
    kernel in the cache) and its DWARF sits in .build-id/xx/rest.debug."""
    build_id = debuginfo.build_id_of(str(stripped_program))
    assert build_id and len(build_id) == 40
    place(stripped_program, roots / "cache/vm" / RELEASE / "vmlinux")
    path = place(dwarf_program, roots / "debug/.build-id" / build_id[:2] /
                 (build_id[2:] + ".debug"))
    target = KernelTarget(RELEASE, build_tree=str(roots / "build"))
    assert debuginfo.kernel_build_id(target) == build_id
    assert debuginfo.kernel_debuginfo(target) == path


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def _debuginfod(files, requests):
    """A debuginfod serving {build_id: path} on 127.0.0.1."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            parts = self.path.strip("/").split("/")
            if len(parts) == 3 and parts[0] == "buildid" and parts[2] == "debuginfo" \
                    and parts[1] in files:
                data = open(files[parts[1]], "rb").read()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass
    server = _Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_debuginfod(roots, stripped_program, dwarf_program, monkeypatch):
    build_id = debuginfo.build_id_of(str(stripped_program))
    place(stripped_program, roots / "cache/vm" / RELEASE / "vmlinux")
    requests = []
    empty = _debuginfod({}, [])
    server = _debuginfod({build_id: str(dwarf_program)}, requests)
    try:
        # the first server has nothing: the next one is asked, as elfutils does
        monkeypatch.setenv("DEBUGINFOD_URLS", "http://127.0.0.1:%d http://127.0.0.1:%d/"
                           % (empty.server_address[1], server.server_address[1]))
        target = KernelTarget(RELEASE, build_tree=str(roots / "build"))
        found = debuginfo.kernel_debuginfo(target)
        assert found == str(roots / "debuginfod" / build_id / "debuginfo")
        assert open(found, "rb").read() == open(dwarf_program, "rb").read()
        assert requests == ["/buildid/%s/debuginfo" % build_id]
        # cached: a second lookup asks no server
        assert debuginfo.kernel_debuginfo(KernelTarget(RELEASE, str(roots / "build"))) == found
        assert len(requests) == 1
    finally:
        server.shutdown()
        empty.shutdown()


def test_debuginfod_unreachable(roots, stripped_program, monkeypatch):
    place(stripped_program, roots / "cache/vm" / RELEASE / "vmlinux")
    monkeypatch.setenv("DEBUGINFOD_URLS", "http://127.0.0.1:9")
    monkeypatch.setenv("DEBUGINFOD_TIMEOUT", "2")
    target = KernelTarget(RELEASE, build_tree=str(roots / "build"))
    assert debuginfo.kernel_debuginfo(target) is None


def test_debian_package_members(roots):
    """Which members of linux-image-R-dbg are extracted, and where."""
    files = ["usr/lib/debug/boot/vmlinux-%s" % RELEASE,
             "usr/lib/debug/boot/System.map-%s" % RELEASE,
             "usr/lib/debug/lib/modules/%s/kernel/fs/ext4/ext4.ko" % RELEASE,
             "usr/lib/debug/lib/modules/%s/kernel/fs/xfs/xfs.ko" % RELEASE]
    wanted = debuginfo.debian_wanted(RELEASE, files, modules=["ext4"])
    cache_dir = str(roots / "cache")
    assert wanted == {
        files[0]: os.path.join(cache_dir, "debug/lib/modules", RELEASE, "vmlinux"),
        files[1]: os.path.join(cache_dir, "kernel", RELEASE, "System.map"),
        files[2]: os.path.join(cache_dir, "debug/lib/modules", RELEASE,
                               "kernel/fs/ext4/ext4.ko"),
    }
