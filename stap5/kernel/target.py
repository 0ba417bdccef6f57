"""The target kernel of a session: its release, its build tree and the
files that describe it, wherever the distribution put them.

Looked up lazily and remembered per (release, build tree): a run only pays
for what its script needs.
"""

import glob
import os
import platform

from stap5.kernel import cache


class KernelTarget:
    """One kernel release, as stap5 sees it from this host."""

    def __init__(self, release, build_tree=None, arch=None):
        self.release = release
        self.build_tree = build_tree or "/lib/modules/%s/build" % release
        self.arch = arch or platform.machine()
        self._found = {}

    @property
    def is_running(self):
        """Whether the target is the kernel this host runs (its /proc and
        /sys then describe it)."""
        return self.release == platform.release()

    def _once(self, key, find):
        if key not in self._found:
            self._found[key] = find()
        return self._found[key]

    def source_tree(self):
        """The kernel's source tree (where Debian's -common headers package
        puts include/ and arch/): /lib/modules/R/source, the tree the build
        tree's Makefile includes, or the build tree itself."""
        def find():
            candidates = ["/lib/modules/%s/source" % self.release]
            try:
                with open(os.path.join(self.build_tree, "Makefile")) as f:
                    for line in f:
                        words = line.split()
                        if len(words) == 2 and words[0] == "include" and \
                                words[1].endswith("/Makefile"):
                            candidates.append(os.path.dirname(words[1]))
            except OSError:
                pass
            candidates.append(self.build_tree)
            for candidate in candidates:
                if os.path.isdir(os.path.join(candidate, "include", "trace")):
                    return candidate
            return None
        return self._once("source_tree", find)

    # --- symbols ----------------------------------------------------------

    def symbol_files(self):
        """Candidate symbol tables, best first: the real System.map fetched
        into the cache, /boot's and the build tree's when real (Debian ships
        a placeholder), and /proc/kallsyms for the running kernel."""
        files = [os.path.join(cache.kernel_dir(self.release), "System.map"),
                 "/boot/System.map-%s" % self.release,
                 os.path.join(self.build_tree, "System.map")]
        if self.is_running:
            files.append("/proc/kallsyms")
        return files

    def system_map(self):
        """The first real System.map of this release, or None."""
        def find():
            for candidate in self.symbol_files():
                if candidate.startswith("/proc/"):
                    continue
                try:
                    if os.path.getsize(candidate) > 4096:
                        return candidate
                except OSError:
                    pass
            return None
        return self._once("system_map", find)

    # --- debuginfo --------------------------------------------------------

    def debug_roots(self):
        """Directories laid out like /usr/lib/debug, searched in order."""
        roots = []
        for entry in os.environ.get("STAP5_DEBUG_ROOTS", "").split(":"):
            if entry:
                roots.append(entry)
        roots += ["/usr/lib/debug", cache.debug_root()]
        return roots

    def vmlinux_candidates(self):
        """Where distributions put the kernel's DWARF, best first:
        RHEL-like and Debian debug roots, then an unstripped vmlinux next
        to the build tree or in /boot."""
        release = self.release
        candidates = []
        for root in self.debug_roots():
            candidates += [os.path.join(root, "lib/modules", release, "vmlinux"),
                           os.path.join(root, "boot", "vmlinux-%s" % release)]
        candidates += [os.path.join(cache.kernel_dir(release), "vmlinux"),
                       os.path.join(self.build_tree, "vmlinux"),
                       "/usr/src/kernels/%s/vmlinux" % release,
                       "/boot/vmlinux-%s" % release,
                       "/lib/modules/%s/vmlinux" % release]
        return candidates

    def module_debuginfo_candidates(self, module):
        """Files that may hold module `module`'s DWARF (its unstripped .ko or
        a separate .ko.debug); `-` and `_` are the same in module names."""
        names = {module, module.replace("_", "-"), module.replace("-", "_")}
        found = []
        for root in self.debug_roots() + ["/"]:
            base = os.path.join(root, "lib/modules", self.release)
            if not os.path.isdir(base):
                continue
            for name in sorted(names):
                for suffix in (".ko.debug", ".ko"):
                    found += sorted(glob.glob(os.path.join(base, "**", name + suffix),
                                              recursive=True))
        return found

    # --- BTF --------------------------------------------------------------

    def btf_candidates(self):
        """Files that may hold the kernel's BTF, cheapest first: the running
        kernel's /sys/kernel/btf/vmlinux (raw BTF), then ELF kernels with a
        .BTF section (the build tree's vmlinux, the guest's uncompressed
        image in the cache, the DWARF vmlinux), then the compressed
        /boot/vmlinuz-R (unpacked once; its BTF is kept in the cache)."""
        release = self.release
        files = []
        if self.is_running:
            files.append("/sys/kernel/btf/vmlinux")
        files += [os.path.join(self.build_tree, "vmlinux"),
                  cache.path("vm", release, "vmlinux")]
        for candidate in self.vmlinux_candidates():
            if candidate not in files:
                files.append(candidate)
        files += ["/boot/vmlinuz-%s" % release,
                  cache.path("vm", release, "vmlinuz")]
        return files

    def module_btf_candidates(self, module):
        """Files that may hold module `module`'s (split) BTF: the running
        kernel's /sys/kernel/btf/MODULE, then its .ko files (installed,
        debuginfo, the guest's copies in the cache)."""
        names = {module, module.replace("_", "-"), module.replace("-", "_")}
        files = []
        if self.is_running:
            files += ["/sys/kernel/btf/%s" % name for name in sorted(names)]
        files += self.module_debuginfo_candidates(module)
        for name in sorted(names):
            files += sorted(glob.glob(os.path.join("/lib/modules", self.release, "**",
                                                   name + ".ko.xz"), recursive=True))
            files.append(cache.path("vm", self.release, "modules", name + ".ko"))
        return files


_targets = {}


def kernel_target(session):
    """The KernelTarget of a session's -r setting (shared by all passes)."""
    key = (session.kernel_release, session.build_tree)
    target = _targets.get(key)
    if target is None:
        target = _targets[key] = KernelTarget(session.kernel_release, session.build_tree)
    return target
