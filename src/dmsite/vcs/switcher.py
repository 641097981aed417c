"""What ``dmsite publish`` shares without importing git: how it tells each build its version, its tag patterns."""

VERSION_ENV = "DMSITE_VERSION"  # set for each build: the version's name (turns the switcher on)
SWITCHER_ENV = "DMSITE_SWITCHER_URL"  # where the built pages find switcher.json
SWITCHER_URL = "../switcher.json"  # relative to a version's root: works wherever the site is hosted
DEFAULT_TAG_PATTERNS = ("v*", "YYYY-MM")  # the release tags published (see dmsite publish --tags)
