"""From the table and the headers to the tapset files."""

import glob
import os

from . import emit, headers, names, numbers, table

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(os.path.dirname(HERE))
TABLE = os.path.join(HERE, "syscalls.table")
NAMES = os.path.join(HERE, "names.table")
OUTPUT = os.path.join(PROJECT, "tapsets", "linux", "x86_64")
PREFIX = "sysc_"
NAMES_HEADER = os.path.join(PROJECT, "runtime", "syscalls", "names.h")
NAMES_TAPSET = os.path.join(PROJECT, "tapsets", "linux", "syscall_lists.stp")
NUMBERS_TAPSET = os.path.join(OUTPUT, "syscall_table.stp")


class GenerateError(Exception):
    pass


def tapset_files(kver=headers.KVER):
    """{path: text} of every generated file."""
    try:
        the_table = table.read(TABLE)
        known = headers.prototypes(kver)
        files = {}
        by_name = {entry.name: entry for entry in the_table.entries}
        for entry in the_table.entries:
            if entry.is_return:
                if entry.base not in by_name:
                    raise GenerateError("%s without %s" % (entry.name, entry.base))
                continue
            return_entry = by_name.get(entry.name + ".return") or table.Entry(
                entry.name + ".return", [], entry.line)
            if return_entry.functions == ["none"]:
                return_entry = None
            path = os.path.join(OUTPUT, "%s%s.stp" % (PREFIX, entry.name))
            files[path] = emit.tapset_file(entry, return_entry, the_table, known, TABLE)
        the_names = names.read(NAMES)
        files[NAMES_HEADER] = names.header_text(the_names)
        files[NAMES_TAPSET] = names.tapset_text(the_names)
        files[NUMBERS_TAPSET] = numbers.tapset_text(kver)
        return files
    except (table.TableError, emit.EmitError, OSError) as e:
        raise GenerateError(str(e))


def stale_files(files):
    """Generated files whose text differs from `files`, and files that
    should no longer be there."""
    stale = []
    for path, text in files.items():
        try:
            with open(path) as f:
                if f.read() == text:
                    continue
        except OSError:
            pass
        stale.append(path)
    for path in glob.glob(os.path.join(OUTPUT, PREFIX + "*.stp")):
        if path not in files:
            stale.append(path)
    return stale


def write(files):
    for path in files:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    for path in glob.glob(os.path.join(OUTPUT, PREFIX + "*.stp")):
        if path not in files:
            os.unlink(path)
    for path, text in files.items():
        with open(path, "w") as f:
            f.write(text)
