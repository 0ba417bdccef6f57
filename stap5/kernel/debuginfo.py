"""Finding the DWARF of a kernel and of its modules, and fetching it.

Looked up where distributions put it, in this order:
  - debug roots laid out like /usr/lib/debug (the STAP5_DEBUG_ROOTS list,
    /usr/lib/debug, stap5's own $STAP5_CACHE/debug):
      lib/modules/R/vmlinux, boot/vmlinux-R            (RHEL-like, Debian)
      lib/modules/R/**/NAME.ko.debug, .../NAME.ko       (modules)
      .build-id/xx/rest.debug                           (by build-id)
  - an unstripped vmlinux next to the build tree (/usr/src/kernels/R on
    RHEL-like systems, /lib/modules/R/build) or in /boot;
  - debuginfod, by build-id, when DEBUGINFOD_URLS is set (as elfutils'
    client: each URL tried in turn, the file kept in its cache directory).

On Debian, `fetch_debian(release)` downloads linux-image-R-dbg once (kept
in the cache, so that a later module costs no download) and extracts only
what is asked for into stap5's debug root.
"""

import os
import shutil
import subprocess
import tarfile
import urllib.error
import urllib.request

from stap5.kernel import cache

_DWARF_CHECKED = {}


class DebuginfoError(Exception):
    """Debuginfo could not be fetched; str() is the user message."""


def has_dwarf(path):
    """Whether `path` is an ELF file with a .debug_info section."""
    key = path
    try:
        st = os.stat(path)
    except OSError:
        return False
    key = (path, st.st_ino, st.st_size, st.st_mtime_ns)
    found = _DWARF_CHECKED.get(key)
    if found is None:
        found = False
        try:
            from elftools.elf.elffile import ELFFile
            with open(path, "rb") as f:
                elf = ELFFile(f)
                section = elf.get_section_by_name(".debug_info")
                found = section is not None and section.header["sh_type"] != "SHT_NOBITS" \
                    and section.header["sh_size"] > 0
        except Exception:
            found = False
        _DWARF_CHECKED[key] = found
    return found


def build_id_of(path):
    """The GNU build-id of an ELF file (hex), or None."""
    from stap5.kernel.dwarf.elf import read_build_id
    try:
        from elftools.elf.elffile import ELFFile
        with open(path, "rb") as f:
            return read_build_id(ELFFile(f))
    except Exception:
        return None


def _running_kernel_build_id():
    """The running kernel's build-id, from /sys/kernel/notes."""
    try:
        with open("/sys/kernel/notes", "rb") as f:
            data = f.read()
    except OSError:
        return None
    pos = 0
    while pos + 12 <= len(data):
        namesz, descsz, kind = (int.from_bytes(data[pos + i:pos + i + 4], "little")
                                for i in (0, 4, 8))
        name_end = pos + 12 + ((namesz + 3) & ~3)
        desc = data[name_end:name_end + descsz]
        if kind == 3 and data[pos + 12:pos + 12 + namesz].rstrip(b"\0") == b"GNU":
            return desc.hex()
        pos = name_end + ((descsz + 3) & ~3)
    return None


def kernel_build_id(target):
    """The build-id of the target kernel, from what describes it here:
    the running kernel's notes, the guest's uncompressed kernel, an
    uncompressed vmlinux in the build tree."""
    if target.is_running:
        found = _running_kernel_build_id()
        if found:
            return found
    for path in (cache.path("vm", target.release, "vmlinux"),
                 os.path.join(target.build_tree, "vmlinux")):
        if os.path.isfile(path):
            found = build_id_of(path)
            if found:
                return found
    return None


def build_id_paths(build_id):
    """Where a debug root keeps the file of a build-id."""
    return ["%s/.build-id/%s/%s.debug" % (root, build_id[:2], build_id[2:])
            for root in _debug_roots()]


def _debug_roots():
    roots = [entry for entry in os.environ.get("STAP5_DEBUG_ROOTS", "").split(":") if entry]
    return roots + ["/usr/lib/debug", cache.debug_root()]


def kernel_debuginfo(target, download=False, log=None):
    """The path of the target kernel's DWARF vmlinux, or None."""
    for candidate in target.vmlinux_candidates():
        if has_dwarf(candidate):
            return candidate
    build_id = kernel_build_id(target)
    return by_build_id(build_id, log) if build_id else None


def by_build_id(build_id, log=None):
    """A file with the DWARF of a build-id: in a debug root's .build-id
    tree, else from debuginfod; None if neither has it."""
    for candidate in build_id_paths(build_id):
        if has_dwarf(candidate):
            return candidate
    found = debuginfod_find(build_id, log=log)
    return found if found and has_dwarf(found) else None


