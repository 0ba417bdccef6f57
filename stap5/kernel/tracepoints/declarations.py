"""C parameter declarations (a TP_PROTO's `const struct rpc_task *task`)
read into the shared C type model, with the names they use looked up in
the kernel's BTF.

    name, ctype = parse_parameter(tokens, types)

Used for the tracepoints the kernel image's BTF has no prototype for (those
of modules): their types are spelled as a DWARF reader would spell them
("long unsigned int", "char const*"), and are complete when BTF defines
the names they use.  A name BTF does not know becomes a declaration
(struct) or an opaque typedef.
"""

from stap5.kernel import ctype

_QUALIFIERS = {"const": "const", "volatile": "volatile", "restrict": "restrict",
               "__restrict": "restrict", "__restrict__": "restrict",
               "__const": "const", "__volatile__": "volatile"}
# Annotations that are not types (sparse address spaces and the like).
_IGNORED = {"__user", "__iomem", "__rcu", "__percpu", "__force", "__kernel", "__nocast",
            "__bitwise", "__must_check", "__maybe_unused", "__always_unused", "register",
            "__private", "__counted_by", "__aligned", "__packed", "inline", "static",
            "extern", "__data_racy", "__safe"}
_BASE_WORDS = {"signed", "unsigned", "short", "long", "int", "char", "_Bool", "void",
               "float", "double", "__int128"}
_TAGS = ("struct", "union", "enum")

# gcc's DWARF names of the integer types, by their specifier words.
_SIZES = {"char": 1, "signed char": 1, "unsigned char": 1, "short int": 2,
          "short unsigned int": 2, "int": 4, "unsigned int": 4, "long int": 8,
          "long unsigned int": 8, "long long int": 8, "long long unsigned int": 8,
          "_Bool": 1, "float": 4, "double": 8, "long double": 16, "__int128": 16,
          "__int128 unsigned": 16}


class DeclarationError(Exception):
    pass


def base_name(words):
    """gcc's name of a base type from its specifier words ("unsigned",
    "long") -> "long unsigned int"."""
    unsigned = "unsigned" in words
    count_long = words.count("long")
    if "void" in words:
        return "void"
    if "_Bool" in words:
        return "_Bool"
    if "float" in words:
        return "float"
    if "double" in words:
        return "long double" if count_long else "double"
    if "__int128" in words:
        return "__int128 unsigned" if unsigned else "__int128"
    if "char" in words:
        return "unsigned char" if unsigned else "signed char" if "signed" in words else "char"
    if "short" in words:
        return "short unsigned int" if unsigned else "short int"
    if count_long >= 2:
        return "long long unsigned int" if unsigned else "long long int"
    if count_long == 1:
        return "long unsigned int" if unsigned else "long int"
    return "unsigned int" if unsigned else "int"


