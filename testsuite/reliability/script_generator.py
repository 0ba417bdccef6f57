"""Random, well-typed SystemTap scripts, for fuzzing passes 3 to 5.

Unlike the pass-2 fuzzer (testsuite/elaborate/test_fuzz.py), which mixes up
types on purpose, these scripts are meant to be accepted by pass 2: their
globals, locals and functions are used with one type each, and every local
is set before it is read. What they exercise is the translator and the
runtime: arithmetic (division and shifts included), strings and their
functions, arrays with two-column keys, statistics and histograms, foreach
with sorting and limits, delete, try/catch, error(), function calls, and
the probe kinds that fire on their own (begin, end, timers, a kprobe on
vfs_read). Every script ends itself (timer.ms exit).

    generate(random.Random(seed)) -> script text
"""

import random

LONG_BINARY = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "<", "<=", "==", "!=",
               ">", ">=", "&&", "||"]
STRING_LITERALS = ['""', '"a"', '"hello world"', '"tab\\there"', '"quote\\"d"',
                   '"%s"', '"ünïcödé"', '"' + "x" * 40 + '"']
FORMATS = [("%d", "long"), ("%s", "string"), ("%x", "long"), ("%5d", "long"),
           ("%-8s|", "string"), ("%#o", "long"), ("%c", "char"), ("%u", "long"),
           ("%.3s", "string"), ("%+d", "long"), ("%p", "long"), ("%b", "long")]


