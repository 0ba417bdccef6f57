# stap5 — two commands on a fresh Debian 12 machine: `make setup` (as root), then `make test`.

PYTHON ?= python3
KVER ?= 6.1.0-56-amd64

# Debian packages: the oracle (SystemTap 4.8), the kernel headers we build against,
# what the QEMU guest needs to run pass 5 in a real kernel, what builds stap5's
# .deb and .rpm (and the .deb's dependencies), and sshd for the guests that the
# --remote tests reach over SSH.
DEBIAN_PACKAGES = \
	systemtap systemtap-doc systemtap-sdt-dev libc6-dbg \
	linux-headers-$(KVER) gcc make \
	qemu-system-x86 busybox-static cpio kmod xz-utils \
	python3-pip \
	dpkg-dev debhelper dh-python rpm python3-ply python3-jinja2 python3-pyelftools \
	openssh-server openssh-client man-db

PYTHON_PACKAGES = ply jinja2 pyelftools pytest hypothesis

# Packaging (debian/, packaging/stap5.spec): `make man` and `make install
# DESTDIR=... PREFIX=/usr` are what both package builds run.
PREFIX ?= /usr/local
DESTDIR ?=
SHARE_DIR = $(DESTDIR)$(PREFIX)/share/stap5
MAN_DIR = $(DESTDIR)$(PREFIX)/share/man
COMMANDS = stap5 staprun5 stap5-prep
# What a package installs in PREFIX/share/stap5: the tree as it is here.
DATA_DIRS = stap5 tapsets runtime templates

.PHONY: setup test test-fast bench clean man install

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
	$(PYTHON) -m pytest -q --durations=25 testsuite

# Everything but the tests that boot the QEMU guest.
test-fast:
	$(PYTHON) -m pytest -q -m "not vm" testsuite

bench:
	$(PYTHON) -m testsuite.bench

man:
	$(PYTHON) -m stap5.doc.manpages --installed-tapsets $(PREFIX)/share/stap5/tapsets build/man

install: man
	for d in $(DATA_DIRS); do \
	    find $$d -type f ! -name '*.pyc' ! -path '*/__pycache__/*' \
	        ! -name parsetab.py ! -name parser.out -print; \
	done | while read f; do install -D -m 644 "$$f" "$(SHARE_DIR)/$$f" || exit 1; done
	for c in $(COMMANDS); do install -D -m 755 packaging/launcher $(DESTDIR)$(PREFIX)/bin/$$c; done
	for p in build/man/*; do \
	    s=$${p##*.}; install -D -m 644 $$p $(MAN_DIR)/man$$(echo $$s | cut -c1)/$${p##*/}; \
	done

clean:
	rm -rf build *.egg-info .pytest_cache debian/stap5 debian/.debhelper debian/files \
	    debian/*.substvars debian/*.debhelper.log debian/debhelper-build-stamp
	find . -name __pycache__ -prune -exec rm -rf {} +
