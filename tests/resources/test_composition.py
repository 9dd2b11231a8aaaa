"""The composition of resources, pure: who is a part or a composite of whom, how many units a
holding elsewhere takes, and which new parts would make a loop."""

from __future__ import annotations

from pooling.resources.composition import Composition

# A wing (1) made of a hall (2) and an office (5); the hall is rooms 3 and 4; a kit (6) takes
# one of 40 chairs (7).
POLE = Composition({1: frozenset({2, 5}), 2: frozenset({3, 4}), 6: frozenset({7})})


def test_parts_and_composites_go_through_every_level():
    assert POLE.parts(1) == {2, 3, 4, 5}
    assert POLE.composites(3) == {1, 2}
    assert POLE.related(2) == {1, 3, 4}
    assert POLE.related(5) == {1}
    assert POLE.family([3, 6]) == {1, 2, 3, 6, 7}


def test_a_composite_takes_one_unit_of_a_part_and_a_part_takes_all_of_a_composite():
    assert POLE.units_held(7, 40, holder_id=6, units=1) == 1
    assert POLE.units_held(3, 1, holder_id=1, units=1) == 1
    assert POLE.units_held(6, 2, holder_id=7, units=1) == 2
    assert POLE.units_held(1, 1, holder_id=4, units=1) == 1
    assert POLE.units_held(4, 1, holder_id=4, units=1) == 1
    # Siblings do not touch each other: room 3 is not held by room 4's booking.
    assert POLE.units_held(3, 1, holder_id=4, units=1) == 0
    assert POLE.units_held(5, 1, holder_id=2, units=1) == 0


def test_a_part_that_contains_its_composite_would_make_a_loop():
    assert POLE.would_cycle(3, [1])
    assert POLE.would_cycle(3, [2])
    assert POLE.would_cycle(2, [2])
    assert not POLE.would_cycle(3, [5])
    assert not POLE.would_cycle(1, [6])
    assert not Composition()
