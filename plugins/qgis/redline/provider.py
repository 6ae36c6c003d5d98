"""The `redline` Processing provider."""
import os

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from . import binary, server

PLUGIN_DIR = os.path.dirname(__file__)
_said = set()


def plugin_version():
    try:
        with open(os.path.join(PLUGIN_DIR, "metadata.txt"), encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("version="):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


class RedlineProvider(QgsProcessingProvider):
    def __init__(self):
        super().__init__()
        self.binary_info = None

    def id(self):
        return "redline"

    def name(self):
        return "redline"

    def longName(self):  # noqa: N802
        info = self.binary_info
        url = server.configured_url()[0]
        if url:
            return "redline (server %s)" % url
        if info is not None and info.ok:
            return "redline %s (%s)" % (info.version, info.path)
        return "redline"

    def icon(self):
        return QIcon(os.path.join(PLUGIN_DIR, "icon.svg"))

    def versionInfo(self):  # noqa: N802
        return plugin_version()

    def load(self):
        from processing.core.ProcessingConfig import ProcessingConfig, Setting
        ProcessingConfig.settingIcons[self.name()] = self.icon()
        ProcessingConfig.addSetting(Setting(
            self.name(), binary.SETTING,
            self.tr("redline executable (empty: the REDLINE_BIN environment variable, then PATH)"),
            "", valuetype=Setting.FILE))
        ProcessingConfig.addSetting(Setting(
            self.name(), server.SETTING,
            self.tr("redline server URL, e.g. http://10.0.0.5:8080/ (empty: the REDLINE_SERVER "
                    "environment variable, else run the local redline executable; screen and "
                    "check only, validate needs the executable)"),
            "", validator=server.validate_url))
        ProcessingConfig.readSettings()
        self.check_binary()
        self.refreshAlgorithms()
        return True

    def unload(self):
        from processing.core.ProcessingConfig import ProcessingConfig
        ProcessingConfig.removeSetting(binary.SETTING)
        ProcessingConfig.removeSetting(server.SETTING)

    def check_binary(self):
        """Checks the executable once and says clearly what is wrong (message log and stderr)."""
        self.binary_info = binary.resolve()
        error = self.binary_info.error
        url, origin = server.configured_url()
        if error and url:
            # Server mode: only redline:validate needs the executable.
            error = self.tr("redline: screen and check use the redline server {} ({}); "
                            "redline:validate needs a local executable: {}").format(url, origin, error)
            level = Qgis.Info
        else:
            level = Qgis.Critical
        if error and error not in _said:
            _said.add(error)  # once per process, however often Processing reloads providers
            # The message log: the GUI's Log Messages panel; qgis_process prints it on stderr.
            QgsMessageLog.logMessage(error, "redline", level)
        return self.binary_info

    def loadAlgorithms(self):  # noqa: N802
        from .algorithms import CheckAlgorithm, ScreenAlgorithm, ValidateAlgorithm
        for alg in (ScreenAlgorithm(), CheckAlgorithm(), ValidateAlgorithm()):
            self.addAlgorithm(alg)
