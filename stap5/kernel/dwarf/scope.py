"""A probe's view of the probed code from DWARF: the parameters and locals
of the function (or inlined instance) at the probe address, with their
types and Locations; globals by name; types by name."""

from stap5.kernel import ctype
from stap5.kernel.dwarf import die as D
from stap5.kernel.dwarf.expr import Unsupported, location_expression, to_location
from stap5.kernel.location import Location, Variable
from stap5.kernel.scope import Scope


class DwarfVariable(Variable):
    """A Variable with what -L needs: whether DWARF gives it a location at
    the probe address at all (even one stap5 cannot evaluate)."""

    listed = True


class DwarfScope(Scope):
    source = "dwarf"

    def __init__(self, function, pc, blocks=False):
        self.function = function
        self.blocks = blocks
        self.module = function.module
        self.module_name = function.module.name
        # a user binary is named by its path: its registers and memory
        # are the process's
        self.space = "user" if self.module_name.startswith("/") else "kernel"
        self.pc = pc
        self._variables = None

    # --- the function's variables ---------------------------------------------------

    def _scope_dies(self):
        """The DIEs whose variables are visible: the function's (or inlined
        instance's) own children, as stap lists them; for a statement,
        first those of the lexical blocks holding the probe address,
        innermost first."""
        blocks = []
        scope = self.function.die
        while self.blocks:
            inner = None
            for child in scope.children():
                if child.tag == D.TAG_lexical_block and any(
                        start <= self.pc < end
                        for start, end in self.module.dwarf.die_ranges(child)):
                    inner = child
                    break
            if inner is None:
                break
            blocks.append(inner)
            scope = inner
        return list(reversed(blocks)) + [self.function.die]

    def _read_variables(self):
        if self._variables is None:
            found = []
            for scope in self._scope_dies():
                for child in scope.children():
                    if child.tag not in (D.TAG_formal_parameter, D.TAG_variable):
                        continue
                    variable = self._variable(child)
                    if variable is not None:
                        found.append(variable)
            self._variables = found
        return self._variables

    def _variable(self, die):
        name = die.integrated(D.AT_name)
        if name is None:
            return None
        type_offset = die.integrated(D.AT_type)
        if type_offset is None:
            return None
        ctype_ = self.module.types.at(type_offset, die.unit)
        value = die.integrated(D.AT_location)
        listed = True
        if value is None:
            location = Location.unavailable("optimized out")
            listed = False
        else:
            try:
                expression = location_expression(die.unit, value, self.pc)
            except Unsupported as exc:
                expression = None
                location = Location.unavailable(str(exc))
            if expression is None:
                location = Location.unavailable("not accessible at this address")
                listed = False
            else:
                location = self.location(expression)
        variable = DwarfVariable(name, ctype_, location,
                                 is_parameter=die.tag == D.TAG_formal_parameter,
                                 decl_file=_decl_file(die), decl_line=die.integrated(D.AT_decl_line))
        variable.listed = listed
        return variable

    def location(self, expression):
        try:
            return to_location(expression, self._frame_base)
        except Unsupported as exc:
            return Location.unavailable(str(exc))
        except (IndexError, ValueError, KeyError):
            return Location.unavailable("malformed DWARF expression")

    def _frame_base(self, cfa=False):
        """Ops pushing the frame base (or the CFA) at the probe address."""
        if not cfa:
            function = self._containing_subprogram()
            expression = None
            if function is not None:
                value = function.get(D.AT_frame_base)
                if value is not None:
                    expression = location_expression(function.unit, value, self.pc)
            if expression is None:
                raise Unsupported("no frame base at this address")
            if expression != b"\x9c":
                location = to_location(expression, None)
                if location.kind == "register":
                    return [("reg", location.ops[0][1])]
                return list(location.ops)
        rule = self.module.frames().cfa(self.pc)
        if rule is None or rule[0] is None:
            raise Unsupported("no CFA at this address")
        register, offset = rule
        return [("breg", register, offset)]

    def _containing_subprogram(self):
        die = self.function.die
        if die.tag == D.TAG_subprogram and D.AT_frame_base in die.attrs:
            return die
        for child in die.unit.root.children():
            if child.tag != D.TAG_subprogram or D.AT_frame_base not in child.attrs:
                continue
            for start, end in self.module.dwarf.die_ranges(child):
                if start <= self.pc < end:
                    return child
        return None

    # --- Scope ----------------------------------------------------------------------

    def parameters(self):
        return [v for v in self._read_variables() if v.is_parameter]

    def locals(self):
        return [v for v in self._read_variables() if not v.is_parameter]

    def listed_variables(self):
        """The variables -L shows, in DWARF order: those with a location
        at the probe address."""
        return [v for v in self._read_variables() if v.listed]

    def variable(self, name):
        for variable in self._read_variables():
            if variable.name == name:
                return variable
        return None

    def return_type(self):
        """The return type stap lists for `.return` ($return:type), None
        for a function returning void."""
        ctype_ = self.function.return_type()
        return None if isinstance(ctype_, ctype.Void) else ctype_

    def return_variable(self):
        ctype_ = self.function.return_type()
        if isinstance(ctype_, ctype.Void):
            return None
        return Variable("return", ctype_, Location.register(0))

    def describe(self):
        """4.8's "dieoffset 0x32cb7a6 in kernel, near pc 0xffffffff813669e0
        in vfs_read fs/read_write.c"."""
        die = self.function.die
        return "dieoffset %#x in %s, near pc %#x in %s %s" % (
            die.offset, self.module_name, self.pc, self.function.name, die.unit.name or "")

    def global_variable(self, name, file_pattern=None, module=None):
        from stap5.kernel.dwarf.reader import file_matches
        declaration = None
        for die in self.module.global_variables(name):
            decl = _decl_file(die)
            if file_pattern is not None and not (decl and file_matches(decl, file_pattern)):
                continue
            type_offset = die.integrated(D.AT_type)
            if type_offset is None:
                continue
            value = die.integrated(D.AT_location)
            if value is None:
                declaration = declaration or (die, type_offset, decl)
                continue
            expression = location_expression(die.unit, value, self.pc)
            return Variable(name, self.module.types.at(type_offset, die.unit),
                            self.location(expression), decl_file=decl,
                            decl_line=die.integrated(D.AT_decl_line))
        if declaration is not None:
            # Declared, defined where DWARF does not see it (a linker
            # alias like `jiffies`): the symbol table knows its address.
            die, type_offset, decl = declaration
            address = self.module.symbol_address(name)
            if address is not None:
                return Variable(name, self.module.types.at(type_offset, die.unit),
                                Location.memory(("addr", address)), decl_file=decl,
                                decl_line=die.integrated(D.AT_decl_line))
        return None

    def find_type(self, name, module=None):
        # "kernel<linux/fs.h>": the header only helps 4.8 build the type;
        # the type is the module's own either way.
        wanted = (module or self.module_name).split("<")[0] or self.module_name
        if wanted != self.module_name:
            return None
        return self.module.find_type(name)


def _decl_file(die):
    index = die.integrated(D.AT_decl_file)
    if index is None:
        return None
    # the file index belongs to the unit of the DIE that carries it
    holder = die
    for _ in range(4):
        if D.AT_decl_file in holder.attrs:
            break
        holder = holder.origin()
        if holder is None:
            return None
    return holder.unit.file_name(index)


class DwarfModuleScope(DwarfScope):
    """A whole module (the kernel) as a Scope, for @cast and @var in
    probes that have no DWARF scope of their own: its types and globals,
    no function, no locals."""

    def __init__(self, module):
        self.function = None
        self.module = module
        self.module_name = module.name
        self.space = "user" if self.module_name.startswith("/") else "kernel"
        self.pc = 0
        self._variables = []

    def parameters(self):
        return []

    def locals(self):
        return []

    def return_variable(self):
        return None

    def describe(self):
        return None

    def _frame_base(self, cfa=False):
        raise Unsupported("no frame outside a function")
