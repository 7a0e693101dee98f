"""Site settings (`content/site.toml`) validated against a schema, and the
options of one build. Unknown keys are errors, as in MkDocs' strict mode."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from .diagnostics import Diagnostic
from .files import SETTINGS_LIMIT, Gate, Refusal
from .options import BuildOptions  # noqa: F401 (re-exported: the build options live beside the site config)
from .urls import is_slug

CONFIG_PATH = "content/site.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CallToAction(_Strict):
    title: str
    text: str
    url: str
    label: str

    @field_validator("url")
    @classmethod
    def _safe_url(cls, value: str) -> str:
        from .sanitize import url_problem

        problem = url_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class PdfSettings(_Strict):
    page_sizes: tuple[Literal["A4", "Letter"], ...] = ("A4", "Letter")
    timeout_seconds: float = Field(default=60, gt=0, le=3600)  # per card
    memory_mb: int = Field(default=1536, ge=256)  # per rendering worker


class LimitSettings(_Strict):
    markdown_kb: int = Field(default=512, ge=1)
    image_kb: int = Field(default=20480, ge=1)
    front_matter_kb: int = Field(default=64, ge=1)
    # Pixels, not bytes: a few KB of PNG can decode to gigabytes.
    image_megapixels: int = Field(default=40, ge=1)


HOST_NAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)


class ImageSettings(_Strict):
    # Hosts that images in bodies (Markdown or raw <img>) may load from: each
    # is a request to another site from every reader's browser. None by default.
    allowed_hosts: tuple[str, ...] = ()

    @field_validator("allowed_hosts")
    @classmethod
    def _host_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for host in value:
            if not HOST_NAME.match(host.lower()):
                raise ValueError(
                    f"'{host}' is not a host name; write the name alone, "
                    "e.g. 'images.example.org' (no https://, no path)"
                )
        return tuple(host.lower() for host in value)


class Voice(_Strict):
    """The sentences that belong to one publication, not to the theme."""

    # The home page's heading (default: the site's title).
    tagline: str | None = Field(default=None, min_length=1, max_length=120)
    # Under the author box of every article, e.g. who writes the site.
    writers: str | None = Field(default=None, min_length=1, max_length=400)
    # At the foot of every page. A health site should always say it.
    disclaimer: str = Field(
        default="General information, not medical advice. See a health professional about "
        "pain that is severe, getting worse or not settling.",
        min_length=1,
        max_length=600,
    )


class PainLevel(_Strict):
    """One band of the 0-10 pain guide on routine cards (also a routine's
    own, in its front matter: schema.RoutineSafety)."""

    scores: Annotated[str, StringConstraints(pattern=r"^(10|\d)(-(10|\d))?$")] = Field(
        description="The scores of the band, e.g. '0-2' or '6-10'."
    )
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        description="One or two words, e.g. 'Fine'."
    )
    advice: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        description="What to do, e.g. 'Carry on as planned.'"
    )


class Safety(_Strict):
    """What every routine card says about pain, stopping and getting help
    (a routine's front matter may replace any part: `safety:`). The defaults
    are neutral; a publication writes its own under [safety]."""

    # The 0-10 pain guide: bands of scores, each with a label and advice.
    pain_guide: tuple[PainLevel, ...] = Field(
        default=(
            PainLevel(scores="0-2", label="Fine", advice="Carry on as planned."),
            PainLevel(
                scores="3-5",
                label="Acceptable",
                advice="Fine if it settles within 24 hours; if not, do less next time.",
            ),
            PainLevel(
                scores="6-10",
                label="Too much",
                advice="Ease off: fewer reps, less weight or a smaller movement.",
            ),
        ),
        min_length=1,
        max_length=5,
    )
    # Stop the session if...
    stop: tuple[str, ...] = Field(
        default=(
            "Sharp or sudden pain",
            "Pain that keeps rising from set to set",
            "Dizziness, chest pain or unusual shortness of breath",
        ),
        min_length=1,
        max_length=6,
    )
    # See a health professional if... (every card)
    see_someone: tuple[str, ...] = Field(
        default=(
            "Pain that is getting worse, or no better after six weeks",
            "Pain at night or at rest",
            "Numbness, tingling, weakness, swelling or fever",
        ),
        min_length=1,
        max_length=8,
    )
    # Body area slug -> signs to see someone about, added on the cards of
    # routines for that area.
    red_flags: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # The last line of every card (default: [voice] disclaimer).
    disclaimer: str | None = Field(default=None, min_length=1, max_length=400)

    @field_validator("stop", "see_someone")
    @classmethod
    def _short(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not item.strip() or len(item) > 160:
                raise ValueError("write each sign as a short line (1 to 160 characters)")
        return value


class ReviewSettings(_Strict):
    """How often a page's review (`reviewed_by`, `reviewed`) falls due."""

    interval_months: int = Field(default=12, ge=1, le=120)


class SiteConfig(_Strict):
    title: str = Field(min_length=1)
    base_url: str
    language: str = "en"
    description: str = ""
    body_areas: dict[str, str] = Field(default_factory=dict)
    cta: CallToAction | None = None
    pdf: PdfSettings = PdfSettings()
    articles_per_page: int = Field(default=10, ge=1, le=100)
    limits: LimitSettings = LimitSettings()
    images: ImageSettings = ImageSettings()
    voice: Voice = Voice()
    safety: Safety = Safety()
    review: ReviewSettings = ReviewSettings()

    @field_validator("base_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL such as 'https://example.org'")
        if re.search(r"[\x00-\x20\x7f\"'<>\\^`{|}]", value):  # it is written into every page
            raise ValueError(
                "may not hold spaces, quotes, '<', '>' or backslashes; "
                "write a plain address such as 'https://example.org'"
            )
        return value.rstrip("/")

    @field_validator("body_areas")
    @classmethod
    def _area_slugs(cls, value: dict[str, str]) -> dict[str, str]:
        for slug in value:
            if not is_slug(slug):
                raise ValueError(
                    f"body area '{slug}' is not a slug (lowercase letters, digits, hyphens)"
                )
        return value

    @field_validator("safety")
    @classmethod
    def _red_flag_areas(cls, value: Safety, info: ValidationInfo) -> Safety:
        areas = info.data.get("body_areas") or {}
        for slug in value.red_flags:
            if slug not in areas:
                raise ValueError(
                    f"red_flags names the body area '{slug}', which [body_areas] does not list"
                )
        return value

    @property
    def base_path(self) -> str:
        """The path part of base_url ('' or '/sub'), prefixed to every URL."""
        return urlsplit(self.base_url).path.rstrip("/")

    @property
    def origin(self) -> str:
        """The scheme and host of base_url ('https://example.org'), without a
        path or trailing slash: origin + a site-absolute URL is a full address."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def load_config(root: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    try:  # through the file gate: a pipe or a link out of the project is refused, not read
        text = Gate(root).read(root / CONFIG_PATH, SETTINGS_LIMIT).decode("utf-8")
    except Refusal as refusal:
        if not refusal.missing:
            return None, [refusal.diagnostic()]
        return None, [
            Diagnostic(
                CONFIG_PATH,
                None,
                "missing site settings: create content/site.toml with title and base_url",
                code="no-config",
            )
        ]
    except UnicodeDecodeError as exc:
        return None, [
            Diagnostic(
                CONFIG_PATH, None, f"cannot read the site settings: {exc}", code="unreadable"
            )
        ]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        return None, [Diagnostic(CONFIG_PATH, line, f"invalid TOML: {exc}", code="bad-toml")]
    except RecursionError:  # tomllib reads nested arrays by recursion
        return None, [
            Diagnostic(
                CONFIG_PATH,
                None,
                "the settings nest arrays or tables too deeply to read; flatten them",
                code="bad-toml",
            )
        ]
    try:
        return SiteConfig.model_validate(data), []
    except ValidationError as exc:
        return None, [
            Diagnostic(
                CONFIG_PATH, _key_line(text, err["loc"]), _config_message(err), code="bad-config"
            )
            for err in exc.errors()
        ]


def _config_message(err) -> str:
    name = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        from .diagnostics import did_you_mean

        known = SiteConfig.model_fields if len(err["loc"]) == 1 else {}
        return f"unknown setting '{name}'" + (
            did_you_mean(str(err["loc"][-1]), known) if known else ""
        )
    if err["type"] == "missing":
        return f"missing setting '{name}'"
    return f"setting '{name}': {err['msg'].removeprefix('Value error, ')}"


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _key_line(text: str, loc: tuple) -> int | None:
    """The line where a (possibly nested) key is set, by a plain scan."""
    section = ".".join(str(p) for p in loc[:-1]) if len(loc) > 1 else ""
    key = str(loc[-1]) if loc else ""
    current = ""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped.strip("[]").strip()
            whole = ".".join(str(p) for p in loc)
            if current == whole or current.startswith(whole + "."):  # the table or its first part
                return number
            continue
        if current == section and re.match(rf'^"?{re.escape(key)}"?\s*=', stripped):
            return number
    return 1
