"""Small ELF files with DWARF, compiled here with gcc, for the reader and
the debuginfo lookup tests."""

import shutil
import subprocess

import pytest

SOURCE = r"""
struct point { int x; int y; };
struct flags { unsigned int a:3; unsigned int b:5; int c; };
typedef unsigned long counter_t;
union either { long l; char c[8]; };
enum color { RED, GREEN = 5 };

struct point origin = { 1, 2 };
counter_t hits;

static inline int square(int v) { return v * v; }

__attribute__((noinline)) long add_point(struct point *p, const char *name, counter_t n)
{
	long total = p->x + p->y + square((int)n);
	hits += n;
	return total + name[0];
}

__attribute__((noinline)) int use_flags(struct flags *f, union either *e, enum color c,
					 int values[4])
{
	return f->a + f->b + f->c + (int)e->l + c + values[1];
}

int main(int argc, char **argv)
{
	struct point p = { argc, argc };
	struct flags f = { 1, 2, 3 };
	union either e = { 4 };
	int values[4] = { 0, argc, 0, 0 };
	return (int)add_point(&p, argv[0], (counter_t)argc) + use_flags(&f, &e, GREEN, values)
		+ square(argc);
}
"""


@pytest.fixture(scope="session")
def dwarf_program(tmp_path_factory):
    """An executable with DWARF 5 and a build-id, built -O2 like a kernel."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed")
    directory = tmp_path_factory.mktemp("dwarf-program")
    source = directory / "program.c"
    source.write_text(SOURCE)
    binary = directory / "program"
    subprocess.run(["gcc", "-g", "-gdwarf-5", "-O2", "-fno-omit-frame-pointer",
                    "-Wl,--build-id", "-o", str(binary), str(source)],
                   check=True, cwd=directory)
    return binary


@pytest.fixture(scope="session")
def stripped_program(dwarf_program, tmp_path_factory):
    """The same executable without its DWARF (same build-id)."""
    directory = tmp_path_factory.mktemp("stripped")
    stripped = directory / "program"
    subprocess.run(["objcopy", "--strip-debug", str(dwarf_program), str(stripped)],
                   check=True)
    return stripped
