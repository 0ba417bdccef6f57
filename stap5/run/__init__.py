"""staprun5: load a stap5 module, run its session, print its output, unload it.

The user side of the runtime's transport (runtime/transport/): a control
channel (debugfs ``stap5/MODULE/ctl``: commands in, messages out) and one relay
data file per CPU (``trace0``, ``trace1``...), merged back into one ordered
stream. Entry point: ``staprun5 = stap5.run.staprun:main``.

Modules:
    staprun     command line (staprun's options), main()
    module_run  the run loop: start, signals, -c/-x/-T, stop, drain, unload
    channels    the control channel and the per-CPU data channel
    wire        message and record formats (mirror of runtime/transport/messages.h)
    kmod        finit_module / delete_module through ctypes
"""
