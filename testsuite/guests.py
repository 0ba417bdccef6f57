"""The guests the tests share (see the `guest` fixture in conftest.py and
testsuite/reliability)."""


class SessionGuest:
    """A stap5.vm.Guest (of `cpus` virtual CPUs) that reboots on demand when
    the previous one died, so that one crash does not fail every later test."""

    def __init__(self, cpus=1):
        self._guest = None
        self.cpus = cpus
        self.boots = 0

    def _boot(self):
        from stap5.vm import Guest
        return Guest.boot(fetch=False, cpus=self.cpus)

    def current(self):
        if self._guest is None or not self._guest.alive:
            if self._guest is not None:
                self._guest.kill()
            self._guest = self._boot()
            self.boots += 1
        return self._guest

    def __getattr__(self, name):
        return getattr(self.current(), name)

    def close(self):
        if self._guest is not None:
            self._guest.close()
            self._guest = None


def serve(shared):
    """The body of a fixture handing out `shared` (a SessionGuest): booted
    first (the test is skipped if no guest can be booted here), closed
    after. Use: `yield from serve(SessionGuest())`."""
    import pytest
    from stap5.vm import GuestUnavailable
    try:
        shared.current()
    except GuestUnavailable as e:
        pytest.skip(str(e))
    yield shared
    shared.close()
