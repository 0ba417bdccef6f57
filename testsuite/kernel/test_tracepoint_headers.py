"""Reading trace-event headers without a compiler: the small preprocessor,
the TP_PROTO declarations, and the tracepoints found."""

import pytest

from stap5.kernel import ctype
from stap5.kernel.tracepoints import headers, minicpp
from stap5.kernel.tracepoints.declarations import base_name, parse_parameter


def texts(tokens):
    return " ".join(t.text for t in tokens)


def test_macros_pasting_and_variadics():
    source = """
#define EVENT(name) DEFINE_EVENT(cls, rpc_##name, TP_PROTO(int a), TP_ARGS(a))
#define LIST(x...) f(x)
#define VA(fmt, ...) g(fmt, ##__VA_ARGS__)
EVENT(begin);
LIST(1, 2);
VA(a);
VA(a, b);
"""
    assert texts(minicpp.preprocess(source, {})) == (
        "DEFINE_EVENT ( cls , rpc_begin , TP_PROTO ( int a ) , TP_ARGS ( a ) ) ; "
        "f ( 1 , 2 ) ; g ( a ) ; g ( a , b ) ;")


def test_macros_as_defined_at_their_use():
    source = """
#define PROTO TP_PROTO(u64 t)
TRACE_EVENT(one, PROTO, x)
#undef PROTO
#define PROTO TP_PROTO(u32 c)
TRACE_EVENT(two, PROTO, x)
#undef PROTO
"""
    found = headers.scan_header(source, {})
    assert [(d.name, [texts(p) for p in d.parameters]) for d in found] == [
        ("one", ["u64 t"]), ("two", ["u32 c"])]


def test_conditionals_on_the_configuration():
    source = """
#if !defined(_TRACE_X_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_X_H
#ifdef CONFIG_RCU_TRACE
#define TRACE_EVENT_RCU TRACE_EVENT
#else
#define TRACE_EVENT_RCU TRACE_EVENT_NOP
#endif
TRACE_EVENT_RCU(traced, TP_PROTO(int a), TP_ARGS(a), , , )
#if IS_ENABLED(CONFIG_MOD) && CONFIG_NR > 2
TRACE_EVENT(module_and_number, TP_PROTO(int a), TP_ARGS(a), , , )
#elif defined(CONFIG_OTHER)
TRACE_EVENT(other, TP_PROTO(int a), TP_ARGS(a), , , )
#endif
DECLARE_EVENT_CLASS(cls, TP_PROTO(void), TP_ARGS(), , , )
DECLARE_TRACE(bare_tp, TP_PROTO(void), TP_ARGS())
#endif
"""
    def names(config):
        return [d.name for d in headers.scan_header(source, config)]
    assert names({}) == ["bare_tp"]
    assert names({"CONFIG_RCU_TRACE": 1, "CONFIG_MOD_MODULE": 1, "CONFIG_NR": 3}) == [
        "traced", "module_and_number", "bare_tp"]
    assert names({"CONFIG_MOD": 1, "CONFIG_NR": 2, "CONFIG_OTHER": 1}) == ["other", "bare_tp"]


def test_comments_and_strings():
    source = '/* TRACE_EVENT(no, TP_PROTO(int a)) */ // TRACE_EVENT(nor\n' \
             'TRACE_EVENT(yes, TP_PROTO(int a /* "x */), TP_ARGS(a), , , TP_printk("/*"))\n'
    assert [d.name for d in headers.scan_header(source, {})] == ["yes"]


def test_system_and_config_reading():
    assert headers.trace_system("#undef TRACE_SYSTEM\n#define TRACE_SYSTEM sched\n") == "sched"
    assert headers.read_config('#define CONFIG_A 1\n#define CONFIG_B "x"\n'
                               '#define CONFIG_C 0x10\n') == {
        "CONFIG_A": 1, "CONFIG_B": '"x"', "CONFIG_C": 16}


@pytest.mark.parametrize("words, name", [
    ("unsigned long", "long unsigned int"), ("long", "long int"),
    ("unsigned", "unsigned int"), ("signed char", "signed char"),
    ("short unsigned", "short unsigned int"), ("long long unsigned", "long long unsigned int"),
    ("long unsigned long int", "long long unsigned int"), ("_Bool", "_Bool")])
def test_base_type_names_as_gcc_names_them(words, name):
    assert base_name(words.split()) == name


@pytest.mark.parametrize("declaration, name, spelling", [
    ("const struct rpc_task *task", "task", "struct rpc_task const*"),
    ("const volatile void __iomem *addr", "addr", "void volatile const*"),
    ("unsigned long call_site", "call_site", "long unsigned int"),
    ("int (*fun)(unsigned int)", "fun", "int (*) (unsigned int)"),
    ("void (*handler)(void)", "handler", "void (*) (void)"),
    ("char *const argv[]", "argv", "char* const*"),
    ("struct page **pages", "pages", "struct page**"),
    ("enum ib_mr_type mr_type", "mr_type", "enum ib_mr_type"),
    ("unsigned char __user *buf", "buf", "unsigned char*"),
    ("pgoff_t index", "index", "long unsigned int"),     # a macro, not a typedef
    ("xfs_ino_t ino", "ino", "xfs_ino_t"),              # unknown here: kept by name
])
def test_declarations(declaration, name, spelling):
    macros = {"pgoff_t": "unsigned long"}
    parsed = parse_parameter(minicpp.tokenize(declaration), None, macros.get)
    assert (parsed[0], parsed[1].spelling()) == (name, spelling)


def test_declared_types_resolve_through_btf():
    class Types:
        known = ctype.Struct("task_struct", 9792, members=[])

        def find_type(self, name):
            return self.known if name == "struct task_struct" else None

        def typedef(self, name):
            return ctype.Typedef("u64", ctype.Base("long long unsigned int", 8,
                                                   ctype.UNSIGNED)) if name == "u64" else None
    name, parsed = parse_parameter(minicpp.tokenize("struct task_struct *p"), Types())
    assert parsed.target is Types.known
    name, parsed = parse_parameter(minicpp.tokenize("u64 delay"), Types())
    assert parsed.size == 8 and not parsed.is_signed
