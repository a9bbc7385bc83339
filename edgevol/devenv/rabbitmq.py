"""A private RabbitMQ node on loopback, started and stopped by PID.

Debian's ``rabbitmq-server`` wrapper switches to the ``rabbitmq`` user and
its files under /var/lib; the real scripts under /usr/lib/rabbitmq/bin run
as the caller with everything (Erlang cookie via HOME, mnesia, logs, PID
file) inside the node's own directory instead.
"""

import json
import logging
import os
import secrets
import subprocess

from edgevol.devenv import processes

LOG = logging.getLogger(__name__)

RABBITMQ_BIN = "/usr/lib/rabbitmq/bin"
EPMD_PORT = 4369
AMQP_PORT = 5672
DIST_PORT = 25672
USER = "edgevol"
# Distribution (node-to-node and rabbitmqctl) on loopback only.
ERL_ARGS = "-kernel inet_dist_use_interface {127,0,0,1}"
CTL_TIMEOUT = 60


class RabbitMQError(Exception):
    """RabbitMQ did not start or a rabbitmqctl command failed."""


class RabbitMQ:
    """One RabbitMQ node; ``instance`` shifts its ports and node name."""

    def __init__(self, base_dir, instance=0):
        self.base_dir = os.path.abspath(base_dir)
        self.port = AMQP_PORT + 100 * instance
        self.dist_port = DIST_PORT + 100 * instance
        self.node = ("rabbit@localhost" if instance == 0
                     else "rabbit%d@localhost" % instance)
        self.home = os.path.join(self.base_dir, "home")
        self.pid_file = os.path.join(self.base_dir, "rabbit.pid")
        self.epmd_pid_file = os.path.join(self.base_dir, "epmd.pid")
        self.log_dir = os.path.join(self.base_dir, "log")
        self._credentials_file = os.path.join(self.base_dir,
                                              "credentials.json")

    # -- public interface ------------------------------------------------
    def start(self, timeout=120):
        """Start the node unless it runs."""
        if self.is_running():
            LOG.info("rabbitmq %s already running", self.node)
            return
        self._start_node(timeout)

    def stop(self):
        """SIGTERM the node, then epmd if we started it and it is unused."""
        processes.stop_pid_file(self.pid_file, timeout=30)
        epmd = processes.read_pid(self.epmd_pid_file)
        if processes.is_alive(epmd) and self._epmd_is_unused():
            processes.terminate(epmd)
        processes.remove_file(self.epmd_pid_file)

    def is_running(self):
        return processes.pid_file_alive(self.pid_file)

    def pid(self):
        return processes.read_pid(self.pid_file)

    @property
    def transport_url(self):
        """The oslo.messaging URL, or None before the first start."""
        password = self.password
        if password is None:
            return None
        return "rabbit://%s:%s@127.0.0.1:%d/" % (USER, password, self.port)

    @property
    def password(self):
        try:
            with open(self._credentials_file) as f:
                return json.load(f)["password"]
        except (OSError, ValueError, KeyError):
            return None

    def _ensure_password(self):
        """The service user's password, generated once per state dir."""
        if self.password is not None:
            return self.password
        password = secrets.token_hex(16)
        os.makedirs(self.base_dir, exist_ok=True)
        fd = os.open(self._credentials_file,
                     os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"user": USER, "password": password}, f)
        return password

    # -- starting ----------------------------------------------------------
    def _env(self):
        env = dict(os.environ)
        env.update({
            "HOME": self.home,
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_PID_FILE": self.pid_file,
            "RABBITMQ_MNESIA_BASE": os.path.join(self.base_dir, "mnesia"),
            "RABBITMQ_LOG_BASE": self.log_dir,
            # Our own (empty or absent) files, never the ones under /etc.
            "RABBITMQ_CONF_ENV_FILE": os.path.join(self.base_dir, "env.conf"),
            "RABBITMQ_CONFIG_FILE": os.path.join(self.base_dir, "rabbitmq"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": os.path.join(self.base_dir,
                                                          "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(self.base_dir,
                                                          "enabled_plugins"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": ERL_ARGS,
        })
        return env

    def _write_config(self):
        """rabbitmq.conf: on first boot the node creates our user, not guest.

        (Read only when its database is empty; the password stays the same
        for the life of the state directory, so later boots agree.)
        """
        text = "\n".join([
            "default_user = %s" % USER,
            "default_pass = %s" % self._ensure_password(),
            "default_vhost = /",
            "default_permissions.configure = .*",
            "default_permissions.read = .*",
            "default_permissions.write = .*",
            "default_user_tags.administrator = false",
            "log.file.level = warning",
        ]) + "\n"
        path = os.path.join(self.base_dir, "rabbitmq.conf")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)

    def _prepare_dirs(self):
        os.makedirs(self.home, exist_ok=True)
        os.makedirs(self.log_dir, exist_ok=True)
        cookie = os.path.join(self.home, ".erlang.cookie")
        if not os.path.exists(cookie):
            fd = os.open(cookie, os.O_WRONLY | os.O_CREAT, 0o400)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(20))
        open(os.path.join(self.base_dir, "env.conf"), "a").close()

    def _check_ports_free(self):
        for port in (self.port, self.dist_port):
            if not processes.port_is_free(port):
                raise RabbitMQError("port %d on 127.0.0.1 is in use; is "
                                    "another RabbitMQ running?" % port)

    def _start_node(self, timeout):
        self._check_ports_free()
        self._prepare_dirs()
        self._write_config()
        epmd_was_running = processes.listening_pid(EPMD_PORT) is not None
        processes.remove_file(self.pid_file)
        startup_log = os.path.join(self.log_dir, "startup.log")
        with open(startup_log, "ab") as log:
            # Output to a file: -detached leaves the pipes open otherwise.
            subprocess.run([os.path.join(RABBITMQ_BIN, "rabbitmq-server"),
                            "-detached"], env=self._env(), stdout=log,
                           stderr=log, stdin=subprocess.DEVNULL, timeout=30,
                           start_new_session=True, check=True)
        try:
            self._ctl("wait", "--timeout", str(int(timeout)), self.pid_file,
                      timeout=timeout + 10)
        except RabbitMQError as exc:
            raise RabbitMQError("%s\n%s" % (exc, processes.log_tail(
                os.path.join(self.log_dir, self.node + ".log")))) from exc
        if not epmd_was_running:
            epmd = processes.listening_pid(EPMD_PORT)
            if epmd:
                processes.write_pid(self.epmd_pid_file, epmd)

    # -- rabbitmqctl / epmd ------------------------------------------------
    def rabbitmqctl(self, *args, timeout=CTL_TIMEOUT):
        """Run ``rabbitmqctl ARGS`` against this node; its stdout."""
        return self._ctl(*args, timeout=timeout)

    def _ctl(self, *args, timeout=CTL_TIMEOUT):
        argv = [os.path.join(RABBITMQ_BIN, "rabbitmqctl"), "-n", self.node,
                "-q"] + list(args)
        try:
            result = subprocess.run(argv, env=self._env(), capture_output=True,
                                    text=True, timeout=timeout,
                                    stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RabbitMQError("rabbitmqctl %s timed out" % args[0]) from exc
        if result.returncode != 0:
            raise RabbitMQError("rabbitmqctl %s failed: %s" % (
                args[0], (result.stderr + result.stdout).strip()))
        return result.stdout

    def _epmd_is_unused(self):
        """True if no Erlang node (another RabbitMQ, say) still uses epmd."""
        try:
            result = subprocess.run(["epmd", "-names"], capture_output=True,
                                    text=True, timeout=10, check=False,
                                    env=self._env(), stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return "name " not in result.stdout
