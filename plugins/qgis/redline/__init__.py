"""redline: 三线一单 ecological zoning checks in the QGIS Processing Toolbox."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import RedlinePlugin
    return RedlinePlugin(iface)
