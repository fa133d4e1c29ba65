"""The instructor's tools: batch grading of many forks into a gradebook, and the learner
release of the kit."""
