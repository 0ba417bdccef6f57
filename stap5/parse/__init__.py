"""Pass 1: lexing, preprocessing and parsing SystemTap scripts."""

from stap5.parse.parser import parse_source  # noqa: F401
from stap5.parse.preprocessor import PreprocessorEnv  # noqa: F401
