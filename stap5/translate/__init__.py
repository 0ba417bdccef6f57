"""Pass 3: translation of the elaborated program to C."""

from stap5.translate.codegen import TranslationError  # noqa: F401
from stap5.translate.translator import Translator


def translate(session, program, module_name, script_name):
    """The C source of the module for `program` (raises TranslationError)."""
    return Translator(session, program).translate(module_name, script_name)
