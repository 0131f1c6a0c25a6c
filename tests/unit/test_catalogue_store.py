import pytest
from sqlmodel import select

from vigor_app import db
from vigor_app.models import Exercise
from vigor_app.services import catalogue, catalogue_store

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
