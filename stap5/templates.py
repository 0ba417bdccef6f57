"""The Jinja environment of templates/: the C shapes of the generated
module (pass 3) and of its Kbuild file (pass 4)."""

import jinja2

from stap5.session import TEMPLATE_DIR

_environment = None


def c_value(value):
    """A Python value as a C initializer: str -> string literal, bool ->
    true/false, None -> NULL, int -> an integer constant of its size."""
    from stap5.elaborate.probes.registry import CSymbol
    from stap5.translate.names import plain_c_string
    if isinstance(value, CSymbol):
        return str(value)
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if -(1 << 31) <= value < (1 << 31):
            return str(value)
        return "%dLL" % value if value < 0 else "%#xULL" % value
    if isinstance(value, str):
        return '"%s"' % plain_c_string(value)
    raise TypeError("no C form for %r" % (value,))


def template_environment():
    global _environment
    if _environment is None:
        _environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATE_DIR), trim_blocks=True,
            lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
            autoescape=False)
        _environment.filters["c_value"] = c_value
    return _environment
