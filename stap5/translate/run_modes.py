"""The C macros that carry the session's run-time modes into the module, as
stap passes them to its runtime: -b (bulk, per-CPU output files),
--suppress-handler-errors, --suppress-time-limits."""


def session_macros(session):
    """[(NAME, VALUE or None)] to #define before the runtime."""
    macros = []
    if session.bulk:
        macros.append(("STP_BULKMODE", None))
    if session.suppress_handler_errors:
        macros.append(("STAP_SUPPRESS_HANDLER_ERRORS", None))
    if session.suppress_time_limits:
        macros.append(("STAP_SUPPRESS_TIME_LIMITS_ENABLE", None))
    return macros
