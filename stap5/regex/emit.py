"""A compiled Program as C, through the macros of templates/regex.j2."""

from stap5.regex.captures import ACCEPT_STEP


def _state_type(count):
    return "uint8_t" if count <= 256 else "uint16_t"


def printable(pattern):
    """The pattern as printable ASCII (for the matcher's comment)."""
    return "".join(ch if " " <= ch <= "~" else "\\x%02x" % ord(ch) for ch in pattern)


class _View:
    """What a matcher macro reads: plain numbers and lists."""

    def __init__(self, program, cname):
        self.name = cname
        self.pattern = printable(program.pattern)
        self.classes = program.classes
        self.ngroups = program.ngroups
        search = program.search
        self.constant = search.constant
        self.nlive = search.nlive
        self.next = search.next
        self.state_type = _state_type(search.nlive + 2)
        t = program.captures
        if t is None:
            return
        self.first = t.first.next
        self.first_type = _state_type(len(t.first))
        self.first_start = t.first.starts[0]
        self.first_flags = [at_zero | elsewhere << 1 for at_zero, elsewhere in t.first.flags]
        self.longest = t.longest.next
        self.longest_type = _state_type(len(t.longest))
        self.longest_starts = t.longest.starts
        self.longest_accepts = [int(flag) for flag in t.longest.flags]
        self.longest_dead = t.longest_dead
        self.exact = t.exact.next
        self.exact_start = t.exact.starts[0]
        self.member = [list(bits) for bits in t.member]
        self.step_index = t.step_index
        self.step_next = t.step_next
        self.step_set = t.step_set
        self.step_tags = t.step_tags
        self.step_ntags = t.step_ntags
        self.class_sets = [list(bits) for bits in t.class_sets]
        self.tags = t.tags
        self.accept_step = ACCEPT_STEP


def render(program, cname, templates):
    view = _View(program, cname)
    macros = templates.get_template("regex.j2").module
    if program.captures is not None:
        return macros.capture_matcher(view)
    return macros.search_matcher(view)
