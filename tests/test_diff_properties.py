"""Properties of diff: it is empty on equal ledgers, complete, and symmetric."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import edited_model_ledgers, valid_model_ledgers

from gmsc_cli.domain.arithmetic import compute
from gmsc_cli.domain.diff import apply, diff_ledgers
from gmsc_cli.domain.model import Ledger
from gmsc_cli.domain.reconcile import reconcile
from gmsc_cli.views.diff import diff_json


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Ledger, Ledger]:
    """Two ledgers: the second an edit of the first, or another ledger altogether."""
    old = draw(valid_model_ledgers())
    new = draw(edited_model_ledgers(old) | valid_model_ledgers())
    return old, new


SWAP = {
    "old": "new",
    "new": "old",
    "added": "removed",
    "removed": "added",
    "before": "after",
    "after": "before",
    "old_source": "new_source",
    "new_source": "old_source",
}


def mirrored(value: Any) -> Any:
    """A diff document read backwards: old and new, added and removed, before and after
    swapped, every [before, after] figure reversed."""
    if isinstance(value, dict):
        out = {SWAP.get(k, k): mirrored(v) for k, v in value.items()}
        if out.get("change") in ("added", "removed"):
            out["change"] = SWAP[out["change"]]
        return out
    if isinstance(value, list):
        if len(value) == 2 and all(v is None or isinstance(v, int) for v in value):
            return value[::-1]
        return [mirrored(v) for v in value]
    return value


class TestDiffProperties:
    @given(valid_model_ledgers())
    @settings(max_examples=100, deadline=None)
    def test_a_ledger_against_itself_is_empty(self, ledger: Ledger) -> None:
        """For any ledger A, diff(A, A) reports nothing and no figure moves."""
        diff = diff_ledgers(ledger, ledger)
        assert diff.same
        assert diff.cohorts == diff.published == diff.moves == diff.counting == ()
        assert diff.before == diff.after

    @given(pairs())
    @settings(max_examples=150, deadline=None)
    def test_applying_the_changes_gives_the_new_figures(self, pair: tuple[Ledger, Ledger]) -> None:
        """For any A and B, A with the reported changes made has B's figures (and is B,
        up to order), and the reported before/after are A's and B's reconciliations."""
        old, new = pair
        diff = diff_ledgers(old, new)
        patched = apply(old, diff)
        assert compute(patched) == compute(new)
        # The figures of the bridge (its lists of entries follow the file's order).
        assert [b[:12] for b in reconcile(patched).cohorts] == [
            b[:12] for b in reconcile(new).cohorts
        ]
        assert diff_ledgers(patched, new).same
        assert diff.after.unique_declared == reconcile(new).unique_declared
        assert diff.before.unique_identified == reconcile(old).unique_identified
        assert diff.same == (diff_ledgers(new, old).same)

    @given(pairs())
    @settings(max_examples=150, deadline=None)
    def test_reversed_is_the_mirror_image(self, pair: tuple[Ledger, Ledger]) -> None:
        """For any A and B, diff(B, A) is diff(A, B) read backwards."""
        old, new = pair
        forward = json.loads(diff_json(diff_ledgers(old, new), "A", "B"))
        backward = json.loads(diff_json(diff_ledgers(new, old), "B", "A"))
        assert backward == mirrored(forward)
