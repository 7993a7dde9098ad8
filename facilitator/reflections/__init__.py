"""Reflections: anonymous forms participants answer from a phone, and the results facilitators see.

Facilitator side: `views.py`, `results_views.py`, `service.py` (forms and questions), `results.py`,
`export.py`, `charts.py`, `trends.py`, `moderation.py`. Participant side: `participant_views.py`,
`submissions.py` (tokens, reading and storing answers), `form_cache.py` (a form as plain data).
Both: `codes.py`, `addresses.py`. Other features ask through `session_links.py`.
"""
