"""--remote URL: the forms stap accepts, for the ones stap5 runs.

    ssh://[USER@]HOST[:PORT]   [USER@]HOST     over ssh
    direct://                                   this machine, no ssh (as stap's)

stap's libvirt:// and unix: targets are refused with a clear message.
"""

import re
from dataclasses import dataclass


class RemoteUrlError(Exception):
    pass


@dataclass(frozen=True)
class Target:
    url: str            # as the user wrote it
    scheme: str         # "ssh" or "direct"
    host: str = None
    user: str = None
    port: int = None

    @property
    def destination(self):
        """ssh's [USER@]HOST."""
        return f"{self.user}@{self.host}" if self.user else self.host


_SSH = re.compile(r"(?:(?P<user>[^@/:\s]+)@)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^@/:\s\[\]]+)"
                  r"(?::(?P<port>[0-9]+))?/?$")


def parse(url):
    if url == "direct://":
        return Target(url, "direct")
    if url.startswith("unix:"):
        raise RemoteUrlError(f"stap5 does not support unix remotes yet: '{url}'")
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "ssh", url
    if scheme in ("libvirt", "stapsh"):
        raise RemoteUrlError(f"stap5 does not support {scheme} remotes yet: '{url}'")
    if scheme != "ssh":
        raise RemoteUrlError(f"Unsupported remote URL scheme '{scheme}' in '{url}'")
    match = _SSH.match(rest)
    if not match:
        raise RemoteUrlError(f"Invalid remote URL '{url}': ssh://[USER@]HOST[:PORT] expected")
    port = match.group("port")
    if port is not None and not 0 < int(port) < 65536:
        raise RemoteUrlError(f"Invalid port in remote URL '{url}'")
    host = match.group("host").strip("[]")
    return Target(url, "ssh", host, match.group("user"), int(port) if port else None)
