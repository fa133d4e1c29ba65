"""What every backend provider returns: a running or reachable service, or why it is not."""

from dataclasses import dataclass, field
from typing import Callable


def _nothing() -> None:
    return None


@dataclass
class Backend:
    name: str  # "mongodb", "kafka", "mysql"
    where: str  # a URL or host:port, for messages
    env: dict[str, str] = field(default_factory=dict)  # the variables the app and the tests read
    problem: str = ""  # "" when ready; otherwise one line a learner can act on
    missing: bool = False  # the server software is not installed here: trying again cannot help
    stop: Callable[[], None] = _nothing
    # Set by a provider that returns while its server still starts: blocks until it is
    # ready and returns "" or the problem (so the tests' own start-up can overlap with it).
    pending: Callable[[], str] | None = None

    def wait(self) -> None:
        if self.pending is not None:
            check, self.pending = self.pending, None
            self.problem = check()
            if self.problem:
                self.stop()
                self.stop = _nothing

    @property
    def ready(self) -> bool:
        return not self.problem
