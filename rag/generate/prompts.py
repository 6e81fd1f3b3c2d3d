"""Prompt templates are files in prompts/, loaded by name and filled with str.format."""

from __future__ import annotations

import string
from pathlib import Path

from rag.errors import ConfigError


class Prompts:
    """Loads `<name>.txt` from one folder, once, and fills its {fields}."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: dict[str, str] = {}

    def template(self, name: str) -> str:
        if name not in self._cache:
            path = self.folder / f"{name}.txt"
            try:
                self._cache[name] = path.read_text(encoding="utf-8").strip("\n")
            except OSError as exc:
                raise ConfigError(f"Prompt template {path} cannot be read ({exc.strerror}); expected a text file.") from exc
        return self._cache[name]

    def render(self, name: str, **fields: str) -> str:
        template = self.template(name)
        wanted = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        missing = wanted - set(fields)
        if missing:
            raise ConfigError(
                f"Prompt {name}.txt needs {sorted(wanted)}; provided {sorted(fields)}; missing {sorted(missing)}."
            )
        return template.format(**fields)
