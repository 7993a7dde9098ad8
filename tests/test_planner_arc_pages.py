"""The session page runs the arc rules that need to know the group: who is in it and which week it is."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.planner import service
from facilitator.planner.models import GroupSession, Programme
from tests.conftest import sign_in
from tests.planner_helpers import shipped_exercise


def plan_with(app, owner_id: int, slug: str, audience: str, **fields) -> int:
    with app.app_context():
        session = GroupSession(owner_id=owner_id, title="Tuesday group", target_minutes=60, audience=audience, **fields)
        db.session.add(session)
        db.session.commit()
        service.add_exercise(session, shipped_exercise("arrival-weather-report"))
        service.add_exercise(session, shipped_exercise(slug))
        service.add_exercise(session, shipped_exercise("closing-one-word"))
        return session.id


def test_facilitator_sees_that_a_couples_exercise_does_not_fit_a_mens_group(app, client, user, synced):
    mens = plan_with(app, user.id, "hands-and-presence-for-couples", "men")
    couples = plan_with(app, user.id, "hands-and-presence-for-couples", "couples")
    sign_in(client, user)
    assert "is a couples exercise, and this is a men&#39;s group" in client.get(f"/sessions/{mens}").text
    assert "is a couples exercise, and this is a men" not in client.get(f"/sessions/{couples}").text


def test_facilitator_sees_a_deep_exercise_in_the_first_half_of_a_programme(app, client, user, synced):
    with app.app_context():
        programme = Programme(owner_id=user.id, title="Six weeks")
        db.session.add(programme)
        db.session.commit()
        programme_id = programme.id
    deep = "what-opening-up-cost-and-gave-me"
    weeks = [plan_with(app, user.id, deep, "men", programme_id=programme_id, week_number=n) for n in range(1, 7)]
    sign_in(client, user)
    second, fifth = client.get(f"/sessions/{weeks[1]}").text, client.get(f"/sessions/{weeks[4]}").text
    marker = "the group is still finding out whether it is safe"
    assert marker in second
    assert marker not in fifth
