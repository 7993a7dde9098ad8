"""A curious facilitator's every move, in any order: submit, view, close, reopen, delete.

Hypothesis drives the real app (test client, real database) through random sequences and checks,
after every step, the promise of docs/privacy.md: no output ever contains a released group of fewer
than k people, and no person label carries part of one response.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from facilitator.extensions import db
from facilitator.reflections.models import ReflectionForm
from tests.reflections_helpers import ALL_KINDS, answer, form_code, make_form, question_ids, token_from

K = 3
KINDS = (ALL_KINDS[0], ALL_KINDS[2], ALL_KINDS[5])  # a scale and a choice (linked), one word (unlinked)


def test_no_output_ever_shows_a_group_under_k_or_part_of_a_response(app, client, signed_in, user):
    counter = iter(range(10**6))

    class CuriousFacilitator(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.form_id = make_form(app, user.id, kinds=KINDS)
            with app.app_context():
                form = db.session.get(ReflectionForm, self.form_id)
                for question in form.questions:
                    question.linked = question.type != "word"
                db.session.commit()
            self.code, self.ids = form_code(app, self.form_id), question_ids(app, self.form_id)
            self.open, self.held, self.released, self.tokens = True, [], [], []

        @rule(scale=st.none() | st.integers(1, 5), choice=st.none() | st.sampled_from(("Listening", "Talking", "Quiet")),
              has_word=st.booleans())  # fmt: skip
        def submit(self, scale, choice, has_word) -> None:
            person = {"scale5": str(scale) if scale else None, "single": choice,
                      "word": f"zqw{next(counter)}" if has_word else None}  # fmt: skip
            sent = {self.ids[key]: value for key, value in person.items() if value}
            page = client.get(f"/r/{self.code}")
            if not self.open:
                assert page.status_code == 410
                return
            token = token_from(page.text)
            assert answer(client, self.code, sent, token=token).status_code == 303
            self.tokens.append((token, sent))
            self.held.append(person)
            if len(self.held) >= K:
                self.released += self.held
                self.held = []

        @precondition(lambda self: self.tokens)
        @rule(data=st.data())
        def replay_a_spent_token(self, data) -> None:
            token, sent = data.draw(st.sampled_from(self.tokens))
            answer(client, self.code, sent, token=token)  # stores nothing, whatever it answers

        @precondition(lambda self: self.open)
        @rule()
        def close(self) -> None:
            signed_in.post(f"/reflections/{self.form_id}/close")
            if len(self.held) >= K:
                self.released += self.held
            self.held, self.open = [], False

        @precondition(lambda self: not self.open)
        @rule()
        def reopen(self) -> None:
            signed_in.post(f"/reflections/{self.form_id}/open")
            self.open = True

        @rule()
        def delete_all_answers(self) -> None:
            signed_in.post(f"/reflections/{self.form_id}/delete-answers")
            self.held, self.released = [], []

        @invariant()
        def outputs_hold_whole_groups_of_whole_responses(self) -> None:
            base = f"/reflections/{self.form_id}"
            pages = [signed_in.get(f"{base}/results").text, signed_in.get(f"{base}/wall/panels").text,
                     signed_in.get(f"{base}/moderate").text]  # fmt: skip
            rows = list(csv.DictReader(io.StringIO(signed_in.get(f"{base}/results.csv").text.lstrip("\ufeff"))))
            # Every word still waiting, or deleted at a close, is in no output at all.
            shown_words = {p["word"] for p in self.released if p["word"]}
            every_word = {row["answer"] for row in rows} | {w for page in pages for w in _words(page)}
            assert every_word <= shown_words | _not_words(rows), every_word - shown_words
            # Per question: exactly the released people's answers, or nothing below k.
            for key in ("scale5", "single", "word"):
                expected = Counter(p[key] for p in self.released if p[key])
                got = Counter(row["answer"] for row in rows if row["question_key"] == _key(key, self.ids, rows))
                assert got == (expected if sum(expected.values()) >= K else Counter()), key
            # Each person label carries one whole response's linked answers.
            labelled: dict[str, dict[str, str]] = {}
            for row in rows:
                if row["person"]:
                    labelled.setdefault(row["person"], {})[row["question_number"]] = row["answer"]
            shown_numbers = {row["question_number"] for row in rows}
            whole = Counter(
                tuple(sorted((n, v) for n, v in (("1", p["scale5"]), ("2", p["single"])) if v and n in shown_numbers))
                for p in self.released
            )
            whole.pop((), None)
            assert Counter(tuple(sorted(carried.items())) for carried in labelled.values()) == whole
            assert len(self.released) == 0 or len(self.released) >= K

    run_state_machine_as_test(
        CuriousFacilitator,
        settings=settings(max_examples=12, stateful_step_count=14, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),  # fmt: skip
    )


def _words(page: str) -> set[str]:
    import re

    return set(re.findall(r"\bzqw\d+\b", page))


def _not_words(rows) -> set[str]:  # noqa: ANN001
    return {row["answer"] for row in rows if not row["answer"].startswith("zqw")}


def _key(kind: str, ids: dict, rows) -> str:  # noqa: ANN001
    """The question key of the question of this kind (keys are made from the prompts)."""
    question_id = ids[kind]
    return next((key for key, value in ids.items() if value == question_id and key != kind), kind)
