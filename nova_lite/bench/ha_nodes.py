"""The nodes of the HA clusters (``nova_lite.bench.ha_clusters``): one
RabbitMQ broker node, one MariaDB Galera node, one HAProxy, each an OS
process in its own session under a directory of its own.

A node is started detached (``start_new_session``) so a shell front can
start it in one process and kill it from another: its pid is kept by the
caller's state file, and ``kill()`` sends SIGKILL to the node's process
group (the server and the helper processes it forked: Erlang's
``erl_child_setup``, Galera's SST scripts). Nothing here touches the
machine's own RabbitMQ (5672) or MariaDB (3306): each node has its own
node name, ports, data directory, socket and logs.
"""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time

RABBIT_BIN = os.environ.get('NOVA_LITE_RABBIT_BIN', '/usr/lib/rabbitmq/bin')
MARIADBD = os.environ.get('NOVA_LITE_MARIADBD', '/usr/sbin/mariadbd')
GALERA_PROVIDER = os.environ.get('NOVA_LITE_GALERA_PROVIDER',
                                 '/usr/lib/galera/libgalera_smm.so')
HAPROXY = os.environ.get('NOVA_LITE_HAPROXY', '/usr/sbin/haproxy')
#: The database, user and password the clusters serve nova_lite with.
DB_NAME = DB_USER = DB_PASSWORD = 'nova_lite'


def free_port():
    """A TCP port on 127.0.0.1 free at the time of the call."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def port_open(port, host='127.0.0.1'):
    """True when ``host:port`` accepts a TCP connection (1 s timeout)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def alive(pid):
    """True while process ``pid`` runs (a child of ours that died is
    reaped here, so a zombie does not count as running)."""
    if not pid:
        return False
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
    except ChildProcessError:
        pass
    try:
        with open('/proc/%d/stat' % pid) as stat:
            # A zombie whose parent does not reap it (an orphan under a
            # container's PID 1) has state Z: it is not running.
            return stat.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except (FileNotFoundError, ProcessLookupError):
        return False


def kill_group(pid, timeout=10):
    """SIGKILL the process group of ``pid`` (a session leader started
    here) and wait until ``pid`` is gone. Missing processes are fine."""
    if not pid:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def spawn(argv, log_path, env=None, cwd=None):
    """Start ``argv`` detached (its own session), output to ``log_path``;
    its pid."""
    with open(log_path, 'ab') as log:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log,
                                stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL,
                                start_new_session=True)
    return proc.pid


