# The conformance pytest plugin (--target, hypothesis profiles, fixtures) is registered by
# the package's pytest11 entry point (pyproject.toml), in the checkout and in an installed
# wheel alike. Listing it in pytest_plugins here as well would register it twice (an error).
