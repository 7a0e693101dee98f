"""prehab as a package, end to end with the installed wheel: the wheel holds
every subpackage, the built-in theme and the starter (and no test tool);
installed into a fresh venv, used from a folder outside the repository, it
runs `prehab init`, `build`, `check --strict`, a theme file overridden with
`prehab theme copy`, and `--base-url` (whose address reaches canonical links,
the feed and the sitemap, and which the next plain build undoes).

Offline-safe: the wheel is built from a copy of the source (the repository is
never written), and installed with --no-deps into a venv that sees this
venv's site-packages through a .pth file (the libraries), not its editable
install of prehab."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

SOURCE = ("pyproject.toml", "README.md", "generator", "templates")


def run(*args, cwd: Path, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    if check and done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `pip wheel .` builds, from a copy of the source tree."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCE:
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name,
                src / name,
                symlinks=True,  # generator/templates stays a link to ../templates
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        else:
            shutil.copy2(REPO / name, src / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_NO_INDEX")}
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        src,
        "--no-deps",
        "-q",
        "-w",
        tmp / "dist",
        cwd=tmp,
        env=env,
    )
    (found,) = (tmp / "dist").glob("prehab-*.whl")
    return found


def test_the_wheel_holds_every_subpackage_the_theme_and_the_starter(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "generator").rglob("*.py")
        if "templates" not in p.parts
    }
    assert modules - names == set()
    assert {"generator/pdf/__init__.py", "generator/incremental/uptodate.py"} <= names
    theme = {
        "generator/templates/" + p.relative_to(REPO / "templates").as_posix()
        for p in (REPO / "templates").rglob("*")
        if p.is_file()
    }
    assert theme and theme - names == set()
    starter = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "generator/starter").rglob("*")
        if p.is_file()
    }
    assert {"generator/starter/gitignore", "generator/starter/content/site.toml"} <= starter
    assert starter - names == set()
    assert not [n for n in names if n.startswith(("tests/", "templates/", "bench/"))]
    metadata = zipfile.ZipFile(wheel).read("prehab-0.1.0.dist-info/METADATA").decode()
    required = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert not [line for line in required if "pytest" in line and "extra ==" not in line]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> tuple[Path, dict]:
    """A fresh venv with the wheel installed (--no-deps); the libraries come
    from this venv's site-packages, added by a .pth file (whose own .pth
    files, the editable install of prehab among them, are not run)."""
    root = tmp_path_factory.mktemp("venv") / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run(sys.executable, "-m", "venv", "--without-pip", root, cwd=root.parent, env=env)
    python = root / "bin" / "python"
    purelib = run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=root, env=env
    ).stdout.strip()
    Path(purelib, "outer-libraries.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--no-index", wheel, cwd=root.parent, env=env,
    )  # fmt: skip
    env["PATH"] = f"{root / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return root, env


def test_the_installed_package_comes_from_the_venv(venv, tmp_path):
    root, env = venv
    where = run(
        root / "bin/python",
        "-c",
        "import generator, generator.theme as t; print(generator.__file__); print(t.THEME)",
        cwd=tmp_path,
        env=env,
    ).stdout.split()
    assert all(Path(p).is_relative_to(root) for p in where), where
    assert not any(Path(p).is_relative_to(REPO) for p in where)
    assert Path(where[1], "base.html").is_file()
    assert run("prehab", "--version", cwd=tmp_path, env=env).stdout.startswith("prehab ")


def test_init_build_check_override_and_base_url_with_the_installed_wheel(venv, tmp_path):
    root, env = venv
    work = tmp_path / "elsewhere"  # outside the repository
    work.mkdir()
    assert not work.is_relative_to(REPO)
    run("prehab", "init", "site", cwd=work, env=env)
    site = work / "site"
    assert not (site / "templates").exists()
    built = run("prehab", "build", cwd=site, env=env)
    assert built.stdout.startswith("Built "), built.stdout
    assert re.search(r"Built \d+ pages, [1-9]\d* PDFs", built.stdout)
    assert "warning" not in built.stderr
    run("prehab", "check", "--strict", cwd=site, env=env)
    out = site / "site_output"
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/">' in home

    copied = run("prehab", "theme", "copy", "base.html", cwd=site, env=env)
    assert copied.stdout == "copied templates/base.html\n"
    base = site / "templates/base.html"
    base.write_text(base.read_text().replace("<body ", '<body data-override="yes" ', 1))
    run("prehab", "build", "--no-pdf", cwd=site, env=env)
    assert 'data-override="yes"' in (out / "index.html").read_text(encoding="utf-8")
    assert 'data-override="yes"' in (out / "about/index.html").read_text(encoding="utf-8")

    preview = "https://preview.example/"
    run("prehab", "build", "--base-url", preview, cwd=site, env=env)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{preview}">' in home
    assert "https://example.org" not in home
    for name in ("feed.xml", "sitemap.xml", "robots.txt"):
        text = (out / name).read_text(encoding="utf-8")
        assert preview in text and "https://example.org" not in text, name
    assert "preview.example/routines/calf-strength" in card_text(out)  # the QR code's address
    run("prehab", "check", "--strict", "--base-url", preview, cwd=site, env=env)

    again = run("prehab", "build", cwd=site, env=env)
    assert not again.stdout.startswith("Nothing changed"), again.stdout
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/">' in home
    assert preview not in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "example.org/routines/calf-strength" in card_text(out)
    assert "preview.example" not in card_text(out)
    assert run("prehab", "build", cwd=site, env=env).stdout.startswith("Nothing changed")


def card_text(out: Path) -> str:
    """The text of the routine's A4 card: its address is printed beside the
    QR code, and both come from the same value (card.short_url)."""
    from pypdf import PdfReader

    return PdfReader(out / "routines/calf-strength/calf-strength-a4.pdf").pages[0].extract_text()
