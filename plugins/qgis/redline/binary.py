"""Finding the redline executable and running it.

The executable comes from the Processing setting REDLINE_BINARY (Processing ▸ Options ▸
Providers ▸ redline), else the REDLINE_BIN environment variable, else `redline` on PATH. A
folder, a missing or non-executable file, or a program that is not a redline of a version this
plugin supports gives one message saying what is wrong and where the path came from.

Runs use QgsBlockingProcess with an argument list (no shell): cancelling the feedback terminates
the child at once (SIGTERM: redline removes its temporary outputs and exits 143). Output is
buffered as bytes and decoded as UTF-8 one whole line at a time, so a Chinese character split
across two reads is never garbled.
"""
import os
import re
import shlex
import shutil
import subprocess

from qgis.core import QgsBlockingProcess, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication, QProcess

SETTING = "REDLINE_BINARY"
ENV = "REDLINE_BIN"
MIN_VERSION = (0, 1, 0)
MAX_VERSION = (1, 0, 0)  # exclusive: a redline 1.x may change the command line
PROGRESS_LINE = re.compile(r"^progress\s+([0-9]*\.?[0-9]+)\s*$")


def tr(text):
    return QCoreApplication.translate("redline", text)


class BinaryInfo:
    """What resolve() found: path (or None), version, features, and error (None when usable)."""

    def __init__(self, path=None, origin="", version=None, error=None, progress_lines=False):
        self.path = path
        self.origin = origin
        self.version = version
        self.error = error
        self.progress_lines = progress_lines

    @property
    def ok(self):
        return self.error is None


