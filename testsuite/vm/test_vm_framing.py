"""The host/agent framing (stap5/vm/framing.py): no guest needed."""

import pytest

from stap5.vm import framing as P


def test_frames_survive_any_split_of_the_byte_stream():
    stream = (P.frame(P.SPAWN, 7, {"argv": ["echo", "é"], "env": {}})
              + b"".join(P.frames(P.STDOUT, 7, bytes(range(256)) * 9000))   # > 2 frames
              + P.frame(P.STDERR, 7, b"") + P.frame(P.EXIT, 7, {"status": -9}))
    for step in (1, 3, 4096, len(stream)):
        reader, got = P.Reader(), []
        for i in range(0, len(stream), step):
            got += list(reader.feed(stream[i:i + step]))
        assert [(k, i) for k, i, _ in got] == \
            [(P.SPAWN, 7), (P.STDOUT, 7), (P.STDOUT, 7), (P.STDOUT, 7), (P.STDERR, 7), (P.EXIT, 7)]
        assert P.decode(got[0][2]) == {"argv": ["echo", "é"], "env": {}}
        assert b"".join(p for k, _, p in got if k == P.STDOUT) == bytes(range(256)) * 9000
        assert P.decode(got[-1][2]) == {"status": -9}


def test_a_corrupt_length_is_refused():
    with pytest.raises(ValueError):
        list(P.Reader().feed(P.HEADER.pack(P.STDOUT, 1, P.MAX_PAYLOAD + 1)))
