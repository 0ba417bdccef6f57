"""A compiled Program as C, through the macros of templates/regex.j2."""

from stap5.translate.regex.captures import ACCEPT_STEP, MAX_GROUPS


def _template():
    from stap5.templates import template_environment
    return template_environment().get_template("regex.j2").module


def _state_type(count):
    return "uint8_t" if count <= 256 else "uint16_t"


def comment(pattern):
    """The pattern for a C comment: printable, and no `*/` to end it."""
    text = "".join(ch if " " <= ch <= "~" else "\\x%02x" % ord(ch) for ch in pattern)
    return '=~ "%s"' % text.replace("*/", "*\\/").replace("??", "?\\?")


class _View:
    """What a matcher macro reads: plain numbers and lists."""

    def __init__(self, program, cname):
        self.name = cname
        self.comment = comment(program.pattern)
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


def render(program, cname):
    view = _View(program, cname)
    if program.captures is not None:
        return _template().capture_matcher(view)
    return _template().search_matcher(view)


def match_struct():
    """The C declaration of struct stp_regex_match (what c->regex_match is)."""
    return _template().match_struct(MAX_GROUPS)
