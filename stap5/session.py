"""The session: every option and environment setting of a stap5 run, parsed
once by the CLI and read by every pass."""

import os
import platform
import re

import stap5

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(stap5.__file__)))

DEFAULT_TAPSET_DIR = os.path.join(PROJECT_DIR, "tapsets")
DEFAULT_RUNTIME_DIR = os.path.join(PROJECT_DIR, "runtime")
TEMPLATE_DIR = os.path.join(PROJECT_DIR, "templates")

PRIVILEGE_LEVELS = ("stapusr", "stapsys", "stapdev")


class SessionError(Exception):
    """A bad option or environment: printed as is, exit status 1."""


def normalize_arch(machine):
    """stap's architecture names: i686 -> i386, aarch64 -> arm64..."""
    if re.match(r"i[3-6]86$", machine):
        return "i386"
    return {"aarch64": "arm64", "ppc64": "powerpc", "ppc64le": "powerpc",
            "s390x": "s390", "armv7l": "arm"}.get(machine, machine)


class Session:
    """Options of one run.  Attribute names follow stap's option meanings."""

    def __init__(self):
        self.last_pass = 5
        self.verbose = [0, 0, 0, 0, 0]       # per pass, from -v / --vp
        self.script_file = None              # path, "-" for stdin, None with -e
        self.script_text = None              # -e SCRIPT
        self.additional_scripts = []         # -E SCRIPT
        self.args = []                       # $1 ... / @1 ...
        self.include_dirs = []               # -I
        self.c_macros = []                   # -D NAME[=VALUE]
        self.kbuild_options = []             # -B NAME=VALUE
        self.modinfo = []                    # --modinfo NAME=VALUE
        self.global_settings = []            # -G VAR=VALUE
        self.kernel_release = platform.release()
        self.kernel_build_tree = None        # set by -r DIR, else derived
        self.arch = normalize_arch(platform.machine())
        self.guru = False
        self.unoptimized = False             # -u
        self.suppress_warnings = False       # -w
        self.warnings_as_errors = False      # -W
        self.keep_tmpdir = False             # -k
        self.module_name = None              # -m
        self.output_file = None              # -o
        self.target_command = None           # -c
        self.target_pid = None               # -x
        self.timeout = None                  # -T SECS
        self.bulk = False                    # -b
        self.buffer_size = 0                 # -s MB
        self.output_rotation = None          # -S SIZE[,N]
        self.flight_recorder = False         # -F
        self.remotes = []                    # --remote URL...
        self.remote_prefix = False           # --remote-prefix
        self.module_sink = None              # takes pass 4's module instead of pass 5
        self.list_mode = None                # "l" or "L" (-l / -L)
        self.list_pattern = None
        self.dump = None                     # "functions", "probe-types", "probe-aliases"
        self.privilege = "stapdev"
        self.compatible = stap5.SYSTEMTAP_VERSION
        self.runtime_mode = "kernel"
        self.suppress_time_limits = False
        self.skip_badvars = False
        self.suppress_handler_errors = False
        self.vm = False                      # --vm: run pass 5 in a QEMU guest
        self.vm_cpus = 1                     # --vm-cpus=N: its number of CPUs
        self.tmpdir = None
        self.tapset_dir = os.environ.get("SYSTEMTAP_TAPSET") or DEFAULT_TAPSET_DIR
        self.runtime_dir = os.environ.get("SYSTEMTAP_RUNTIME") or DEFAULT_RUNTIME_DIR
        self.data_dir = os.environ.get("SYSTEMTAP_DIR") or os.path.expanduser("~/.systemtap")
        self._kernel_config = None

    # --- derived settings ----------------------------------------------------

    def verbosity(self, pass_number):
        return self.verbose[pass_number - 1]

    @property
    def max_verbosity(self):
        return max(self.verbose)

    @property
    def build_tree(self):
        if self.kernel_build_tree:
            return self.kernel_build_tree
        return "/lib/modules/%s/build" % self.kernel_release

    def kernel_config(self):
        """The target kernel's .config as a dict (CONFIG_X -> "y", "m", "64"...)."""
        if self._kernel_config is None:
            path = os.path.join(self.build_tree, ".config")
            try:
                with open(path) as config_file:
                    text = config_file.read()
            except OSError as exc:
                raise SessionError('Checking "%s" failed with error: %s'
                                   % (path, exc.strerror)) from None
            config = {}
            for line in text.splitlines():
                if line.startswith("CONFIG_"):
                    name, _, value = line.partition("=")
                    if len(value) >= 2 and value[0] == value[-1] == '"':
                        value = value[1:-1]
                    config[name] = value
            self._kernel_config = config
        return self._kernel_config

    def tapset_roots(self):
        """Library roots in stap's order: the main tapset dir, then -I dirs."""
        return [self.tapset_dir] + list(self.include_dirs)

    @property
    def runtime_name(self):
        """The tapset subdirectory of our runtime ("linux" for kernel modules)."""
        return {"kernel": "linux"}.get(self.runtime_mode, self.runtime_mode)

    def set_kernel_target(self, value):
        """-r RELEASE or -r DIR (a build tree)."""
        if "/" in value:
            self.kernel_build_tree = value
            release_file = os.path.join(value, "include/config/kernel.release")
            try:
                with open(release_file) as f:
                    self.kernel_release = f.read().strip()
            except OSError:
                self.kernel_release = os.path.basename(os.path.normpath(value))
        else:
            self.kernel_release = value
            self.kernel_build_tree = None
