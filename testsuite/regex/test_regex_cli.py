"""`=~` through stap5's command line: a bad pattern is a diagnostic at the
pattern and a non-zero exit (never a traceback); a good one becomes its
matcher in the generated C, once per distinct pattern."""

from testsuite.oracle.harness import run_stap5


def test_a_bad_pattern_is_a_semantic_error_at_the_pattern():
    out = run_stap5(["-p3", "-e", 'probe begin { if ("abc" =~ "(") print(1) }'])
    assert out.status == 1
    assert "regex compilation error (at position 0): expected ), found end of regex" \
        in out.stderr
    assert "<input>:1:28" in out.stderr            # the pattern's token, as 4.8 says
    assert "Traceback" not in out.stderr


def test_a_pattern_too_complex_is_refused_the_same_way():
    out = run_stap5(["-p3", "-e", 'probe begin { if ("ab" =~ "(a|b)*a(a|b){14}") print(1) }'])
    assert out.status == 1
    assert "pattern too complex" in out.stderr and "Traceback" not in out.stderr


def test_one_matcher_per_distinct_pattern():
    out = run_stap5(["-p3", "-e", 'probe begin { s = "sh"; '
                     'if (s =~ "^(ba)?sh$" || s !~ "^(ba)?sh$" || s =~ "z") print(1) }'])
    assert out.status == 0, out.stderr
    assert out.stdout.count('/* =~ "^(ba)?sh$" */') == 1
    assert out.stdout.count('/* =~ "z" */') == 1
