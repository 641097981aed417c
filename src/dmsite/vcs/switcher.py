"""How ``dmsite publish`` tells each build which version it is (read by ``sphinxext.versions``)."""

VERSION_ENV = "DMSITE_VERSION"  # set for each build: the version's name (turns the switcher on)
SWITCHER_ENV = "DMSITE_SWITCHER_URL"  # where the built pages find switcher.json
SWITCHER_URL = "../switcher.json"  # relative to a version's root: works wherever the site is hosted
