"""The layout's promises: the core package ``newswire`` never imports Airflow, its command
line loads neither Airflow nor the sample site, and every package folder ships in the wheel."""

import ast
import json
import re
import subprocess
import sys
import tomllib

from tests.support import ROOT

PLUGINS = ROOT / "plugins"
CORE = PLUGINS / "newswire"
FOREIGN = ("airflow", "newswire_sample_site")  # top-level packages the core must not load


def _top_level(name: str) -> str:
    return name.partition(".")[0]


def core_modules() -> list[str]:
    """Every module of the core package, dotted (``newswire.fetching.client``)."""
    names = []
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(PLUGINS).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def loaded_after_import(*modules: str) -> dict[str, list[str]]:
    """Import ``modules`` one after another in a fresh interpreter; for each, the foreign
    modules (Airflow, the sample site) that its import loaded."""
    script = (
        "import importlib, json, sys\n"
        f"foreign = {FOREIGN!r}\n"
        "seen, before = {}, set(sys.modules)\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "    new, before = set(sys.modules) - before, set(sys.modules)\n"
        "    seen[name] = sorted(m for m in new if m.partition('.')[0] in foreign)\n"
        "print(json.dumps(seen))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *modules],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_the_command_line_loads_neither_airflow_nor_the_sample_site():
    assert loaded_after_import("newswire.cli") == {"newswire.cli": []}


def test_no_core_module_loads_airflow_or_the_sample_site():
    loaded = loaded_after_import(*core_modules())
    assert set(loaded) == set(core_modules()) and len(loaded) > 20
    assert {name: mods for name, mods in loaded.items() if mods} == {}


def test_no_core_module_names_airflow_in_an_import():
    """Also imports inside functions, which importing the module does not run."""
    found = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno} {name}"
                for name in names
                if _top_level(name) == "airflow"
            ]
    assert found == []


def test_every_package_folder_is_listed_in_pyproject():
    """``[tool.setuptools] packages`` is written by hand (``newswire.sql`` lives outside
    plugins/): a package folder (code, SQL or templates) missing from it would be missing
    from the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = set(config["setuptools"]["packages"])
    package_dir = config["setuptools"]["package-dir"]

    def holds_package_files(path) -> bool:
        return any(path.glob("*.py")) or any(path.glob("*.sql")) or any(path.glob("*.html"))

    folders = {
        ".".join(path.relative_to(PLUGINS).parts)
        for top in PLUGINS.glob("newswire*/")
        for path in [top, *top.rglob("*/")]
        if path.name != "__pycache__" and holds_package_files(path)
    }
    sql_root = ROOT / package_dir["newswire.sql"]
    sql = {
        ".".join(("newswire", "sql", *path.relative_to(sql_root).parts))
        for path in [sql_root, *sql_root.rglob("*/")]
        if path.name != "__pycache__" and holds_package_files(path)
    }
    assert folders and "newswire.sql.reports" in sql and "newswire_airflow.ui.templates" in folders
    assert folders | sql == listed
    assert (ROOT / package_dir["newswire.sql"] / "__init__.py").is_file()


# -- ARCHITECTURE.md's import table ---------------------------------------------------------

ADAPTER, SAMPLE_SITE = "newswire_airflow", "newswire_sample_site"


def _room(module: str) -> str | None:
    """The room a dotted module belongs to: a first-level module or package of the core
    (``newswire.parsing.dates`` -> ``parsing``), the adapter, or the sample site."""
    top, _, rest = module.partition(".")
    if top == "newswire":
        return rest.partition(".")[0] or None
    return top if top in (ADAPTER, SAMPLE_SITE) else None


def _is_core_module(name: str) -> bool:
    return (CORE / f"{name}.py").is_file() or (CORE / name / "__init__.py").is_file()


def actual_imports() -> dict[str, set[str]]:
    """room -> the other rooms its modules import (every import statement, at any depth)."""
    found: dict[str, set[str]] = {}
    for path in sorted(PLUGINS.rglob("*.py")):
        source = _room(".".join(path.relative_to(PLUGINS).with_suffix("").parts))
        if source is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module == "newswire":
                # `from newswire import settings`: the names are the rooms
                names = [f"newswire.{a.name}" for a in node.names if _is_core_module(a.name)]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module]
            else:
                continue
            rooms = {_room(name) for name in names} - {None, source}
            found.setdefault(source, set()).update(rooms)
    return {room: rooms for room, rooms in found.items() if rooms}


def declared_imports() -> dict[str, set[str]]:
    """room -> rooms, from the table under "Which way imports point" in ARCHITECTURE.md
    (the backticked names of each row; names that are not rooms are prose)."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Which way imports point", 1)[1].split("\n## ", 1)[0]
    rooms = {_room(f"newswire.{path.stem}") for path in CORE.iterdir() if path.stem[0] != "_"}
    rooms |= {ADAPTER, SAMPLE_SITE}
    declared = {}
    for line in section.splitlines():
        cells = line.split("|")
        if len(cells) != 4 or not cells[1].strip().startswith("`"):
            continue
        (room,) = re.findall(r"`([\w.-]+)`", cells[1])
        declared[room] = set(re.findall(r"`([\w.-]+)`", cells[2])) & rooms
    return declared


def test_architecture_md_says_which_way_imports_point_truly():
    assert declared_imports() == actual_imports()
