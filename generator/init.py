"""`prehab init DIR`: a new publication that builds at once and passes
`prehab check --strict`. It is the starter shipped with prehab
(generator/starter/: commented site settings, one example of each kind of
content citing one real study, a .gitignore, a GitHub Pages workflow and the
requirements.txt it installs prehab from), with the title, today's date and
this prehab filled in. It has no templates/: the built-in theme is used."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

from . import __version__

STARTER = Path(__file__).resolve().parent / "starter"
# Dot files are stored under plain names: packaging globs and file walkers skip dot files.
RENAMES = {"gitignore": ".gitignore", "github": ".github"}


class InitError(Exception):
    """A folder `prehab init` will not write into."""


def starter_files() -> list[str]:
    """The starter's files, relative to it, sorted."""
    found = []
    for root, dirs, files in os.walk(STARTER):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [os.path.relpath(os.path.join(root, f), STARTER) for f in sorted(files)]
    return sorted(Path(f).as_posix() for f in found)


def create_site(folder: Path, title: str | None = None, today: dt.date | None = None) -> list[str]:
    """Write the starter into `folder` (created if need be; it must be empty).
    Returns the files written, relative to `folder`. Raises InitError."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file; choose a new folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitError(
            f"{folder} is not empty; prehab init writes only into a new or empty folder, "
            "so that nothing of yours is overwritten"
        )
    title = (title or "").strip() or _title_of(folder)
    values = {
        '"__TITLE__"': json.dumps(title, ensure_ascii=False),  # a TOML basic string
        "__TODAY__": (today or dt.date.today()).isoformat(),
        "__PREHAB__": requirement(),
    }
    made = []
    for rel in starter_files():
        parts = rel.split("/")
        target_rel = "/".join([RENAMES.get(parts[0], parts[0]), *parts[1:]])
        data = (STARTER / rel).read_bytes()
        for token, value in values.items():
            data = data.replace(token.encode(), value.encode("utf-8"))
        target = folder / target_rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:  # never over a file that appeared meanwhile
            handle.write(data)
        made.append(target_rel)
    return made + _editor_settings(folder)


def _editor_settings(folder: Path) -> list[str]:
    """JSON Schemas of the front matter with the site's own names (run
    `prehab schema` again as the site grows), and the VS Code setting that
    makes the YAML extension (Red Hat) check content/studies.yml with its
    schema. No well-kept extension validates front matter inside Markdown
    (docs/start.md), so the other schemas serve tools that can read them."""
    from .schema_export import site_values, write_schemas

    made = [
        p.relative_to(folder).as_posix()
        for p in write_schemas(folder / "schemas", site_values(folder))
    ]
    settings = {"yaml.schemas": {"./schemas/studies.schema.json": "content/studies.yml"}}
    vscode = folder / ".vscode" / "settings.json"
    vscode.parent.mkdir(exist_ok=True)
    vscode.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return made + [".vscode/settings.json"]


def _title_of(folder: Path) -> str:
    """'running-notes' -> 'Running notes'."""
    words = folder.absolute().name.replace("-", " ").replace("_", " ").split()
    name = " ".join(words)
    return name[:1].upper() + name[1:] if name else "My publication"


def requirement() -> str:
    """The requirements.txt line for the prehab running now: its Git address
    and commit when it was installed from one (CI can install that), else
    its version, with a note on what CI needs."""
    from importlib import metadata

    try:
        dist = metadata.distribution("prehab")
        version, direct = dist.version, dist.read_text("direct_url.json")
    except metadata.PackageNotFoundError:  # run from a source checkout
        version, direct = __version__, None
    try:
        info = json.loads(direct) if direct else {}
    except ValueError:
        info = {}
    vcs = info.get("vcs_info") or {}
    url = info.get("url", "")
    if vcs.get("commit_id") and url.startswith(("https://", "http://", "ssh://")):
        return f"prehab @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    return (
        f"# prehab {version} was not installed from a Git address here, so CI cannot install\n"
        "# it the same way: replace the next line with one it can reach, e.g.\n"
        f"#   prehab @ git+https://github.com/OWNER/prehab@v{version}\n"
        f"prehab=={version}"
    )


def next_steps(folder: Path) -> str:
    where = str(folder)
    return f"""
Created a new publication in {where}. Next:

  cd {where}
  prehab serve                      # preview at http://127.0.0.1:8000, rebuilt on every save
  prehab new article "Your title"   # then edit the file it names
  prehab check --strict             # before you publish
  prehab build                      # the site, into site_output/

- Set title, base_url and description in content/site.toml.
- Replace the examples (content/articles, exercises, routines, authors, pages)
  with your own; content/studies.yml lists the studies you cite.
- Publish on GitHub Pages: push to a GitHub repository, then in Settings > Pages
  set Source to "GitHub Actions" (.github/workflows/publish.yml builds and
  deploys). requirements.txt names the prehab it installs.
- The site uses the built-in theme; to change a file of it, copy it into
  templates/: prehab theme copy base.html""".lstrip("\n")


def add_commands(sub) -> None:
    """`prehab init DIR` and `prehab theme copy [FILE...]`, on the parser of
    `prehab` (generator/cli.py runs them and prints their errors)."""
    init = sub.add_parser(
        "init",
        help="start a new publication in a new folder",
        description="Create a new publication in DIR (a new or empty folder): commented site "
        "settings, one example of each kind of content, a .gitignore and a GitHub Pages "
        "workflow. It uses the built-in theme; `prehab theme copy` brings theme files in to edit.",
    )
    init.add_argument("dir", type=Path, help="the folder to create (new or empty)")
    init.add_argument("--title", help="the publication's name (default: from the folder's name)")
    init.set_defaults(run=_run_init)

    theme = sub.add_parser(
        "theme", help="the built-in theme", description="Work with the built-in theme."
    )
    copy = theme.add_subparsers(title="commands", metavar="COMMAND").add_parser(
        "copy",
        help="copy theme files into templates/ to change them",
        description="Copy files of the built-in theme into the project's templates/, where they "
        "override the theme file by file. Name files relative to the theme (base.html, "
        "partials/macros.html, static/style.css) or folders (static); no name copies them all. "
        "A file templates/ already has is kept unless --force.",
    )
    copy.add_argument("files", nargs="*", metavar="FILE", help="theme files or folders to copy")
    copy.add_argument("--force", action="store_true", help="replace files templates/ already has")
    copy.add_argument(
        "--project", type=Path, default=Path("."), help="the project folder (default: here)"
    )
    copy.set_defaults(run=_run_theme_copy, needs_project=True)


def _run_init(args) -> int:
    try:
        made = create_site(args.dir, args.title)
    except InitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2  # usage (generator/cli.py's exit codes)
    for path in made:
        print(path)
    print("\n" + next_steps(args.dir), file=sys.stderr)
    return 0


def _run_theme_copy(args) -> int:
    from .theme import ThemeError, copy_theme

    try:
        copied, kept = copy_theme(args.project.absolute(), args.files, force=args.force)
    except ThemeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in copied:
        print(f"copied {path}")
    for path in kept:
        print(f"kept {path}: the project already has it (--force replaces it)", file=sys.stderr)
    if copied:
        print(
            f"{len(copied)} file{'s' if len(copied) != 1 else ''} copied into templates/; each "
            "overrides the built-in theme's file (delete it to use the theme's again)",
            file=sys.stderr,
        )
    return 1 if kept else 0  # 1: not everything asked for was copied