class ScriptGenerator:
    def __init__(self, rng):
        self.r = rng
        self.depth = 0

    # -- expressions ---------------------------------------------------------------------
    def long(self, scope, depth=0):
        r = self.r
        atoms = [lambda: str(r.choice([0, 1, 2, 7, -3, 255, 1 << 40, -(1 << 62), 9223372036854775807])),
                 lambda: r.choice(scope.longs), lambda: "g_n",
                 lambda: "g_a[%s, %s]" % (self.key(scope), self.string(scope, depth + 2)),
                 lambda: "@count(g_st)", lambda: "pid()", lambda: "cpu()",
                 lambda: "strlen(%s)" % self.string(scope, depth + 1)]
        if depth >= 3:
            return r.choice(atoms)()
        compound = [
            lambda: "(%s %s %s)" % (self.long(scope, depth + 1), r.choice(LONG_BINARY),
                                    self.long(scope, depth + 1)),
            lambda: "(%s ? %s : %s)" % (self.long(scope, depth + 1), self.long(scope, depth + 1),
                                        self.long(scope, depth + 1)),
            lambda: "(%s%s)" % (r.choice(["-", "!", "~"]), self.long(scope, depth + 1)),
            lambda: "([%s, %s] in g_a)" % (self.key(scope), self.string(scope, depth + 1)),
            lambda: "(%s %s %s)" % (self.string(scope, depth + 1), r.choice(["==", "!=", "<", ">"]),
                                    self.string(scope, depth + 1)),
            lambda: "isinstr(%s, %s)" % (self.string(scope, depth + 1), self.string(scope, depth + 1)),
            lambda: "strtol(%s, 10)" % r.choice(['"42"', '"-17"', '"x"', '""']),
            lambda: "f_long(%s, %s)" % (self.long(scope, depth + 1), self.string(scope, depth + 1)),
        ]
        return r.choice(atoms + compound)()

    def key(self, scope):
        return "(%s %% 8)" % self.long(scope, 3)

    def string(self, scope, depth=0):
        r = self.r
        atoms = [lambda: r.choice(STRING_LITERALS), lambda: r.choice(scope.strings),
                 lambda: "g_s", lambda: "execname()"]
        if depth >= 3:
            return r.choice(atoms)()
        compound = [
            lambda: "(%s . %s)" % (self.string(scope, depth + 1), self.string(scope, depth + 1)),
            lambda: 'sprintf("%%d-%%s", %s, %s)' % (self.long(scope, depth + 1),
                                                   self.string(scope, depth + 1)),
            lambda: "substr(%s, %s, %s)" % (self.string(scope, depth + 1), self.long(scope, 3),
                                            self.long(scope, 3)),
            lambda: "str_replace(%s, %s, %s)" % (self.string(scope, depth + 1), r.choice(['"a"', '"l"']),
                                                 self.string(scope, 3)),
            lambda: "sprint(%s)" % self.long(scope, depth + 1),
            lambda: "text_str(%s)" % self.string(scope, depth + 1),
            lambda: "f_string(%s)" % self.long(scope, depth + 1),
        ]
        return r.choice(atoms + compound)()

    # -- statements ----------------------------------------------------------------------
    def statement(self, scope, depth=0):
        r = self.r
        simple = [
            lambda: "%s = %s" % (r.choice(scope.longs), self.long(scope)),
            lambda: "%s = %s" % (r.choice(scope.strings), self.string(scope)),
            lambda: "%s .= %s" % (r.choice(scope.strings), self.string(scope, 2)),
            lambda: "g_n %s %s" % (r.choice(["+=", "-=", "*=", "/=", "%=", "<<=", "|="]),
                                   self.long(scope, 2)),
            lambda: "g_n++",
            lambda: "g_s = %s" % self.string(scope),
            lambda: "g_a[%s, %s] = %s" % (self.key(scope), self.string(scope, 2), self.long(scope)),
            lambda: "g_a[%s, %s] += %s" % (self.key(scope), self.string(scope, 2),
                                           self.long(scope, 2)),
            lambda: "g_st <<< %s" % self.long(scope),
            lambda: "delete g_a[%s, %s]" % (self.key(scope), self.string(scope, 2)),
            lambda: self.printf(scope),
            lambda: "println(%s)" % self.long(scope),
            lambda: "println(%s)" % self.string(scope),
        ]
        if depth >= 2:
            return r.choice(simple)()
        nested = [
            lambda: "if (%s) { %s } else { %s }" % (self.long(scope), self.block(scope, depth + 1),
                                                  self.block(scope, depth + 1)),
            lambda: "for (%s = 0; %s < %d; %s++) { %s }" % (
                scope.loop, scope.loop, r.randint(0, 6), scope.loop, self.block(scope, depth + 1)),
            lambda: "foreach ([k1, k2] in g_a%s%s) { %s = g_a[k1, k2] + k1 }" % (
                r.choice(["", "-", "+"]), r.choice(["", " limit 3"]), r.choice(scope.longs)),
            lambda: "foreach (v = [k1, k2] in g_a) { %s .= sprintf(\"%%d:%%s=%%d \", k1, k2, v) }"
                    % r.choice(scope.strings),
            lambda: 'try { %s } catch (msg) { printf("caught %%s\\n", msg) }'
                    % self.block(scope, depth + 1),
            lambda: 'try { error(%s) } catch { println("caught") }' % self.string(scope, 2),
            lambda: "delete g_a",
        ]
        return r.choice(simple + nested)()

    def block(self, scope, depth):
        return "; ".join(self.statement(scope, depth) for _ in range(self.r.randint(1, 3)))

    def printf(self, scope):
        chosen = [self.r.choice(FORMATS) for _ in range(self.r.randint(1, 3))]
        args = []
        for _fmt, kind in chosen:
            if kind == "string":
                args.append(self.string(scope, 2))
            elif kind == "char":
                args.append(str(self.r.choice([65, 10, 0x263a])))
            else:
                args.append(self.long(scope, 2))
        fmt = " ".join(f for f, _ in chosen)
        return 'printf("%s\\n", %s)' % (fmt, ", ".join(args))

    # -- the script ----------------------------------------------------------------------
    def body(self, statements):
        scope = Scope()
        head = "x = %d; y = 0; s = \"\"; t = \"t\"" % self.r.randint(-5, 5)
        return "{ %s; %s }" % (head, "; ".join(self.statement(scope) for _ in range(statements)))

    def script(self):
        r = self.r
        parts = ["global g_n, g_s, g_a, g_st, g_hits",
                 # the functions every expression may call
                 "function f_long(a, b:string) { %s return %s }" % (
                     "if (a > 3) return strlen(b);", "a * 2 + strlen(b)"),
                 "function f_string:string (a) { return sprintf(\"<%d>\", a) }",
                 # every global set once, so that each has its type
                 'probe begin(-1) { g_n = 1; g_s = "init"; g_a[0, "a"] = 1; g_st <<< 1; '
                 'g_hits = 0 }',
                 "probe begin %s" % self.body(r.randint(2, 5))]
        for _ in range(r.randint(1, 3)):
            parts.append("probe timer.ms(%d) %s" % (r.choice([5, 10, 37]), self.body(r.randint(1, 4))))
        if r.random() < 0.7:
            parts.append('probe kprobe.function("vfs_read") { g_hits++; if (g_hits %% 50 == 0) %s }'
                         % self.body(r.randint(1, 3)))
        parts.append("probe timer.ms(%d) { exit() }" % r.choice([150, 300]))
        parts.append('probe end { printf("n=%d hits=%d size=%d\\n", g_n, g_hits > 0, '
                     '@count(g_st)); if (@count(g_st)) { printf("%d %d %d %d\\n", @min(g_st), '
                     '@max(g_st), @avg(g_st), @sum(g_st)); print(@hist_log(g_st)) } '
                     'foreach ([a, b] in g_a- limit 5) printf("%d %s %d\\n", a, b, g_a[a, b]) }')
        return "\n".join(parts) + "\n"


class Scope:
    longs = ["x", "y"]
    strings = ["s", "t"]
    loop = "i"


def generate(rng):
    return ScriptGenerator(rng).script()


if __name__ == "__main__":
    import sys
    print(generate(random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 0)))
