"""Grading a task: the manifest (course.toml), the learner's tree, the test processes and the
plugin inside them, their verdicts, the results model, and the sandbox and namespaces the
learner's code runs in. What `grade 01` runs."""
