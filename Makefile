# stap5 — two commands on a fresh Debian 12 machine: `make setup` (as root), then `make test`.

PYTHON ?= python3
KVER ?= 6.1.0-56-amd64

# Debian packages: the oracle (SystemTap 4.8), the kernel headers we build against,
# and what the QEMU guest needs to run pass 5 in a real kernel.
DEBIAN_PACKAGES = \
	systemtap systemtap-doc \
	linux-headers-$(KVER) gcc make \
	qemu-system-x86 busybox-static cpio kmod xz-utils \
	python3-pip

PYTHON_PACKAGES = ply jinja2 pyelftools pytest hypothesis

.PHONY: setup test test-fast bench clean

setup:
	DEBIAN_FRONTEND=noninteractive apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(DEBIAN_PACKAGES)
	$(PYTHON) -m pip install -q $(PYTHON_PACKAGES) || \
	    $(PYTHON) -m pip install -q --break-system-packages $(PYTHON_PACKAGES)
	$(PYTHON) -m pip install -q -e . || \
	    $(PYTHON) -m pip install -q --break-system-packages -e .
	# The QEMU guest's kernel, initramfs, the kernel's real System.map and its
	# DWARF (linux-image-KVER-dbg, kept in the cache; vmlinux and ext4 extracted),
	# then the DWARF index, built once per kernel build (about a minute).
	$(PYTHON) -m stap5.prep -r $(KVER) --vm --debuginfo
	$(PYTHON) -m stap5 -r $(KVER) -L 'kernel.function("vfs_read")' > /dev/null
	# SystemTap 4.8 (the oracle of our differential tests) looks for the
	# symbol table in /boot; Debian's image package ships a placeholder.
	$(PYTHON) -c 'import shutil, stap5.vm as v; m = v.system_map("$(KVER)"); \
	    shutil.copyfile(m, "/boot/System.map-$(KVER)")'

test:
	$(PYTHON) -m pytest -q testsuite

# Everything but the tests that boot the QEMU guest.
test-fast:
	$(PYTHON) -m pytest -q -m "not vm" testsuite

bench:
	$(PYTHON) -m testsuite.bench

clean:
	rm -rf build *.egg-info .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
