"""Reading one field of a library file at a time, collecting every problem instead of stopping."""

from __future__ import annotations

from pathlib import Path

from .files import CLOCK_PATTERN, SLUG_PATTERN, Problem


class FieldChecker:
    """Collects problems for one file while its fields are read."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        self.problems: list[Problem] = []

    def add(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.path, field_name, message))

    def text(self, data: dict, name: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.add(name, "is missing")
            return ""
        if not isinstance(value, str):
            self.add(name, f"must be text, not {type(value).__name__} ({value!r})")
            return ""
        value = value.strip()
        if max_length and len(value) > max_length:
            self.add(name, f"is {len(value)} characters long; at most {max_length} allowed")
        return value

    def integer(self, data: dict, name: str, *, low: int, high: int, required: bool = True) -> int | None:
        value = data.get(name)
        if value is None:
            if required:
                self.add(name, "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(name, f"must be a whole number, not {type(value).__name__} ({value!r})")
            return None
        if not low <= value <= high:
            self.add(name, f"is {value}; must be between {low} and {high}")
            return None
        return value

    def choice(self, data: dict, name: str, allowed: tuple[str, ...], *, required: bool = True) -> str:
        value = self.text(data, name, required=required)
        if value and value not in allowed:
            self.add(name, f"is {value!r}; must be one of {', '.join(allowed)}")
            return ""
        return value

    def boolean(self, data: dict, name: str, default: bool = False) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.add(name, f"must be true or false, not {value!r}")
            return default
        return value

    def text_list(self, data: dict, name: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = data.get(name, [])
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(name, f"must be a list of text, not {value!r}")
            return ()
        if allowed:
            for item in value:
                if item not in allowed:
                    self.add(name, f"has {item!r}; each must be one of {', '.join(allowed)}")
        return tuple(v.strip() for v in value)

    def slug(self, data: dict, expected: str | None) -> str:
        value = self.text(data, "slug")
        if value and not SLUG_PATTERN.match(value):
            self.add("slug", f"{value!r} may hold only lowercase letters, digits and single hyphens")
        elif value and expected and value != expected:
            self.add("slug", f"is {value!r} but the file is named {expected!r}")
        return value

    def clock(self, data: dict, name: str, *, required: bool = False) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.add(name, "is missing")
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 19:30 as a sexagesimal number.
            value = f"{value // 60:02d}:{value % 60:02d}"
        if not isinstance(value, str) or not CLOCK_PATTERN.match(value.strip()):
            self.add(name, f"is {value!r}; write a 24-hour clock time in quotes, like \"19:30\"")
            return ""
        return value.strip()
