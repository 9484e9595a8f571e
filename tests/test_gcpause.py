"""The cycle collector is paused inside the block and left as it was found after it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from mscowl.rdf.gcpause import paused_gc


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.enable()
    yield
    if enabled:  # as it was found, whatever the test left
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_enabled")
def test_paused_inside_and_enabled_again_after() -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_enabled_again_after_an_error_in_the_block() -> None:
    with pytest.raises(KeyError), paused_gc():
        raise KeyError("boom")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_a_collector_paused_by_the_caller_stays_paused() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()
