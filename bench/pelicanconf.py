# Minimal Pelican settings for the benchmark (bench/compare.py).
AUTHOR = "Bench"
SITENAME = "Pelican bench"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = 10
RELATIVE_URLS = True
DELETE_OUTPUT_DIRECTORY = True
