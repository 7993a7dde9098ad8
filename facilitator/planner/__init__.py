"""The planner: sessions, programmes, the agenda with its timings and arc checks, run mode, and plan files."""
