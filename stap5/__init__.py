"""stap5: SystemTap, rebuilt in Python."""

__version__ = "0.1"
# The SystemTap language level we implement (what `systemtap_v` compares against).
SYSTEMTAP_VERSION = "4.8"
