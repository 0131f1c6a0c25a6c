import pytest
from sqlmodel import select

from vigor_app import db
from vigor_app.models import Exercise
from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue import store as catalogue_store

pytestmark = pytest.mark.usefixtures("database")


def _rows() -> dict[str, Exercise]:
    with db.read_only() as session:
        return {row.id: row for row in session.exec(select(Exercise))}


def test_migrated_database_holds_the_whole_catalogue():
    rows = _rows()
    assert set(rows) == {e.id for e in catalogue.all_exercises()}
    squat = catalogue.all_exercises()[0]
    assert rows[squat.id].name == squat.name
    assert rows[squat.id].details["cue"] == squat.cue


def test_sync_is_idempotent_and_repairs_drift():
    with db.transaction() as session:
        assert catalogue_store.sync_catalogue(session) == catalogue_store.SyncReport(0, 0, 0)
    first = catalogue.all_exercises()[0].id
    with db.transaction() as session:
        row = session.get(Exercise, first)
        row.name = "Edited by hand"
        session.add(row)
        session.add(Exercise(id="dropped-from-file", name="Old move", pattern="core", level="beginner"))
    with db.transaction() as session:
        report = catalogue_store.sync_catalogue(session)
    assert report == catalogue_store.SyncReport(added=0, updated=1, retired=1)
    rows = _rows()
    assert rows[first].name == catalogue.get_exercise(first).name
    assert rows["dropped-from-file"].retired


def test_a_custom_exercise_is_usable_by_its_owner_alone():
    from tests.factories import make_user
    from vigor_app.services.errors import ValidationError

    alice, bob = make_user("alice").user.id, make_user("bob").user.id
    hers = f"custom-{alice}-yoke-walk"
    with db.transaction() as session:
        session.add(Exercise(id=hers, name="Yoke walk", pattern="core", level="beginner",
                             details={"timed": True}, is_custom=True, owner_user_id=alice))
    squat = catalogue.all_exercises()[0]
    asked = [hers, squat.id, "dropped-from-file", f"custom-{alice}-nothing", 42, None, "x" * 5000]
    with db.read_only() as session:
        mine = catalogue_store.usable_exercises(session, alice, asked)
        theirs = catalogue_store.usable_exercises(session, bob, asked)
        assert catalogue_store.search(session, alice, "yoke") == [mine[hers]]
        assert catalogue_store.search(session, bob, "yoke") == []
        refusals = []
        for exercise_id in (hers, f"custom-{alice}-nothing", 42):
            with pytest.raises(ValidationError) as caught:
                catalogue_store.require_usable(session, bob, exercise_id)
            refusals.append(caught.value.message)
        assert catalogue_store.names(session, bob, [hers, squat.id]) == {squat.id: squat.name}
    assert set(mine) == {hers, squat.id}
    assert mine[hers] == catalogue_store.UsableExercise(hers, "Yoke walk", timed=True, custom=True)
    assert set(theirs) == {squat.id}
    assert len(set(refusals)) == 1  # the same words for "not yours" and "does not exist"
