"""Imports read top-down.

The admin and the views sit on top of the services and selectors, and the tasks call the
services; nothing below imports what is above it. Every module of studio/ can be imported
first, on its own, so no module works only because something else happened to be imported
before it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from django.utils.module_loading import import_string

ROOT = Path(__file__).resolve().parents[1]
STUDIO = ROOT / "studio"

# Run in a fresh interpreter. django.setup() alone imports most of studio/ (the admin is
# autodiscovered), so importing a module after it proves nothing. Before each module, the probe
# forgets every module of the package except those the app registry loads before any other
# code can run (the app, its AppConfig, its models: model classes cannot be registered twice),
# so the module under test is the first of the package to run. Importing a submodule always
# starts by importing its packages; when the probe of a package already loaded the submodule,
# that probe was the submodule's own first import, and it is not repeated.
PROBE = textwrap.dedent(
    """
    import importlib, json, sys, traceback
    from fnmatch import fnmatchcase

    job = json.load(sys.stdin)
    if job["setup"]:
        import django

        django.setup()
    package, keep = job["package"], tuple(job["keep"])

    def in_package(name):
        return name == package or name.startswith(package + ".")

    def kept(name):
        return any(fnmatchcase(name, pattern) for pattern in keep)

    def forget():
        for name in [m for m in sys.modules if in_package(m) and not kept(m)]:
            del sys.modules[name]
            parent, _, child = name.rpartition(".")
            if parent in sys.modules and kept(parent):
                sys.modules[parent].__dict__.pop(child, None)

    failed, loaded_by = {}, {}
    for name in sorted(m for m in job["modules"] if not kept(m)):
        ancestors = [name.rsplit(".", n)[0] for n in range(1, name.count(".") + 1)]
        if any(name in loaded_by.get(a, ()) for a in ancestors):
            continue
        forget()
        try:
            importlib.import_module(name)
        except BaseException:
            failed[name] = traceback.format_exc(limit=-3)
        else:
            loaded_by[name] = {m for m in sys.modules if in_package(m)}
    print(json.dumps({"failed": failed, "probed": len(failed) + len(loaded_by)}))
    """
)


def modules_of(directory: Path, package: str) -> list[str]:
    names = []
    for path in sorted(directory.rglob("*.py")):
        parts = path.relative_to(directory).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join((package, *parts)))
    return names


def first_imports(
    modules: list[str], *, package: str, keep: tuple[str, ...], setup: bool, path: str = ""
) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "siteconf.settings_test"}
    if path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [path, env.get("PYTHONPATH")]))
    job = {"modules": modules, "package": package, "keep": keep, "setup": setup}
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=path or ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def imported_names(path: Path) -> set[str]:
    """Every module a file imports, at any depth, `from a import b` counted as a and a.b."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def files_under(*relative: str) -> list[Path]:
    files = []
    for name in relative:
        path = ROOT / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def imports_of(files: list[Path], *, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in sorted(imported_names(path))
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_services_selectors_and_tasks_never_mention_the_admin():
    mentions = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files_under("studio/services", "studio/selectors", "studio/tasks.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"studio.admin", line)
    ]
    assert mentions == []


def test_services_and_selectors_import_neither_the_tasks_nor_the_interfaces():
    below = files_under("studio/services", "studio/selectors")
    assert imports_of(below, forbidden=("studio.tasks", "studio.admin", "studio.views")) == []


def test_the_views_never_import_the_admin():
    assert imports_of(files_under("studio/views"), forbidden=("studio.admin",)) == []


def test_every_task_a_service_queues_by_path_is_a_tenant_task():
    paths = {
        match
        for path in files_under("studio/services")
        for match in re.findall(r"[\"'](studio\.tasks\.\w+)[\"']", path.read_text())
    }
    assert paths, "the services queue their tasks by dotted path"
    for dotted in sorted(paths):
        assert getattr(import_string(dotted), "task_path", None) == dotted, dotted


def test_every_studio_module_imports_first_on_its_own():
    modules = modules_of(STUDIO, "studio")
    result = first_imports(
        modules,
        package="studio",
        keep=("studio", "studio.apps", "studio.models", "studio.models.*"),
        setup=True,
    )
    assert result["failed"] == {}, "\n".join(
        f"--- {name}\n{error}" for name, error in result["failed"].items()
    )
    assert result["probed"] > 1


def test_the_probe_catches_a_module_that_imports_only_after_another(tmp_path):
    # a imports b at its top, and b takes a name from a: b first works, a first fails.
    package = tmp_path / "tangle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from tangle import b\n\nNAME = 'a'\n")
    (package / "b.py").write_text("from tangle.a import NAME\n")

    result = first_imports(
        modules_of(package, "tangle"), package="tangle", keep=(), setup=False, path=str(tmp_path)
    )

    assert set(result["failed"]) == {"tangle.a"}
    assert "cannot import name 'NAME'" in result["failed"]["tangle.a"]