class _Parser:
    def __init__(self, tokens, types, type_macro=None):
        self.tokens = list(tokens)
        self.i = 0
        self.types = types
        self.type_macro = type_macro

    def peek(self, offset=0):
        index = self.i + offset
        return self.tokens[index].text if index < len(self.tokens) else None

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token.text

    def skip_attribute(self):
        """__attribute__((...)) and friends taking parenthesized arguments."""
        self.take()
        if self.peek() == "(":
            depth = 0
            while self.peek() is not None:
                text = self.take()
                depth += text == "("
                depth -= text == ")"
                if depth == 0:
                    break

    def specifiers(self):
        """(base CType, qualifiers) of the declaration specifiers."""
        words, qualifiers, named = [], [], None
        while self.peek() is not None:
            text = self.peek()
            if text in _QUALIFIERS:
                qualifiers.append(_QUALIFIERS[self.take()])
            elif text in _IGNORED:
                self.take()
                if self.peek() == "(":
                    self.i -= 1
                    self.skip_attribute()
            elif text in ("__attribute__", "__attribute"):
                self.skip_attribute()
            elif text in _BASE_WORDS:
                words.append(self.take())
            elif text in _TAGS and named is None and not words:
                keyword = self.take()
                tag = self.take()
                named = self.tagged(keyword, tag)
            elif self.tokens[self.i].kind == "ident":
                if named is not None or words:
                    break               # the declarator's name
                name = self.take()
                body = None
                if self.type_macro and (not self.types or self.types.typedef(name) is None):
                    body = self.type_macro(name)
                if body:
                    # A type spelled as a macro (pgoff_t is "unsigned long").
                    expanded = [w for w in body.split() if w not in _QUALIFIERS]
                    if expanded and all(w in _BASE_WORDS for w in expanded):
                        words.extend(expanded)
                        continue
                named = self.typedef(name)
            else:
                break
        if named is None:
            if not words:
                raise DeclarationError("no type in declaration")
            named = self.base(base_name(words))
        return named, qualifiers

    def tagged(self, keyword, tag):
        found = self.types.find_type("%s %s" % (keyword, tag)) if self.types else None
        if found is not None:
            return found
        if keyword == "enum":
            return ctype.Enum(tag, 4)
        return ctype.Struct(tag, None, keyword, members=[])

    def typedef(self, name):
        found = self.types.typedef(name) if self.types else None
        return found if found is not None else ctype.Typedef(name, ctype.Void())

    def base(self, name):
        if name == "void":
            return ctype.Void()
        found = self.types.find_type(name) if self.types else None
        if isinstance(found, ctype.Base):
            return found
        encoding = ctype.FLOAT if name in ("float", "double", "long double") else \
            ctype.BOOLEAN if name == "_Bool" else \
            (ctype.UNSIGNED_CHAR if "unsigned" in name else ctype.SIGNED_CHAR) \
            if "char" in name else \
            ctype.UNSIGNED if "unsigned" in name else ctype.SIGNED
        return ctype.Base(name, _SIZES.get(name, 4), encoding)

    def declarator(self, base):
        """(name or None, CType) of a declarator applied to `base`."""
        while self.peek() == "*":
            self.take()
            base = ctype.Pointer(base)
            while self.peek() in _QUALIFIERS or self.peek() in _IGNORED:
                word = self.take()
                if word in _QUALIFIERS:
                    base = ctype.Qualified(_QUALIFIERS[word], base)
        name = None
        inner = None
        if self.peek() == "(" and self.peek(1) in ("*", "^"):
            # A function pointer or pointer to array: resolve the inside
            # against what follows it.
            self.take()
            start = self.i
            depth = 1
            while depth and self.peek() is not None:
                text = self.take()
                depth += text == "("
                depth -= text == ")"
            inner = self.tokens[start:self.i - 1]
        elif self.peek() is not None and self.tokens[self.i].kind == "ident":
            name = self.take()
        base = self.suffixes(base)
        if inner is not None:
            sub = _Parser(inner, self.types, self.type_macro)
            name, base = sub.declarator(base)
        return name, base

    def suffixes(self, base):
        if self.peek() == "(":
            self.take()
            params, variadic = [], False
            if not (self.peek() == "void" and self.peek(1) == ")"):
                while self.peek() not in (None, ")"):
                    if self.peek() == "...":
                        self.take()
                        variadic = True
                    else:
                        specifier, qualifiers = self.specifiers()
                        specifier = _qualify(specifier, qualifiers)
                        params.append(self.declarator(specifier)[1])
                    if self.peek() == ",":
                        self.take()
            else:
                self.take()
            if self.peek() == ")":
                self.take()
            return ctype.FunctionType(base, params, variadic)
        dimensions = []
        while self.peek() == "[":
            self.take()
            size = []
            while self.peek() not in (None, "]"):
                size.append(self.take())
            self.take()
            dimensions.append(int("".join(size), 0) if len(size) == 1 and
                              size[0].isdigit() else None)
        for count in reversed(dimensions):
            base = ctype.Array(base, count)
        return base


def _qualify(base, qualifiers):
    # gcc's DWARF nests qualifiers in one order whatever the source's:
    # const outermost ("void volatile const*").
    for qualifier in ("restrict", "volatile", "const"):
        if qualifier in qualifiers:
            base = ctype.Qualified(qualifier, base)
    return base


def parse_parameter(tokens, types, type_macro=None):
    """(name, CType) of one parameter declaration (tokens from minicpp);
    an array parameter is the pointer C makes of it.  `type_macro(name)`
    gives the body of an object-like macro (or None), for types spelled
    with one."""
    parser = _Parser(tokens, types, type_macro)
    specifier, qualifiers = parser.specifiers()
    name, parsed = parser.declarator(_qualify(specifier, qualifiers))
    if isinstance(parsed, ctype.Array):
        parsed = ctype.Pointer(parsed.element)
    if name is None:
        raise DeclarationError("no parameter name in '%s'"
                               % " ".join(t.text for t in tokens))
    return name, parsed