def module_debuginfo(target, module, log=None):
    """The path of module `module`'s DWARF (.ko or .ko.debug), or None.
    From a cached Debian -dbg package it is extracted on first use."""
    for candidate in target.module_debuginfo_candidates(module):
        if has_dwarf(candidate):
            return candidate
    installed = [path for path in target.module_debuginfo_candidates(module)
                 if path.startswith("/lib/modules/")]
    for path in installed:
        build_id = build_id_of(path)
        found = by_build_id(build_id, log) if build_id else None
        if found:
            return found
    deb = cached_debian_package(target.release)
    if deb is not None:
        try:
            extract_debian(target.release, deb, modules=[module], log=log)
        except DebuginfoError:
            return None
        for candidate in target.module_debuginfo_candidates(module):
            if has_dwarf(candidate):
                return candidate
    return None


# --- debuginfod -----------------------------------------------------------------

def debuginfod_cache_dir():
    """As elfutils: $DEBUGINFOD_CACHE_PATH, else $XDG_CACHE_HOME/debuginfod_client,
    else ~/.cache/debuginfod_client."""
    path = os.environ.get("DEBUGINFOD_CACHE_PATH")
    if path:
        return path
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "debuginfod_client")


def debuginfod_find(build_id, kind="debuginfo", log=None):
    """The path of `kind` ("debuginfo", "executable") for a build-id from
    the servers of DEBUGINFOD_URLS, fetched into the client cache once;
    None when no server has it (or none is configured)."""
    urls = os.environ.get("DEBUGINFOD_URLS", "").split()
    if not urls or not build_id:
        return None
    directory = os.path.join(debuginfod_cache_dir(), build_id)
    destination = os.path.join(directory, kind)
    if os.path.isfile(destination) and os.path.getsize(destination) > 0:
        return destination
    try:
        timeout = float(os.environ.get("DEBUGINFOD_TIMEOUT", "90"))
    except ValueError:
        timeout = 90.0
    for url in urls:
        request = "%s/buildid/%s/%s" % (url.rstrip("/"), build_id, kind)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                os.makedirs(directory, exist_ok=True)
                temp = destination + ".part%d" % os.getpid()
                with open(temp, "wb") as out:
                    shutil.copyfileobj(response, out, 1 << 20)
                os.replace(temp, destination)
                if log:
                    log("debuginfod: %s from %s" % (build_id, url))
                return destination
        except (urllib.error.URLError, OSError, ValueError):
            continue
    return None


# --- Debian's -dbg package ------------------------------------------------------

def debian_package_name(release):
    return "linux-image-%s-dbg" % release


def _deb_dir():
    return cache.path("debug", "deb")


def cached_debian_package(release):
    """The -dbg .deb of `release` kept in the cache, or None."""
    directory = _deb_dir()
    try:
        names = sorted(n for n in os.listdir(directory)
                       if n.startswith(debian_package_name(release) + "_") and n.endswith(".deb"))
    except OSError:
        return None
    return os.path.join(directory, names[-1]) if names else None