def configured_path():
    """(path, origin) from the setting, the environment or PATH; path '' when none."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
        value = ProcessingConfig.getSetting(SETTING)
    except Exception:  # Processing not initialised (a bare script)
        value = None
    if value:
        return str(value).strip(), tr("the Processing setting “redline executable” "
                                      "(Processing ▸ Options ▸ Providers ▸ redline)")
    value = os.environ.get(ENV, "").strip()
    if value:
        return value, tr("the environment variable {}").format(ENV)
    found = shutil.which("redline")
    return (found or ""), tr("PATH")


_cache = {}


def resolve(path=None, origin=None):
    """Checks the executable (cached per path and modification time)."""
    if path is None:
        path, origin = configured_path()
    hint = tr("Set the full path of the redline executable in Processing ▸ Options ▸ Providers "
              "▸ redline, or in the environment variable {}, or put redline on PATH.").format(ENV)
    if not path:
        return BinaryInfo(error=tr("redline: no redline executable found (not set in Processing "
                                   "options, {} unset, not on PATH). {}").format(ENV, hint))
    path = os.path.expanduser(path)
    if os.path.isdir(path):
        return BinaryInfo(path, origin, error=tr(
            "redline: {} is set to the folder “{}”, not to the redline executable. {}")
            .format(origin, path, hint))
    if not os.path.exists(path):
        return BinaryInfo(path, origin, error=tr(
            "redline: {} is set to “{}”, which does not exist. {}").format(origin, path, hint))
    if not os.access(path, os.X_OK):
        return BinaryInfo(path, origin, error=tr(
            "redline: {} is set to “{}”, which is not executable (chmod +x?). {}")
            .format(origin, path, hint))
    key = (os.path.realpath(path), os.path.getmtime(path))
    if key in _cache:
        cached = _cache[key]
        return BinaryInfo(path, origin, cached.version, cached.error, cached.progress_lines)
    info = _probe(path, origin, hint)
    _cache[key] = info
    return info


def _probe(path, origin, hint):
    try:
        out = subprocess.run([path, "--version"], stdin=subprocess.DEVNULL, capture_output=True,
                             timeout=20)
        text = (out.stdout + out.stderr).decode("utf-8", "replace").strip()
    except (OSError, subprocess.SubprocessError) as e:
        return BinaryInfo(path, origin, error=tr(
            "redline: {} is set to “{}”, which cannot be run ({}). {}").format(origin, path, e, hint))
    m = re.match(r"^redline\s+(\d+)\.(\d+)\.(\d+)", text)
    if out.returncode != 0 or not m:
        shown = text.splitlines()[0][:120] if text else tr("nothing")
        return BinaryInfo(path, origin, error=tr(
            "redline: {} is set to “{}”, which is not redline (“--version” printed “{}”, exit {}). {}")
            .format(origin, path, shown, out.returncode, hint))
    version = tuple(int(g) for g in m.groups())
    vtext = "%d.%d.%d" % version
    if not MIN_VERSION <= version < MAX_VERSION:
        return BinaryInfo(path, origin, vtext, error=tr(
            "redline: {} is set to “{}”, which is redline {}; this plugin needs redline ≥ {} and "
            "< {}. Install a matching redline or plugin version.")
            .format(origin, path, vtext, "%d.%d.%d" % MIN_VERSION, "%d.%d.%d" % MAX_VERSION))
    progress = False
    try:
        helptext = subprocess.run([path, "batch", "--help"], stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=20).stdout
        progress = b"--progress" in helptext
    except (OSError, subprocess.SubprocessError):
        pass
    return BinaryInfo(path, origin, vtext, None, progress)


def require():
    """The usable BinaryInfo, or a QgsProcessingException with the clear message."""
    info = resolve()
    if not info.ok:
        raise QgsProcessingException(info.error)
    return info


class _Lines:
    """Splits a byte stream into whole lines and hands each, decoded, to a callback."""

    def __init__(self, callback):
        self.buf = bytearray()
        self.callback = callback

    def feed(self, data):
        self.buf.extend(data)
        while True:
            cut = [i for i in (self.buf.find(b"\n"), self.buf.find(b"\r")) if i >= 0]
            if not cut:
                return
            i = min(cut)
            line = bytes(self.buf[:i])
            del self.buf[:i + 1]
            self._emit(line)

    def close(self):
        if self.buf:
            line = bytes(self.buf)
            self.buf.clear()
            self._emit(line)

    def _emit(self, line):
        text = line.decode("utf-8", "replace").rstrip()
        if text:
            self.callback(text)


class RunResult:
    def __init__(self):
        self.exit_code = None
        self.crashed = False
        self.canceled = False
        self.stdout = []
        self.stderr = []


def run(info, args, feedback, progress=False, echo_stdout=True):
    """Runs `info.path args...`; returns a RunResult (never raises for a non-zero exit)."""
    result = RunResult()
    feedback.pushCommandInfo(" ".join(shlex.quote(a) for a in [info.path] + list(args)))

    def on_out(text):
        m = PROGRESS_LINE.match(text) if progress else None
        if m:
            feedback.setProgress(max(0.0, min(100.0, float(m.group(1)) * 100.0)))
            return
        result.stdout.append(text)
        if echo_stdout:
            feedback.pushConsoleInfo(text)

    def on_err(text):
        result.stderr.append(text)
        feedback.pushWarning(text)

    out_lines, err_lines = _Lines(on_out), _Lines(on_err)
    # Named functions kept alive in this frame: QgsBlockingProcess holds no Python reference to
    # its handlers (a lambda passed inline is freed at once and the handler thread crashes).
    def on_stdout(ba):
        out_lines.feed(ba.data())

    def on_stderr(ba):
        err_lines.feed(ba.data())

    proc = QgsBlockingProcess(info.path, list(args))
    proc.setStdOutHandler(on_stdout)
    proc.setStdErrHandler(on_stderr)
    result.exit_code = proc.run(feedback)
    out_lines.close()
    err_lines.close()
    result.canceled = feedback.isCanceled()
    result.crashed = proc.exitStatus() == QProcess.CrashExit
    return result


def failure_message(result, what):
    if result.crashed and not result.canceled:
        detail = tr("the process crashed")
    else:
        detail = tr("exit status {}").format(result.exit_code)
    tail = "\n".join(result.stderr[-8:])
    return tr("redline {} failed ({}){}").format(what, detail, (":\n" + tail) if tail else "")
