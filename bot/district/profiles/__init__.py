"""District profiles bundled with the package (a package so that installs carry the YAML)."""
