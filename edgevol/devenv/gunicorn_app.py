"""An OpenStack service's WSGI application, served by gunicorn from a venv
of its own (Glance, Keystone, Barbican).

Each of them pins many libraries edgevol also uses, so tools/install.sh
gives each a venv; gunicorn (``gthread``, one worker) serves its WSGI
entry point; ``config_env`` tells the service where its configuration
is (each has its own way).
"""

import os
import subprocess
import urllib.error
import urllib.request

from edgevol.devenv import processes

START_TIMEOUT = 60
WORKER_THREADS = 8


def repo_dir():
    return os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))


def service_venv(name):
    """The venv of service ``name`` (made by tools/install.sh); an
    ``EDGEVOL_<NAME>_VENV`` variable points elsewhere."""
    return os.environ.get("EDGEVOL_%s_VENV" % name.upper()) or os.path.join(
        repo_dir(), ".venv-%s" % name)


class ServiceError(Exception):
    """A service could not be configured, did not start or refused a
    call."""


class GunicornApp:
    """The process side of one service: its venv, gunicorn, its PID.

    :param name: the service (keystone, glance, barbican): its venv and
        its oslo.config project.
    :param app: the WSGI entry point ``module:attribute``.
    :param health_url: a URL that answers 200 once the service serves.
    :param config_env: environment variables that lead the service to
        its configuration.
    :param request_timeout: seconds one request may take before gunicorn
        restarts its worker.
    :param threads: request threads of its one worker.
    :param pid_name: its PID file's name (default ``<name>.pid``).
    """

    def __init__(self, name, base_dir, port, app, health_url, config_env,
                 *, request_timeout=120, threads=WORKER_THREADS,
                 error=ServiceError, pid_name=None):
        self.name = name
        self.base_dir = os.path.abspath(base_dir)
        self.port = port
        self.app = app
        self.health_url = health_url
        self.request_timeout = request_timeout
        self.error = error
        self.config_env = config_env
        self.threads = threads
        self.pid_file = os.path.join(self.base_dir,
                                     pid_name or "%s.pid" % name)
        self.out_file = os.path.join(self.base_dir, "gunicorn.out")

    def bin(self, command):
        return os.path.join(service_venv(self.name), "bin", command)

    def check_installed(self):
        if not os.path.exists(self.bin("gunicorn")):
            raise self.error("%s is not installed in %s (run "
                             "tools/install.sh)" % (
                                 self.name, service_venv(self.name)))

    def env(self):
        # MALLOC_ARENA_MAX: a threaded server keeps far less memory.
        env = dict(os.environ, MALLOC_ARENA_MAX="2", **self.config_env)
        env.pop("PYTHONPATH", None)
        return env

    def run(self, argv, timeout):
        """Run one of the service's commands (``argv[0]`` from its venv);
        its output on failure."""
        argv = [self.bin(argv[0])] + list(argv[1:])
        try:
            result = subprocess.run(argv, capture_output=True, text=True,
                                    timeout=timeout, env=self.env(),
                                    stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired as exc:
            raise self.error("timed out: %s" % " ".join(argv)) from exc
        if result.returncode != 0:
            raise self.error("%s failed: %s" % (
                " ".join(argv), (result.stderr or result.stdout)[-2000:]))
        return result.stdout

    def serve(self, log_file=None):
        """Start gunicorn and wait until the service answers."""
        if not processes.port_is_free(self.port):
            raise self.error("port %d is in use" % self.port)
        argv = [self.bin("gunicorn"), "--worker-class", "gthread",
                "--workers", "1", "--threads", str(self.threads),
                "--bind", "127.0.0.1:%d" % self.port,
                "--timeout", str(self.request_timeout),
                "--graceful-timeout", "5",
                # Entry points and filters of this repository.
                "--pythonpath", repo_dir(), self.app]
        processes.spawn_detached(argv, self.out_file, self.pid_file,
                                 env=self.env())
        if not processes.wait_until(
                lambda: self.healthy() or not self.is_running(),
                START_TIMEOUT, interval=0.1) or not self.is_running():
            # gunicorn's master outlives workers that fail to load.
            self.stop()
            tails = [processes.log_tail(self.out_file)]
            if log_file:
                tails.append(processes.log_tail(log_file))
            raise self.error("%s did not start:\n%s" % (
                self.name, "\n".join(tails)))

    def stop(self):
        processes.stop_pid_file(self.pid_file, timeout=15)

    def is_running(self):
        return processes.pid_file_alive(self.pid_file)

    def pid(self):
        return processes.read_pid(self.pid_file)

    def healthy(self):
        try:
            with urllib.request.urlopen(self.health_url,
                                        timeout=2) as answer:
                return answer.status == 200
        except (OSError, urllib.error.URLError):
            return False
