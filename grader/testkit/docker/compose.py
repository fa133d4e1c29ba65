"""A compose file as data: PyYAML with each mapping and list remembering its lines, anchors
and merge keys (``<<: *anchor``) resolved as Compose resolves them, and ``${VAR:-default}``
interpolated from the defaults alone (no ``.env``, no variable of this machine), which is what
``docker compose config`` gives on a machine that sets none of them. ``$$`` is a literal ``$``.

Nothing here runs Docker or the file: it is read as text.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

SCHEMA_PATH = Path(__file__).with_name("compose-spec.json")


class Map(dict):
    """A YAML mapping with the line of each key (1-based) and of itself."""

    line = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict = {}

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class Seq(list):
    """A YAML list with the line of each item (1-based) and of itself."""

    line = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


class _Loader(yaml.SafeLoader):
    """SafeLoader keeping lines. Compose reads YAML 1.2, where only true/false are booleans
    (`on`, `yes` and `no` stay strings) and `08:00` is a string: resolvers adjusted to match."""


_Loader.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag not in (
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
                              list("-+0123456789."))


MAX_VALUES = 100_000  # a compose file is a few hundred values; aliases must not multiply them


def _expanded_size(node, seen: dict | None = None) -> int:
    """How many values the document holds once every alias is expanded (an alias is the
    node it names, counted again each time: a "billion laughs" file counts billions)."""
    seen = {} if seen is None else seen
    if node is None:
        return 0
    if id(node) in seen:
        return seen[id(node)]
    seen[id(node)] = 1  # a node that holds itself counts once, not for ever
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, seen) + _expanded_size(v, seen) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, seen) for child in node.value)
    else:
        size = 1
    seen[id(node)] = min(size, MAX_VALUES + 1)
    return seen[id(node)]


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Map:
    loader.flatten_mapping(node)  # merge keys: the merged pairs first, the node's own after them
    out = Map()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> Seq:
    out = Seq(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME:+alternative}, $NAME, $$
_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(text: str) -> str:
    """The value Compose gives ``text`` when no variable is set: defaults used, the rest empty."""

    def one(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        if match.group(4):
            return ""
        operator, word = match.group(2), match.group(3)
        if operator in (":-", "-"):
            return interpolate(word or "")
        return ""  # unset: empty (":?" would stop Compose, "+" gives nothing)

    return _VARIABLE.sub(one, text)


def single_dollar_variables(text: str) -> list[str]:
    """The variables of ``text`` that Compose would interpolate (``$X``, ``${X}``; not ``$$X``)."""
    return [m.group(1) or m.group(4) for m in _VARIABLE.finditer(text) if m.group(0) != "$$"]


def _interpolated(value):
    if isinstance(value, Map):
        out = Map((k, _interpolated(v)) for k, v in value.items())
        out.line, out.lines = value.line, dict(value.lines)
        return out
    if isinstance(value, Seq):
        out = Seq(_interpolated(v) for v in value)
        out.line, out.lines = value.line, list(value.lines)
        return out
    return interpolate(value) if isinstance(value, str) else value


def scalar(value) -> str | None:
    """An environment or label value as the container sees it (YAML true -> "true")."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@dataclass
class Setting:
    """One environment variable of a service: its value (None: set without a value) and line."""
    name: str
    value: str | None
    line: int


@dataclass
class ComposeFile:
    path: Path
    name: str  # how messages name the file: "docker-compose.yml"
    raw: object = None  # as written (variables not interpolated); None when it did not load
    data: Map = field(default_factory=Map)  # interpolated
    error: str = ""  # why it did not load, with the line

    @classmethod
    def load(cls, path: Path, name: str = "") -> "ComposeFile":
        found = cls(path, name or path.name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            found.error = f"{found.name} cannot be read: {exc}"
            return found
        try:
            loader = _Loader(text)
            try:
                node = loader.get_single_node()
                expanded = _expanded_size(node)
                if expanded > MAX_VALUES:
                    found.error = (f"{found.name} expands its YAML aliases to more than {MAX_VALUES:,} values; "
                                   "Compose refuses a file with so much aliasing, and so does the grader")
                    return found
                raw = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark else ""
            found.error = f"{found.name}{where} is not valid YAML: {getattr(exc, 'problem', None) or exc}"
            return found
        if not isinstance(raw, Map):
            found.error = f"{found.name} holds no mapping of top-level keys (services:, volumes:)"
            return found
        found.raw, found.data = raw, _interpolated(raw)
        return found

    def at(self, line: int) -> str:
        return f"{self.name} line {line}"

    def schema_errors(self) -> list[str]:
        """What the Compose Specification's JSON schema finds wrong, each with its line."""
        import jsonschema

        if self.error:
            return [self.error]
        out = []
        for error in jsonschema.Draft7Validator(schema()).iter_errors(self.data):
            path = list(error.absolute_path)
            node, line = self.data, self.data.line
            for part in path:
                try:
                    line = node.line_of(part) if isinstance(node, (Map, Seq)) else line
                    node = node[part]
                except (KeyError, IndexError, TypeError):
                    break
            where = ".".join(map(str, path)) or "(top level)"
            out.append(f"{self.at(line)}: {where}: {error.message}")
        return sorted(set(out))

    # -- services ------------------------------------------------------------------------

    @property
    def services(self) -> Map:
        found = self.data.get("services")
        return found if isinstance(found, Map) else Map()

    def service(self, name: str | None) -> Map:
        found = self.services.get(name) if name else None
        return found if isinstance(found, Map) else Map()

    def service_line(self, name: str) -> int:
        return self.services.line_of(name)

    def environment(self, name: str) -> dict[str, Setting]:
        """The service's ``environment``, map or list form, as name -> Setting."""
        service = self.service(name)
        env = service.get("environment")
        out: dict[str, Setting] = {}
        if isinstance(env, Map):
            for key, value in env.items():
                out[str(key)] = Setting(str(key), scalar(value), env.line_of(key))
        elif isinstance(env, Seq):
            for index, item in enumerate(env):
                text = scalar(item) or ""
                key, sep, value = text.partition("=")
                out[key.strip()] = Setting(key.strip(), value if sep else None, env.line_of(index))
        return out

    def env_value(self, name: str, variable: str) -> str | None:
        setting = self.environment(name).get(variable)
        return setting.value if setting else None

    def names_of(self, name: str) -> set[str]:
        """The host names other containers reach this service by: its name, its container
        name, its network aliases."""
        service = self.service(name)
        names = {name}
        if isinstance(service.get("container_name"), str):
            names.add(service["container_name"])
        networks = service.get("networks")
        if isinstance(networks, Map):
            for settings in networks.values():
                if isinstance(settings, Map) and isinstance(settings.get("aliases"), Seq):
                    names.update(str(a) for a in settings["aliases"])
        return names

    def image(self, name: str) -> str:
        image = self.service(name).get("image")
        return image if isinstance(image, str) else ""

    @property
    def top_volumes(self) -> Map:
        found = self.data.get("volumes")
        return found if isinstance(found, Map) else Map()
