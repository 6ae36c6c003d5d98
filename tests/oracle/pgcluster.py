"""A throwaway PostgreSQL + PostGIS cluster for the oracle.

The cluster lives in a fresh temporary directory, listens only on a unix socket inside that
directory (no TCP, so it cannot clash with another cluster on the machine), and is stopped and
deleted when the context manager exits -- also on an exception, Ctrl-C or SIGTERM (ctest timeout).

When run as root (CI), initdb/postgres run as the `postgres` system user through runuser(1);
the clients (psql, ogr2ogr) keep running as the caller and connect through the socket with
trust authentication.
"""

import glob
import os
import pwd
import random
import shutil
import signal
import subprocess
import tempfile


class ClusterUnavailable(RuntimeError):
    """PostgreSQL or PostGIS is not installed: the caller decides whether that is a skip."""


def find_bindir():
    env = os.environ.get("REDLINE_PG_BINDIR")
    if env:
        if os.access(os.path.join(env, "initdb"), os.X_OK):
            return env
        raise ClusterUnavailable(f"REDLINE_PG_BINDIR={env} has no initdb")
    cands = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                    key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
                    reverse=True)
    for d in cands:
        if d and os.access(os.path.join(d, "initdb"), os.X_OK) and \
                os.access(os.path.join(d, "pg_ctl"), os.X_OK):
            return d
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return os.path.dirname(os.path.realpath(initdb))
    raise ClusterUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; install them with\n"
        "  apt-get install -y postgresql-15 postgresql-15-postgis-3\n"
        "or point REDLINE_PG_BINDIR at their directory")


class Terminated(BaseException):
    pass


def _on_sigterm(signum, frame):  # turn SIGTERM into an exception so `finally` blocks run
    raise Terminated()


class Cluster:
    def __init__(self, verbose=False, keep=False):
        self.verbose = verbose
        self.keep = keep
        self.bindir = find_bindir()
        self.psql = shutil.which("psql") or os.path.join(self.bindir, "psql")
        self.dir = None
        self.started = False
        self.watchdog = None
        self.port = random.randint(20000, 60000)
        self.dbname = "oracle"
        self.user = "postgres"

    # -- running commands as the server user -------------------------------------------------
    def _as_server_user(self, argv):
        if os.geteuid() != 0:
            return argv
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise ClusterUnavailable("running as root but there is no `postgres` system user "
                                     "(it is created by the postgresql-15 package)")
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", "postgres", "--"] + argv
        return ["su", "postgres", "-s", "/bin/sh", "-c",
                " ".join("'" + a.replace("'", "'\\''") + "'" for a in argv)]

    def _run_server_cmd(self, argv, what):
        p = subprocess.run(self._as_server_user(argv), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, cwd=self.dir)
        if p.returncode != 0:
            log = ""
            lf = os.path.join(self.dir, "server.log")
            if os.path.exists(lf):
                with open(lf, errors="replace") as fh:
                    log = fh.read()[-4000:]
            raise RuntimeError(f"{what} failed ({p.returncode}):\n{p.stdout}\n{log}")
        return p.stdout

    # -- lifecycle ---------------------------------------------------------------------------
    def __enter__(self):
        self._old_term = signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc):
        self._stop()
        signal.signal(signal.SIGTERM, self._old_term)
        return False

    def _start(self):
        base = os.environ.get("REDLINE_ORACLE_TMP", "/tmp")
        self.dir = tempfile.mkdtemp(prefix="redline-oracle-", dir=base)
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres") if self._has_postgres_user() else None
            if pw is None:
                raise ClusterUnavailable("running as root but there is no `postgres` system user")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        data = os.path.join(self.dir, "data")
        self._run_server_cmd([os.path.join(self.bindir, "initdb"), "-D", data, "-U", self.user,
                              "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], "initdb")
        opts = (f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off "
                f"-c synchronous_commit=off -c full_page_writes=off")
        self._run_server_cmd([os.path.join(self.bindir, "pg_ctl"), "-D", data, "-o", opts,
                              "-l", os.path.join(self.dir, "server.log"), "-w", "-t", "60",
                              "start"], "pg_ctl start")
        self.started = True
        self._start_watchdog()
        self.sql(f"CREATE DATABASE {self.dbname}", db="postgres")
        try:
            self.sql("CREATE EXTENSION postgis")
        except RuntimeError as e:
            raise ClusterUnavailable(
                "PostGIS is not available in this PostgreSQL installation; install it with\n"
                "  apt-get install -y postgresql-15-postgis-3\n" + str(e))
        if self.verbose:
            print(f"[oracle] cluster up in {self.dir} (port {self.port}); "
                  f"PostGIS {self.sql('SELECT postgis_full_version()', capture=True).strip()}")

    def _start_watchdog(self):
        """If this process is killed with SIGKILL (e.g. a CTest timeout), `finally` never runs:
        a detached shell waits for our pid to vanish, then stops the cluster and deletes it."""
        if self.keep:
            return
        stop = " ".join("'" + a + "'" for a in self._as_server_user(
            [os.path.join(self.bindir, "pg_ctl"), "-D", os.path.join(self.dir, "data"),
             "-m", "immediate", "-w", "stop"]))
        script = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
                  f"if [ -d '{self.dir}/data' ]; then {stop} >/dev/null 2>&1; "
                  f"rm -rf '{self.dir}'; fi")
        self.watchdog = subprocess.Popen(["/bin/sh", "-c", script], start_new_session=True,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)

    @staticmethod
    def _has_postgres_user():
        try:
            pwd.getpwnam("postgres")
            return True
        except KeyError:
            return False

    def _stop(self):
        if self.dir is None:
            return
        if self.keep:
            print(f"[oracle] --keep: cluster left running: {self.psql_argv()}")
            return
        if self.started:
            try:
                subprocess.run(self._as_server_user(
                    [os.path.join(self.bindir, "pg_ctl"), "-D", os.path.join(self.dir, "data"),
                     "-m", "immediate", "-w", "stop"]),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            except Exception as e:  # never mask the original error
                print(f"[oracle] warning: pg_ctl stop failed: {e}")
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)
        wd = getattr(self, "watchdog", None)
        if wd is not None and wd.poll() is None:
            wd.kill()  # our own watchdog, by its pid
            wd.wait()
        self.watchdog = None
        self.dir = None

    # -- clients -----------------------------------------------------------------------------
    def conninfo(self, db=None):
        return f"host={self.dir} port={self.port} dbname={db or self.dbname} user={self.user}"

    def ogr_conn(self):
        return "PG:" + self.conninfo()

    def psql_argv(self, db=None):
        return [self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo(db)]

    def sql(self, text, db=None, capture=False):
        """Run SQL through psql (stdin). With capture, return the unaligned tuples-only output."""
        argv = self.psql_argv(db) + (["-A", "-t"] if capture else [])
        p = subprocess.run(argv, input=text, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=dict(os.environ, PGCLIENTENCODING="UTF8"))
        if p.returncode != 0:
            raise RuntimeError(f"psql failed ({p.returncode}): {p.stderr.strip()}")
        return p.stdout