def wait_for(predicate, timeout, what, pid=None, log_path=None):
    """Poll ``predicate()`` every 0.2 s until true.

    :raises: RuntimeError (with the log's tail) when ``pid`` exits or
        ``timeout`` seconds pass
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if pid is not None and not alive(pid):
            raise RuntimeError('%s: process exited\n%s' % (
                what, log_tail(log_path)))
        if time.monotonic() > deadline:
            raise RuntimeError('%s: not ready in %d s\n%s' % (
                what, timeout, log_tail(log_path)))
        time.sleep(0.2)


def log_tail(path, lines=20):
    """The last ``lines`` lines of the file at ``path`` ('' if none)."""
    if not path:
        return ''
    try:
        with open(path, errors='replace') as log:
            return ''.join(log.readlines()[-lines:])
    except OSError:
        return ''


class RabbitNode:
    """One RabbitMQ node ``<name>@localhost`` listening for AMQP on
    ``127.0.0.1:port`` (``guest`` may log in from loopback), Erlang
    distribution on ``dist_port``; Mnesia, logs, config and the cluster's
    Erlang cookie (``HOME/.erlang.cookie``) under ``directory``."""

    def __init__(self, directory, name, port, dist_port):
        self.directory = directory
        self.name = name
        self.port = port
        self.dist_port = dist_port
        self.log_path = os.path.join(directory, 'server.log')

    def prepare(self, cookie):
        """Write the node's config, plugin list, env file and cookie."""
        os.makedirs(self.directory, exist_ok=True)
        self._write('rabbitmq.conf', ''.join(
            line + '\n' for line in (
                'listeners.tcp.local = 127.0.0.1:%d' % self.port,
                'loopback_users.guest = true',
                # What OpenStack-Ansible and Kolla set: the minority side
                # of a partition stops rather than diverging.
                'cluster_partition_handling = pause_minority',
                'disk_free_limit.absolute = 50MB',
                'log.file.level = warning')))
        self._write('enabled_plugins', '[].\n')
        # Empty: the machine's rabbitmq-env.conf names the machine's node.
        self._write('rabbitmq-env.conf', '')
        cookie_path = os.path.join(self.directory, '.erlang.cookie')
        self._write('.erlang.cookie', cookie)
        os.chmod(cookie_path, 0o400)

    def _write(self, name, text):
        path = os.path.join(self.directory, name)
        if os.path.exists(path):
            os.chmod(path, 0o600)
        with open(path, 'w') as out:
            out.write(text)

    def env(self):
        """Environment of this node's server and CLI processes."""
        env = dict(os.environ)
        d = self.directory
        env.update({
            'HOME': d,
            'RABBITMQ_NODENAME': self.name,
            'RABBITMQ_NODE_IP_ADDRESS': '127.0.0.1',
            'RABBITMQ_NODE_PORT': str(self.port),
            'RABBITMQ_DIST_PORT': str(self.dist_port),
            'RABBITMQ_MNESIA_BASE': os.path.join(d, 'mnesia'),
            'RABBITMQ_LOG_BASE': os.path.join(d, 'log'),
            'RABBITMQ_CONFIG_FILE': os.path.join(d, 'rabbitmq.conf'),
            'RABBITMQ_ADVANCED_CONFIG_FILE': os.path.join(
                d, 'advanced.config'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': os.path.join(
                d, 'enabled_plugins'),
            'RABBITMQ_CONF_ENV_FILE': os.path.join(d, 'rabbitmq-env.conf'),
            'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS':
                '-kernel inet_dist_use_interface {127,0,0,1}',
            'ERL_EPMD_ADDRESS': '127.0.0.1',
        })
        env.pop('ERL_FLAGS', None)
        return env

    def spawn(self):
        """Start the server; its pid (the session leader)."""
        return spawn([os.path.join(RABBIT_BIN, 'rabbitmq-server')],
                     self.log_path, env=self.env())

    def wait_port(self, pid, timeout=90):
        """Wait until the AMQP port accepts. :raises: RuntimeError"""
        wait_for(lambda: port_open(self.port), timeout,
                 'RabbitMQ node %s' % self.name, pid, self.log_path)

    def ctl(self, *args, timeout=120):
        """``rabbitmqctl -n <node> args``; its stdout.

        :raises: RuntimeError with the output when it fails
        """
        result = subprocess.run(
            [os.path.join(RABBIT_BIN, 'rabbitmqctl'), '-q', '-n', self.name]
            + list(args), env=self.env(), capture_output=True, text=True,
            timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError('rabbitmqctl -n %s %s failed: %s%s' % (
                self.name, ' '.join(args), result.stdout, result.stderr))
        return result.stdout

    def join(self, seed):
        """Join the cluster of node name ``seed`` (stop_app, join_cluster,
        start_app: how a RabbitMQ node is clustered by hand)."""
        self.ctl('stop_app')
        self.ctl('join_cluster', seed)
        self.ctl('start_app')


class GaleraNode:
    """One MariaDB server with the Galera provider on ``127.0.0.1:port``,
    socket and datadir under ``directory``; ``gcomm_port`` for group
    communication, ``ist_port`` for incremental and ``sst_port`` for full
    state transfers (rsync, from Debian's ``wsrep_sst_rsync``)."""

    def __init__(self, directory, name, ports, peers, cluster_name):
        self.directory = directory
        self.name = name
        self.port, self.gcomm_port, self.ist_port, self.sst_port = ports
        self.peers = peers
        self.cluster_name = cluster_name
        self.datadir = os.path.join(directory, 'data')
        self.socket = os.path.join(directory, 'mysqld.sock')
        self.cnf = os.path.join(directory, 'my.cnf')
        self.log_path = os.path.join(directory, 'error.log')

    def prepare(self, install):
        """Write ``my.cnf``; with ``install`` create the system tables
        (``mariadb-install-db``; the joiners get everything by SST)."""
        os.makedirs(self.datadir, exist_ok=True)
        with open(self.cnf, 'w') as out:
            out.write(self._cnf())
        if os.getuid() == 0:
            # As root the server runs as mysql (its rsync SST daemon would
            # otherwise write as nobody, and fail).
            for path in (self.directory, self.datadir):
                shutil.chown(path, 'mysql', 'mysql')
        if install:
            subprocess.run(
                ['mariadb-install-db', '--no-defaults',
                 '--datadir=' + self.datadir, '--user=' + _user(),
                 '--auth-root-authentication-method=normal',
                 '--skip-test-db', '--skip-name-resolve'],
                check=True, capture_output=True, timeout=120)

    def _cnf(self):
        gcomm = ','.join('127.0.0.1:%d' % p for p in self.peers)
        options = ';'.join((
            'gmcast.listen_addr=tcp://127.0.0.1:%d' % self.gcomm_port,
            'ist.recv_addr=127.0.0.1:%d' % self.ist_port,
            'gcache.size=64M',
            # Notice a killed peer in seconds (defaults: 5 s / 15 s).
            'evs.suspect_timeout=PT3S', 'evs.inactive_timeout=PT6S'))
        settings = [
            ('datadir', self.datadir), ('socket', self.socket),
            ('port', self.port), ('bind-address', '127.0.0.1'),
            ('pid-file', os.path.join(self.directory, 'mysqld.pid')),
            ('log-error', self.log_path), ('skip-name-resolve', 'ON'),
            ('max_connections', 500), ('max_connect_errors', 100000),
            ('binlog_format', 'ROW'), ('default_storage_engine', 'InnoDB'),
            ('innodb_autoinc_lock_mode', 2),
            ('innodb_buffer_pool_size', '64M'),
            ('innodb_flush_log_at_trx_commit', 2),
            ('character-set-server', 'utf8mb4'),
            ('wsrep_on', 'ON'), ('wsrep_provider', GALERA_PROVIDER),
            ('wsrep_cluster_name', self.cluster_name),
            ('wsrep_cluster_address', 'gcomm://' + gcomm),
            ('wsrep_node_name', self.name),
            ('wsrep_node_address', '127.0.0.1:%d' % self.gcomm_port),
            ('wsrep_provider_options', '"%s"' % options),
            ('wsrep_sst_method', 'rsync'),
            ('wsrep_sst_receive_address', '127.0.0.1:%d' % self.sst_port),
            ('wsrep_slave_threads', 2),
        ]
        return '[mysqld]\n' + ''.join('%s = %s\n' % kv for kv in settings)

    def spawn(self, new_cluster=False):
        """Start ``mariadbd``; ``new_cluster`` bootstraps a new cluster
        (``--wsrep-new-cluster``) instead of joining the peers. Its pid."""
        argv = [MARIADBD, '--defaults-file=' + self.cnf, '--user=' + _user()]
        if new_cluster:
            argv.append('--wsrep-new-cluster')
        return spawn(argv, os.path.join(self.directory, 'stdout.log'),
                     cwd=self.directory)

    def sql(self, statement, timeout=30):
        """Run ``statement`` as root over the node's socket; stdout
        (tab-separated, no headers).

        :raises: RuntimeError when the client fails
        """
        result = subprocess.run(
            ['mariadb', '--no-defaults', '-S', self.socket, '-uroot', '-N',
             '-B', '-e', statement], capture_output=True, text=True,
            timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError('%s: %s' % (self.name, result.stderr.strip()))
        return result.stdout

    def state(self):
        """``wsrep_local_state_comment`` (``Synced``, ``Donor/Desynced``,
        ``Joining``...) or None when the server does not answer."""
        try:
            out = self.sql("SHOW STATUS LIKE 'wsrep_local_state_comment'",
                           timeout=5)
        except (RuntimeError, subprocess.TimeoutExpired):
            return None
        parts = out.split()
        return parts[1] if len(parts) > 1 else None

    def wait_synced(self, pid, timeout=120):
        """Wait until the node is ``Synced``. :raises: RuntimeError"""
        wait_for(lambda: self.state() == 'Synced', timeout,
                 'Galera node %s' % self.name, pid, self.log_path)


def _user():
    """The account mariadbd runs as: mysql when started by root."""
    if os.getuid() == 0:
        return 'mysql'
    return pwd.getpwuid(os.getuid()).pw_name


class HAProxy:
    """HAProxy in front of the Galera nodes (one primary, the others
    ``backup``: all writes go to one node at a time, as OpenStack-Ansible
    and Kolla configure it) and, optionally, in front of API processes
    (round robin, HTTP health check on ``/``)."""

    def __init__(self, directory, db_port, db_backends, api_port=None,
                 api_backends=()):
        self.directory = directory
        self.db_port = db_port
        self.db_backends = db_backends
        self.api_port = api_port
        self.api_backends = list(api_backends)
        self.cfg = os.path.join(directory, 'haproxy.cfg')
        self.log_path = os.path.join(directory, 'haproxy.log')

    def prepare(self):
        """Write ``haproxy.cfg``."""
        os.makedirs(self.directory, exist_ok=True)
        with open(self.cfg, 'w') as out:
            out.write(self.config())

    def config(self):
        """The configuration text."""
        lines = ['global', '  maxconn 4000', '', 'defaults', '  mode tcp',
                 '  timeout connect 2s', '  timeout client 1h',
                 '  timeout server 1h', '  timeout check 2s', '',
                 'listen galera', '  bind 127.0.0.1:%d' % self.db_port,
                 '  option tcpka',
                 '  option mysql-check user haproxy post-41']
        for i, port in enumerate(self.db_backends):
            lines.append(
                '  server db%d 127.0.0.1:%d check inter 1s rise 2 fall 2%s'
                ' on-marked-down shutdown-sessions' % (
                    i + 1, port, ' backup' if i else ''))
        if self.api_port and self.api_backends:
            lines += ['', 'listen api', '  mode http',
                      '  bind 127.0.0.1:%d' % self.api_port,
                      '  balance roundrobin', '  option httpchk GET /',
                      '  option redispatch', '  retries 2',
                      '  timeout client 5m', '  timeout server 5m']
            lines += ['  server api%d %s check inter 1s rise 1 fall 2' % (
                i + 1, backend) for i, backend in enumerate(self.api_backends)]
        return '\n'.join(lines) + '\n'

    def spawn(self):
        """Start HAProxy in the foreground (``-db``); its pid."""
        return spawn([HAPROXY, '-db', '-f', self.cfg], self.log_path)


def installed():
    """Names of the programs the clusters need that are missing."""
    needed = {'rabbitmq-server': os.path.join(RABBIT_BIN, 'rabbitmq-server'),
              'mariadbd': MARIADBD, 'galera-4': GALERA_PROVIDER,
              'haproxy': HAPROXY}
    missing = [name for name, path in needed.items()
               if not os.path.exists(path)]
    for tool in ('rsync', 'mariadb-install-db', 'mariadb', 'erl'):
        if shutil.which(tool) is None:
            missing.append(tool)
    return missing
