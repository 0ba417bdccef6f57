"""Probe families, one module each, behind one registry.

To add a family (tracepoints, perf...), write a module with a
`FAMILIES` list of ProbeFamily instances (registry.py says what a family
gives each pass) and name it in `_MODULES`; its C is a runtime file named by its RuntimeTable.
"""

import importlib

from stap5.elaborate.probes.registry import ProbeFamily, Registry  # noqa: F401

_MODULES = ("begin_end", "timer", "kprobe", "procfs", "dwarf", "tracepoint", "hwbkpt", "perf",
            "uprobes", "process")

_registry = None


def registry():
    global _registry
    if _registry is None:
        families = []
        for name in _MODULES:
            module = importlib.import_module("stap5.elaborate.probes." + name)
            families.extend(module.FAMILIES)
        _registry = Registry(families)
    return _registry
