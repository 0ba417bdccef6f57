"""What a trace-event header sees when compiled: the files it includes,
and the object-like macros they define.

A header's events may hang on macros its includes define (kvm.h's
`#if defined(__KVM_HAVE_IOAPIC)` comes from asm/kvm.h), and a TP_PROTO
may spell a type with one (`pgoff_t` is `#define pgoff_t unsigned long`).
stap5 follows the #includes through kbuild's include path (conditionals
of included files are not evaluated) and indexes their macros by name.

    tree = IncludeTree(source_tree, build_tree, arch_dir)
    files = tree.closure(path)          # what a compile of path reads
    tree.macro("pgoff_t", files)        # "unsigned long"
    tree.resolve(name, quoted, path)    # where an #include leads, or None
"""

import os
import re

_INCLUDE = re.compile(r"^\s*#\s*include\s*([<\"])([^>\"]+)[>\"]", re.MULTILINE)
_OBJECT_MACRO = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])[ \t]*([^\n]*)",
                           re.MULTILINE)
_COMMENT = re.compile(r"/\*.*?(\*/|$)|//.*")

# kbuild's include path, relative to the source and build trees.
_INCLUDE_DIRS = ("arch/{arch}/include", "arch/{arch}/include/generated", "include",
                 "arch/{arch}/include/uapi", "arch/{arch}/include/generated/uapi",
                 "include/uapi", "include/generated/uapi")
# What kbuild includes before every file (-include), and what SystemTap
# includes before each trace header it reads (its query modules start with
# these, so their macros count: kvm.h's ioapic events need kvm_host.h's).
_FORCED = ("include/linux/compiler-version.h", "include/linux/kconfig.h",
           "include/linux/compiler_types.h", "include/linux/interrupt.h",
           "include/linux/module.h", "include/linux/skbuff.h", "include/linux/kvm_host.h")


class IncludeTree:
    def __init__(self, source_tree, build_tree, arch_dir):
        self.trees = [tree for tree in (source_tree, build_tree) if tree]
        self.dirs = [os.path.join(tree, d.format(arch=arch_dir))
                     for d in _INCLUDE_DIRS for tree in self.trees]
        self.dirs = [d for d in self.dirs if os.path.isdir(d)]
        self._files = {}            # path -> (included files, {macro: body})
        self._where = {}            # macro name -> the files defining it

    def resolve(self, name, quoted, including):
        """The file `#include <name>` or `"name"` reaches from `including`."""
        candidates = [os.path.join(os.path.dirname(including), name)] if quoted else []
        candidates += [os.path.join(d, name) for d in self.dirs]
        for candidate in candidates:
            if os.path.isfile(candidate):
                return os.path.normpath(candidate)
        return None

    def forced(self):
        found = []
        for relative in _FORCED:
            for tree in self.trees:
                path = os.path.join(tree, relative)
                if os.path.isfile(path):
                    found.append(path)
                    break
        return found

    def closure(self, path):
        """The files a compile of `path` reads (the forced includes, `path`,
        and what they include, transitively; conditionals not evaluated)."""
        seen = set()
        todo = self.forced() + [path]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self._file(current)[0])
        return seen

    def macro(self, name, files):
        """The body of object-like macro `name` as one of `files` defines
        it, or None."""
        declaring = self._where.get(name)
        if declaring:
            for path in sorted(declaring & files):
                return self._files[path][1][name]
        return None

    def _file(self, path):
        found = self._files.get(path)
        if found is None:
            text = _read(path)
            includes = []
            for m in _INCLUDE.finditer(text):
                target = self.resolve(m.group(2), m.group(1) == '"', path)
                if target is not None:
                    includes.append(target)
            macros = {m.group(1): _COMMENT.sub("", m.group(2)).strip()
                      for m in _OBJECT_MACRO.finditer(text)}
            for name in macros:
                self._where.setdefault(name, set()).add(path)
            found = self._files[path] = (includes, macros)
        return found


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""
