# Registers the conformance pytest plugin (--target, hypothesis profiles, fixtures).
pytest_plugins = ["conformance.pytest_plugin"]
