"""Pass 1: lexing, preprocessing and parsing SystemTap scripts.

The API the other passes use:

  pass1.run(session, whole_library)   -> Pass1Result: user_files, library_files,
                                         library_macros, errors, failed, cache
  pass1.report(session, result)          print pass 1's diagnostics as stap does
  printer.dump_pass1(result, verbose)    the whole -p1 output
  pass1.parse_library_file(path, env, library_macros, cache)
                                         one tapset file, through the parse cache
  pass1.preprocessor_env(session)        what %( %) conditions are evaluated against
  parse_source(source_file, env, library_macros=None, guru=False)
                                         any SourceFile -> (StapFile, [StapError]);
                                         its warnings (in order with the errors)
                                         are the StapFile's .warnings

Modules: lexer (tokens; script arguments pasted in), preprocessor
(conditionals, macros), grammar (ply.yacc rules building ast nodes), tables
and lalr (the LALR tables and their driver), expectations (stap's wording of
syntax errors), parser (error recovery), print_format (printf formats, also
read by pass 2), cache (pickled library files), printer (the -p1 dump),
pass1 (a session's pass 1).
"""

from stap5.parse.parser import parse_source  # noqa: F401
from stap5.parse.preprocessor import PreprocessorEnv  # noqa: F401
