"""Run mode's data: each item's steps, with the minute within the item where each step begins."""

from __future__ import annotations

from dataclasses import dataclass

from ..library.parse import parse_steps
from .review import Timeline


@dataclass(frozen=True)
class RunStep:
    title: str
    minutes: int
    starts_at: int  # minutes into the item, scaled when the item's minutes were changed


def steps_for(sections: dict[str, str], item_minutes: int) -> list[RunStep]:
    """The exercise's numbered steps, stretched or squeezed to the minutes the item now has."""
    steps = parse_steps(sections.get("Steps", ""))
    planned = sum(step.minutes for step in steps)
    if not steps or not planned:
        return []
    scale, elapsed, result = item_minutes / planned, 0.0, []
    for step in steps:
        result.append(RunStep(title=step.title.rstrip(". "), minutes=round(step.minutes * scale), starts_at=round(elapsed)))
        elapsed += step.minutes * scale
    return result


def run_steps(plan: Timeline) -> dict[int, list[RunStep]]:
    """Steps by agenda item id; breaks and blocks have none."""
    return {
        row.item.id: steps_for(row.item.exercise.sections, row.item.minutes)
        for row in plan.rows
        if row.item.kind == "exercise" and row.item.exercise is not None
    }
