"""`make lint` fails when a room imports against the one-way order (README, Architecture).

The contracts live in pyproject.toml's [tool.importlinter]. Each case below copies the project's
Python packages to a temporary folder, adds one forbidden import there (the real tree is never
touched) and runs `lint-imports` on the copy: it must exit non-zero and name the contract the
import breaks. The real tree must pass. About a second per run: import-linter only parses.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "home", "services", "forms_builder")
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))

AREAS = "Areas inside services depend one way, down to the catalogue"
ROOMS = "Rooms depend one way: services -> forms_builder | home -> portal's kernel"
CYCLES = "No import cycles between the modules of a room"


def lint_imports(cwd):
    env = {**os.environ, "PYTHONPATH": str(cwd), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def only_python(folder, names):
    return [n for n in names if n == "__pycache__" or (not n.endswith(".py") and not (Path(folder) / n).is_dir())]


@pytest.fixture
def copy(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=only_python)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_real_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in (AREAS, ROOMS, CYCLES):
        assert f"{contract} KEPT" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract", "evidence"),
    [
        # A lower area reaching up: the case page would need payments installed.
        (
            "services/cases/models.py",
            "import services.payments.models",
            AREAS,
            "services.cases.models -> services.payments.models",
        ),
        # The catalogue reaching into an area.
        ("services/blocks.py", "import services.cases.models", AREAS, "services.blocks -> services.cases.models"),
        # The form engine knowing about cases instead of handing over through FORMS_BUILDER_INTAKE.
        ("forms_builder/intake.py", "import services.cases.intake", ROOMS, "forms_builder.intake -> services.cases"),
        # Two rooms side by side (forms_builder | home) may not import each other.
        ("home/search.py", "import forms_builder.models", ROOMS, "home.search -> forms_builder.models"),
        # The kernel importing a room.
        ("portal/i18n.py", "import home.models", ROOMS, "portal.i18n -> home.models"),
        # A circle inside a room (the wizard imports fields).
        ("forms_builder/fields.py", "import forms_builder.wizard", CYCLES, "- .fields -> .wizard"),
    ],
)
def test_a_back_import_breaks_make_lint(copy, module, line, contract, evidence):
    path = copy / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # the deliberate back-import\n", encoding="utf-8")
    result = lint_imports(copy)
    assert result.returncode != 0, result.stdout
    assert f"{contract} BROKEN" in result.stdout, result.stdout
    assert evidence in result.stdout, result.stdout  # this import, not some other breakage


def test_a_new_module_in_services_must_be_placed_in_a_layer(copy):
    """The areas' contract is exhaustive: services/<new>.py is neither an area nor the catalogue
    until someone says which, in pyproject.toml."""
    (copy / "services" / "unplaced.py").write_text('"""Not listed in any layer."""\n', encoding="utf-8")
    result = lint_imports(copy)
    assert result.returncode != 0, result.stdout
    assert f"{AREAS} BROKEN" in result.stdout
    assert "unplaced" in result.stdout
