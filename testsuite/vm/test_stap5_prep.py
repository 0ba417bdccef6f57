"""stap5-prep and the guest's assets (no guest is booted here)."""

import lzma
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stap5.vm import assets
from stap5.vm.assets import AssetError, decompress_vmlinuz
from stap5.vm.initramfs import CpioWriter

PROJECT = Path(__file__).resolve().parents[2]


def prep(*args, env=None):
    return subprocess.run([sys.executable, "-m", "stap5.prep", *args], cwd=PROJECT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_vmlinux_is_found_behind_other_xz_streams(tmp_path):
    elf = b"\x7fELF" + bytes(range(256)) * 100
    decoy = lzma.compress(b"not a kernel", format=lzma.FORMAT_XZ)
    bzimage = tmp_path / "vmlinuz"
    bzimage.write_bytes(b"MZ" + b"\0" * 500 + decoy + b"junk" + lzma.compress(elf) + b"\0" * 64)
    decompress_vmlinuz(bzimage, tmp_path / "vmlinux")
    assert (tmp_path / "vmlinux").read_bytes() == elf


def test_a_vmlinuz_without_xz_kernel_is_a_clear_error(tmp_path):
    (tmp_path / "vmlinuz").write_bytes(b"MZ" + b"\0" * 1000)
    with pytest.raises(AssetError, match="no xz-compressed ELF kernel"):
        decompress_vmlinuz(tmp_path / "vmlinuz", tmp_path / "vmlinux")


@pytest.mark.skipif(shutil.which("cpio") is None, reason="cpio not installed")
def test_cpio_archive_is_what_cpio_reads(tmp_path):
    archive = tmp_path / "a.cpio"
    with open(archive, "wb") as f:
        w = CpioWriter(f)
        w.directory("bin")
        w.file("bin/tool", b"#!/bin/sh\necho hi\n", 0o755)
        w.char_device("console", 5, 1)
        w.file("odd-size", b"x" * 3)
        w.finish()
    listing = subprocess.run(["cpio", "-itv", "--quiet"], stdin=open(archive, "rb"),
                             stdout=subprocess.PIPE, text=True, check=True).stdout.splitlines()
    assert [line.split()[-1] for line in listing] == ["bin", "bin/tool", "console", "odd-size"]
    assert listing[1].startswith("-rwxr-xr-x") and listing[2].startswith("crw-------")
    assert "5,   1" in listing[2] or "5, 1" in listing[2]
    out = tmp_path / "x"
    out.mkdir()
    subprocess.run(["cpio", "-id", "--quiet", "bin/tool", "odd-size"], cwd=out,
                   stdin=open(archive, "rb"), check=True)
    assert (out / "bin/tool").read_bytes() == b"#!/bin/sh\necho hi\n"
    assert (out / "odd-size").read_bytes() == b"xxx"


def test_initramfs_is_rebuilt_only_when_its_inputs_change(tmp_path, monkeypatch):
    from stap5.vm import initramfs
    try:
        busybox = initramfs.find_busybox()
    except AssetError:
        pytest.skip("busybox not installed")
    if not initramfs._is_static(busybox):
        pytest.skip("busybox is not the static one")
    monkeypatch.setenv("STAP5_CACHE", str(tmp_path))
    mods = assets.vm_dir() / "modules"
    mods.mkdir(parents=True)
    for m in assets.GUEST_MODULES:
        (mods / f"{m}.ko").write_bytes(b"fake module " + m.encode())
    first = initramfs.build_initramfs()
    stamp = first.stat().st_mtime_ns
    time.sleep(0.01)
    assert initramfs.build_initramfs().stat().st_mtime_ns == stamp
    (mods / "9p.ko").write_bytes(b"another fake 9p module")
    assert initramfs.build_initramfs().stat().st_mtime_ns != stamp
    assert b"another fake 9p module" in first.read_bytes()
    assert b"insmod /modules/$m.ko" in first.read_bytes()


def test_system_map_comes_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STAP5_CACHE", str(tmp_path))
    kver = "0.0.0-test"
    assert assets.system_map(kver) is None
    (tmp_path / "kernel" / kver).mkdir(parents=True)
    (tmp_path / "kernel" / kver / "System.map").write_text("ffffffff81000000 T _stext\n")
    assert assets.system_map(kver) == tmp_path / "kernel" / kver / "System.map"


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="not a Debian host")
def test_an_unknown_kernel_package_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("STAP5_CACHE", str(tmp_path))
    with pytest.raises(AssetError, match="cannot download linux-image-0.0.0-nope"):
        assets.fetch_guest_kernel("0.0.0-nope", log=lambda m: None)


def test_prep_says_what_is_missing_without_a_traceback():
    r = prep("-r", "0.0.0-nope")
    assert r.returncode == 1
    assert "Configuring for kernel release 0.0.0-nope" in r.stdout
    assert "Missing for 0.0.0-nope:" in r.stdout
    assert "    apt-get install linux-headers-0.0.0-nope" in r.stdout
    assert "Traceback" not in r.stderr


def test_prep_vm_is_quick_when_everything_is_cached(vm_assets):
    if assets.system_map() is None:
        pytest.skip("System.map not fetched (run 'stap5-prep --vm')")
    start = time.monotonic()
    r = prep("--vm")
    assert time.monotonic() - start < 15
    assert "downloading" not in r.stdout
    assert f"  System.map               ok       {assets.system_map()}\n" in r.stdout
    assert f"  guest kernel             ok       {assets.vm_dir() / 'vmlinux'}\n" in r.stdout
    assert "Traceback" not in r.stderr
