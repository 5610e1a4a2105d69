"""Fail when a role's defaults/main.yml and meta/argument_specs.yml disagree.

Every public default must be described in the main entry point's argument spec
with the same default, and every option the spec gives a default must exist in
defaults/main.yml. Every role must have an argument spec.
"""
import pathlib
import sys

import yaml

errors = []
for role in sorted(pathlib.Path("roles").iterdir()):
    spec_file = role / "meta" / "argument_specs.yml"
    if not spec_file.is_file():
        errors.append("%s: missing meta/argument_specs.yml" % role)
        continue
    specs = (yaml.safe_load(spec_file.read_text()) or {}).get("argument_specs", {})
    options = specs.get("main", {}).get("options", {}) or {}
    defaults_file = role / "defaults" / "main.yml"
    defaults = (yaml.safe_load(defaults_file.read_text()) or {}) if defaults_file.is_file() else {}
    for name, value in defaults.items():
        if name not in options:
            errors.append("%s: default %s is not in argument_specs.yml" % (role, name))
        elif "default" in options[name] and options[name]["default"] != value:
            errors.append("%s: %s defaults to %r but argument_specs.yml says %r" % (role, name, value, options[name]["default"]))
    for name, option in options.items():
        if "default" in option and name not in defaults:
            errors.append("%s: argument_specs.yml gives %s a default missing from defaults/main.yml" % (role, name))

for error in errors:
    print(error)
sys.exit(1 if errors else 0)