def download_debian_package(release, log=print):
    """apt-get download linux-image-R-dbg into the cache (once)."""
    found = cached_debian_package(release)
    if found:
        return found
    directory = _deb_dir()
    os.makedirs(directory, exist_ok=True)
    package = debian_package_name(release)
    if log:
        log("downloading %s ..." % package)
    try:
        proc = subprocess.run(["apt-get", "download", package], cwd=directory,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except FileNotFoundError:
        raise DebuginfoError("cannot download %s: apt-get not found (not a Debian host?)"
                             % package)
    found = cached_debian_package(release)
    if proc.returncode != 0 or not found:
        detail = "\n".join(line for line in proc.stdout.splitlines()
                           if not line.startswith("W: Download is performed unsandboxed"))
        raise DebuginfoError("cannot download %s with apt-get (no network, or run "
                             "'apt-get update' first?):\n%s" % (package, detail.strip()))
    return found


def _package_files(deb):
    """The files of a .deb, from its md5sums (read in a moment, where
    listing the data archive means decompressing all of it)."""
    proc = subprocess.run(["dpkg-deb", "--info", deb, "md5sums"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    if proc.returncode != 0:
        return None
    files = []
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2:
            files.append(parts[1])
    return files


def package_has_module(deb, release, module):
    """Whether the -dbg package holds module `module`."""
    wanted = debian_wanted(release, _package_files(deb) or (), [module], vmlinux=False)
    return bool(wanted) or any(
        os.path.basename(path) in (module + ".ko", module.replace("-", "_") + ".ko",
                                   module.replace("_", "-") + ".ko")
        for path in (_package_files(deb) or ()))


def debian_wanted(release, files, modules=(), vmlinux=True):
    """{member path in the package: destination} of what to extract."""
    wanted = {}
    root = cache.debug_root()
    prefix = "usr/lib/debug/"
    if vmlinux:
        wanted[prefix + "boot/vmlinux-%s" % release] = os.path.join(
            root, "lib/modules", release, "vmlinux")
        wanted[prefix + "boot/System.map-%s" % release] = os.path.join(
            cache.kernel_dir(release), "System.map")
    names = set()
    for module in modules:
        names |= {module + ".ko", module.replace("_", "-") + ".ko",
                  module.replace("-", "_") + ".ko"}
    module_prefix = prefix + "lib/modules/%s/" % release
    for member in files or ():
        if member.startswith(module_prefix) and os.path.basename(member) in names:
            wanted[member] = os.path.join(root, member[len(prefix):])
    return {member: path for member, path in wanted.items() if not os.path.isfile(path)}


def extract_debian(release, deb, modules=(), vmlinux=True, log=print):
    """Extract vmlinux (and System.map) and the named modules' .ko from the
    -dbg package into the cache's debug root, in one pass over it."""
    files = _package_files(deb)
    if not debian_wanted(release, files, modules, vmlinux):
        return
    import fcntl
    with open(os.path.join(os.path.dirname(deb), ".extract.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)        # one extraction at a time
        wanted = debian_wanted(release, files, modules, vmlinux)    # what is left
        if wanted:
            _extract(deb, wanted, log)


def _extract(deb, wanted, log):
    if log:
        log("extracting %s from %s ..." % (", ".join(os.path.basename(p) for p in
                                                      wanted.values()), os.path.basename(deb)))
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    remaining = dict(wanted)
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                name = member.name[2:] if member.name.startswith("./") else member.name
                destination = remaining.get(name)
                if destination is None or not member.isfile():
                    continue
                os.makedirs(os.path.dirname(destination), exist_ok=True)
                temp = destination + ".part%d" % os.getpid()
                with open(temp, "wb") as out:
                    shutil.copyfileobj(tar.extractfile(member), out, 1 << 20)
                os.replace(temp, destination)
                del remaining[name]
                if not remaining:
                    break
    except (tarfile.TarError, OSError) as exc:
        raise DebuginfoError("cannot read %s: %s" % (deb, exc))
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()
    missing = [name for name in remaining if not name.endswith(".ko")]
    if missing:
        raise DebuginfoError("%s lacks: %s" % (os.path.basename(deb), ", ".join(missing)))


def fetch_debian(release, modules=(), log=print):
    """Make the DWARF of kernel `release` (and of `modules`) present in the
    cache's debug root, downloading the -dbg package once.  A vmlinux
    extracted before into $STAP5_CACHE/kernel/R/ is linked, not copied.
    Returns the vmlinux path."""
    root = cache.debug_root()
    vmlinux = os.path.join(root, "lib/modules", release, "vmlinux")
    legacy = os.path.join(cache.kernel_dir(release), "vmlinux")
    if not os.path.isfile(vmlinux) and os.path.isfile(legacy) and has_dwarf(legacy):
        os.makedirs(os.path.dirname(vmlinux), exist_ok=True)
        try:
            os.link(legacy, vmlinux)
        except OSError:
            pass
    need_vmlinux = not os.path.isfile(vmlinux) or \
        not os.path.isfile(os.path.join(cache.kernel_dir(release), "System.map"))
    module_dir = os.path.join(root, "lib/modules", release)
    need_modules = [m for m in modules if not _find_module_file(module_dir, m)]
    if need_vmlinux or need_modules:
        deb = download_debian_package(release, log)
        extract_debian(release, deb, need_modules, need_vmlinux, log)
    return vmlinux


def _find_module_file(directory, module):
    names = {module + ".ko", module.replace("_", "-") + ".ko", module.replace("-", "_") + ".ko"}
    for dirpath, _, files in os.walk(directory):
        for name in files:
            if name in names:
                return os.path.join(dirpath, name)
    return None


def oracle_debuginfo_path():
    """SYSTEMTAP_DEBUGINFO_PATH that lets SystemTap 4.8 find what stap5
    found: its usual places, then stap5's debug root."""
    return "+:.debug:" + cache.debug_root()


def how_to_install(target):
    """What to tell a user who has no debuginfo for `target`."""
    release = target.release
    if os.path.exists("/etc/debian_version"):
        return ("install %s (or run stap5-prep --debuginfo, which fetches it into "
                "stap5's cache)" % debian_package_name(release))
    if os.path.exists("/etc/redhat-release"):
        return "run: debuginfo-install kernel-%s" % release
    return "install the debuginfo of kernel %s, or set DEBUGINFOD_URLS" % release
