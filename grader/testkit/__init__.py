"""What the course's tests use: the stack fixtures, recorders for events and mail, and
assertion helpers whose failure messages say what was expected and what came back."""
