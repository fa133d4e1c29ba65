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
    stop: Callable[[], None] = _nothing

    @property
    def ready(self) -> bool:
        return not self.problem
