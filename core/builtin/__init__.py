"""The YAML-driven default implementation of every hook, one small module each."""
