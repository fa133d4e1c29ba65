"""A Dockerfile as data, read with ``dockerfile-parse``: its stages, and for the stage an image
is built from (the last one, or a named target) the instructions that make it, its own and
those of the stages it is built ``FROM``. Nothing here runs Docker or builds anything."""

import io
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from dockerfile_parse import DockerfileParser


@dataclass
class Instruction:
    name: str  # upper case: FROM, RUN, COPY...
    value: str  # what follows the instruction word, continuation lines joined
    line: int  # 1-based, where it starts

    def words(self) -> list[str]:
        """Exec form (a JSON list) as the list; shell form split as a shell would."""
        text = self.value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
                if isinstance(parsed, list) and all(isinstance(w, str) for w in parsed):
                    return parsed
            except ValueError:
                pass
        try:
            return shlex.split(text, comments=False)
        except ValueError:
            return text.split()

    @property
    def exec_form(self) -> bool:
        return self.value.strip().startswith("[")


@dataclass
class Stage:
    base: str  # what FROM names: an image or an earlier stage
    name: str  # its AS name ("" for none)
    line: int
    instructions: list[Instruction] = field(default_factory=list)


@dataclass
class Dockerfile:
    path: Path
    name: str  # how messages name it: "Dockerfile", "analytics/Dockerfile"
    stages: list[Stage] = field(default_factory=list)
    error: str = ""

    @classmethod
    def load(cls, path: Path, name: str) -> "Dockerfile":
        found = cls(path, name)
        try:
            data = path.read_bytes()
            data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            found.error = f"{name} cannot be read: {exc}"
            return found
        try:
            parser = DockerfileParser(fileobj=io.BytesIO(data))
            structure = parser.structure
        except Exception as exc:  # noqa: BLE001 (the parser's own errors are not one class)
            found.error = f"{name} cannot be parsed: {exc}"
            return found
        args: dict[str, str] = {}
        for item in structure:
            instruction = Instruction(item["instruction"].upper(), item["value"], item["startline"] + 1)
            if instruction.name == "COMMENT":
                continue
            if instruction.name == "FROM":
                words = [w for w in instruction.value.split() if not w.startswith("--")]
                if not (len(words) == 1 or (len(words) == 3 and words[1].lower() == "as")) and not found.error:
                    # Docker refuses such a file: FROM takes one or three words
                    found.error = (f"{name} line {instruction.line}: `FROM {instruction.value}` must be an image and, "
                                   "optionally, `AS name`; Docker refuses other words (it reads `#` as a comment only "
                                   "at the start of a line)")
                base = _substitute(words[0], args) if words else ""
                as_name = words[2] if len(words) >= 3 and words[1].lower() == "as" else ""
                found.stages.append(Stage(base, as_name, instruction.line))
            elif not found.stages:
                if instruction.name == "ARG":  # an ARG before the first FROM may be used in FROM
                    key, _, default = instruction.value.strip().partition("=")
                    args[key.strip()] = default.strip().strip('"')
                continue
            else:
                found.stages[-1].instructions.append(instruction)
        if not found.stages and not found.error:
            found.error = f"{name} has no FROM instruction: it builds no image"
        return found

    def chain(self, target: str = "") -> list[Stage]:
        """The stages an image is built from, first to last: ``target`` (the last stage when
        empty) and the stages it is built FROM, in turn."""
        if not self.stages:
            return []
        by_name = {s.name.lower(): s for s in self.stages if s.name}
        stage = by_name.get(target.lower()) if target else self.stages[-1]
        if stage is None:
            return []
        out = [stage]
        while stage.base.lower() in by_name and by_name[stage.base.lower()] not in out:
            stage = by_name[stage.base.lower()]
            out.insert(0, stage)
        return out

    def instructions(self, target: str = "") -> list[Instruction]:
        return [i for stage in self.chain(target) for i in stage.instructions]

    def base_image(self, target: str = "") -> tuple[str, int]:
        """The image the build starts from, and the line of its FROM."""
        chain = self.chain(target)
        return (chain[0].base, chain[0].line) if chain else ("", 0)

    def at(self, line: int) -> str:
        return f"{self.name} line {line}"


def _substitute(text: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: args.get(m.group(1), ""), text)


def split_image(image: str) -> tuple[str, str, str]:
    """(repository, tag, digest) of an image reference; empty parts where there are none."""
    ref, _, digest = image.partition("@")
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        repo, tag = ref.rsplit(":", 1)
    else:
        repo, tag = ref, ""
    return repo, tag, digest


def copy_sources(instruction: Instruction) -> tuple[list[str], str, str]:
    """(sources, destination, the stage of --from or "") of a COPY or ADD."""
    words = instruction.words()
    stage = ""
    plain = []
    for word in words:
        if word.startswith("--"):
            if word.startswith("--from="):
                stage = word.split("=", 1)[1]
            continue
        plain.append(word)
    if len(plain) < 2:
        return plain, "", stage
    return plain[:-1], plain[-1], stage
