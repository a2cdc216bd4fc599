"""The project as installed, not as checked out: a non-editable install holds every module of
extractors/ and schemas/ (all their subpackages), and `extract` runs from it."""
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = """import json, cli, schemas, extractors, extractors.run.batch
print(json.dumps({"path": list(extractors.__path__),
                  "files": [cli.__file__, schemas.__file__, extractors.run.batch.__file__]}))"""


def _modules(root: Path) -> set[str]:
    """The .py files of extractors/, schemas/ and cli.py under root, relative to it."""
    files = {p.relative_to(root).as_posix() for k in ("extractors", "schemas")
             for p in (root / k).rglob("*.py")}
    return files | ({"cli.py"} if (root / "cli.py").is_file() else set())


def _run(cmd, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    res = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True)
    assert res.returncode == 0, f"{cmd}: exit {res.returncode}\n{res.stdout}\n{res.stderr}"
    return res


def test_non_editable_install_holds_every_subpackage(tmp_path):
    """Build the wheel (from a copy: the build writes build/ and *.egg-info beside the sources),
    install it into a fresh venv and run it from outside the checkout. The dependencies are
    this interpreter's, reached by a path line in a .pth file after the venv's own
    site-packages (the .pth files in that folder, such as an editable install's, are not
    run), so the checkout and its editable install cannot stand in for a missing module."""
    import setuptools
    assert tuple(int(x) for x in setuptools.__version__.split(".")[:2]) >= (70, 1), \
        "the wheel is built with this environment's setuptools: pip install -e '.[test]'"
    src = tmp_path / "src"
    for name in ("extractors", "schemas"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "cli.py"):
        shutil.copy2(ROOT / name, src / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
          "-w", tmp_path / "dist", src], tmp_path, env)
    wheel = next((tmp_path / "dist").glob("docextract-*.whl"))

    venv.create(tmp_path / "venv", with_pip=True)
    bindir = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    _run([py, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel], tmp_path, env)
    site = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     tmp_path, env).stdout.strip())
    deps = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))
            and Path(p).is_dir() and Path(p).resolve() != site.resolve()]
    (site / "zz_test_dependencies.pth").write_text("".join(f"{p}\n" for p in deps))

    assert _modules(site) == _modules(src)    # every module, in every subpackage
    probe = json.loads(_run([py, "-c", PROBE], tmp_path, env).stdout)
    for f in probe["path"] + probe["files"]:
        assert Path(f).resolve().is_relative_to(site.resolve()), f    # not the checkout's
    out = _run([bindir / "extract", "--help"], tmp_path, env).stdout
    assert "Usage:" in out
