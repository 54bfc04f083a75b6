"""The bundled problem files (TOML), installed as ``cvxreg.problems``."""
