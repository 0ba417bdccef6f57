# Kept for tools that still want it; all metadata lives in setup.cfg.
from setuptools import setup

setup()
