"""Testing the tests: selftest (solutions full marks, the starter zero), the scoring rules,
degenerate versions, must and shape breakers, mutants, docs/tests/manifest consistency, and
the scaffold of a new task. What `make verify` and a course author run."""
