"""The benchmark framework works (the benchmarks themselves are run by
`make bench`, not by the tests: they measure, they assert nothing)."""

import io
import subprocess
import sys

from testsuite.bench import Report, run_sections, section_names


def test_sections_are_discovered():
    names = section_names()
    assert "parse" in names
    assert not any(name.startswith(("_", "test_")) for name in names)


def test_report_prints_results_and_tables():
    out = io.StringIO()
    report = Report(out)
    report.begin("demo", "a demo")
    report.add("speed", 12345.6, "lines/s", "note")
    report.add("ratio", 1.25, "x")
    report.table(["command", "a", "b"], [["x", "1.0 s", "2.0 s"]])
    text = out.getvalue()
    assert "== demo: a demo" in text
    assert "12,346" in text and "lines/s" in text and "1.25" in text
    assert "command" in text and "2.0 s" in text
    assert report.results[0] == ("demo", "speed", 12345.6, "lines/s", "note")


def test_a_failing_section_does_not_stop_the_run(monkeypatch):
    import testsuite.bench as bench

    class Broken:
        __doc__ = "Broken section"

        @staticmethod
        def run(report, quick=False):
            raise RuntimeError("boom")

    class Skipping:
        __doc__ = "Skipping section"

        @staticmethod
        def run(report, quick=False):
            report.skip("not here")

    modules = {"broken": Broken, "skipping": Skipping}
    monkeypatch.setattr(bench, "load_section", modules.__getitem__)
    out = io.StringIO()
    assert run_sections(["broken", "skipping"], Report(out)) == ["broken"]
    assert "FAILED: RuntimeError: boom" in out.getvalue()
    assert "skipped: not here" in out.getvalue()


def test_command_line_lists_sections():
    proc = subprocess.run([sys.executable, "-m", "testsuite.bench", "--list"],
                          capture_output=True, text=True, cwd=bench_project_dir())
    assert proc.returncode == 0 and "parse" in proc.stdout.split()
    proc = subprocess.run([sys.executable, "-m", "testsuite.bench", "no-such-section"],
                          capture_output=True, text=True, cwd=bench_project_dir())
    assert proc.returncode == 2 and "no such section" in proc.stderr


def bench_project_dir():
    from testsuite.bench.__main__ import PROJECT_DIR
    return PROJECT_DIR
