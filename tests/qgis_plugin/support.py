"""Shared by the QGIS plugin tests: a throwaway QGIS profile, qgis_process, sample inputs."""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PLUGINS = os.path.join(REPO, "plugins", "qgis")
SAMPLE = os.path.join(REPO, "sample_data", "yongkang")
RULEBOOK = os.path.join(SAMPLE, "rulebook.yaml")
APPLICATIONS = os.path.join(SAMPLE, "applications.csv")
SKIP = 77

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def finish():
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


def qgis_process_binary():
    for name in ("qgis_process.bin", "/usr/lib/qgis/qgis_process.bin"):
        found = shutil.which(name) or (name if os.path.isfile(name) else None)
        if found:
            return found
    return None


def have_pyqgis():
    try:
        out = subprocess.run([sys.executable, "-c", "import qgis.core"], capture_output=True,
                             env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=60)
        return out.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


class Profile:
    """A clean QGIS profile and HOME; env() is what qgis_process runs with."""

    def __init__(self, root, plugin_path=PLUGINS, redline=None):
        self.root = root
        self.home = os.path.join(root, "home")
        self.runtime = os.path.join(root, "run")
        self.config = os.path.join(root, "profile")
        for d in (self.home, self.runtime, self.config):
            os.makedirs(d, exist_ok=True)
        os.chmod(self.runtime, 0o700)
        self.plugin_path = plugin_path
        self.redline = redline

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("QGIS_") and k != "REDLINE_BIN"}
        env.update(HOME=self.home, XDG_RUNTIME_DIR=self.runtime,
                   QGIS_CUSTOM_CONFIG_PATH=self.config, QT_QPA_PLATFORM="offscreen",
                   LC_ALL="C.UTF-8", LANG="C.UTF-8")
        if self.plugin_path:
            env["QGIS_PLUGINPATH"] = self.plugin_path
        if self.redline:
            env["REDLINE_BIN"] = self.redline
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def qgis_process(self, *args, timeout=300, **extra):
        cmd = [qgis_process_binary()] + list(args)
        out = subprocess.run(cmd, capture_output=True, env=self.env(**extra), timeout=timeout)
        return out.returncode, out.stdout.decode("utf-8", "replace"), \
            out.stderr.decode("utf-8", "replace")

    def ini(self):
        """The profile's QGIS3.ini (where qgis_process reads Processing settings)."""
        return os.path.join(self.config, "profiles", "default", "QGIS", "QGIS3.ini")

    def set_processing_setting(self, name, value):
        path = self.ini()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        lines = open(path, encoding="utf-8").read().splitlines() if os.path.exists(path) else []
        key = "Configuration\\%s=" % name
        lines = [l for l in lines if not l.startswith(key)]
        if "[Processing]" not in lines:
            lines += ["", "[Processing]"]
        i = lines.index("[Processing]")
        if value is not None:
            lines.insert(i + 1, key + value)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")


def results(stdout):
    """qgis_process's "Results" block as a dict."""
    out, on = {}, False
    for line in stdout.splitlines():
        if line.strip() == "Results":
            on = True
            continue
        if on and "\t" in line and ":" in line:
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def csv_to_gpkg(src, dst, repeat=1):
    """The applications CSV as a GeoPackage layer (EPSG:4490), optionally repeated with new ids.
    Unparsable WKT becomes a NULL geometry (an ERROR row either way)."""
    from osgeo import ogr, osr
    ogr.UseExceptions()
    with open(src, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = [f for f in rows[0].keys() if f != "wkt"]
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(dst)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4490)
    lyr = ds.CreateLayer("applications", srs, ogr.wkbUnknown)
    for f in fields:
        lyr.CreateField(ogr.FieldDefn(f, ogr.OFTString))
    ds.StartTransaction()
    for k in range(repeat):
        for r in rows:
            feat = ogr.Feature(lyr.GetLayerDefn())
            for f in fields:
                feat.SetField(f, r[f])
            if repeat > 1:
                feat.SetField("id", "%s-%03d" % (r["id"], k))
            try:
                g = ogr.CreateGeometryFromWkt(r["wkt"]) if r["wkt"] else None
            except Exception:
                g = None
            if g is not None:
                feat.SetGeometry(g)
            lyr.CreateFeature(feat)
    ds.CommitTransaction()
    ds = None


def verdicts(gpkg):
    from osgeo import ogr
    ds = ogr.Open(gpkg)
    lyr = ds.GetLayerByName("sites")
    out = {f.GetField("site_id"): f.GetField("verdict") for f in lyr}
    ds = None
    return out


def dump(gpkg):
    """tests/golden/dump.py's canonical text of a GeoPackage."""
    sys.path.insert(0, os.path.join(REPO, "tests", "golden"))
    import dump as golden_dump
    out = []
    golden_dump.dump_gpkg(gpkg, out)
    return out


def tempdir(prefix):
    return tempfile.TemporaryDirectory(prefix=prefix)
