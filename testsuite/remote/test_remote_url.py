"""--remote URLs as stap takes them, and what stap5 refuses (no guest needed)."""

import pytest

from stap5.cli import parse_args
from stap5.remote.hosts import Host
from stap5.remote.url import RemoteUrlError, Target, parse
from stap5.session import SessionError


@pytest.mark.parametrize("url, target", [
    ("ssh://host", Target("ssh://host", "ssh", "host")),
    ("ssh://root@10.1.2.3:2222", Target("ssh://root@10.1.2.3:2222", "ssh", "10.1.2.3", "root",
                                        2222)),
    ("admin@web-1.example.org", Target("admin@web-1.example.org", "ssh", "web-1.example.org",
                                       "admin")),
    ("ssh://[::1]:22", Target("ssh://[::1]:22", "ssh", "::1", None, 22)),
    ("direct://", Target("direct://", "direct")),
])
def test_accepted(url, target):
    assert parse(url) == target


@pytest.mark.parametrize("url, message", [
    ("ssh://host:99999", "Invalid port"),
    ("ssh://a:b", "Invalid remote URL"),
    ("ssh://", "Invalid remote URL"),
    ("libvirt://dom/qemu:///system", "does not support libvirt remotes"),
    ("unix:/tmp/sock", "does not support unix remotes"),
    ("http://host", "Unsupported remote URL scheme 'http'"),
])
def test_refused(url, message):
    with pytest.raises(RemoteUrlError, match=message):
        parse(url)


def test_the_command_line_checks_urls_and_combinations():
    session = parse_args(["--remote", "ssh://a", "--remote", "b@c:22", "--remote-prefix",
                          "-e", "probe begin {}"])
    assert session.remotes == ["ssh://a", "b@c:22"] and session.remote_prefix
    with pytest.raises(SessionError, match="Invalid port"):
        parse_args(["--remote", "ssh://a:0", "-e", "probe begin {}"])
    with pytest.raises(SessionError, match="--remote cannot be used with --vm"):
        parse_args(["--remote", "a", "--vm", "-e", "probe begin {}"])


def test_the_ssh_command_line(monkeypatch):
    monkeypatch.setenv("STAP5_SSH_COMMAND", "ssh -F /my/config")
    host = Host(0, parse("ssh://me@box:2200"))
    assert host.argv("uname -r") == ["ssh", "-F", "/my/config", "-q", "-x", "-p", "2200",
                                     "me@box", "sh -c 'uname -r'"]
    assert Host(1, parse("direct://")).argv("uname -r") == ["sh", "-c", "uname -r"]
