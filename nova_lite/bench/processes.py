"""nova_lite services as separate OS processes, configured like a lab.

``ProcessStack`` writes a nova_lite.conf, syncs and bootstraps the database
with ``nova-lite-manage``, then starts ``nova-lite-api``, ``-conductor``,
``-scheduler`` and one ``nova-lite-compute`` per host (or one
``nova-lite-all``), each logging to its own file in the state dir, on a
fresh database and a private RabbitMQ vhost (``nova_lite.bench.backends``).
It authenticates with ``noauth``; the functional tests' subclass adds a
real Keystone (``_start_keystone``).
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import types

import requests
import sqlalchemy as sa

from nova_lite.bench import backends
from nova_lite.bench import Resource
from nova_lite.conf import metrics as metrics_conf
from nova_lite.db import models

#: The checkout nova_lite runs from (for PYTHONPATH of child processes).
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def free_port():
    """A TCP port on 127.0.0.1 free at the time of the call."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _port_free(port):
    """Whether ``port`` of 127.0.0.1 can be bound now."""
    with socket.socket() as sock:
        try:
            sock.bind(('127.0.0.1', port))
            return True
        except OSError:
            return False


def command(script):
    """argv prefix running console script ``script`` (e.g. nova-lite-api)
    from this interpreter's environment."""
    path = shutil.which(script, path=os.path.dirname(sys.executable))
    if path:
        return [path]
    module = script.replace('nova-lite-', '')
    return [sys.executable, '-c', 'import sys; from nova_lite.cmd.%s import '
            'main; sys.exit(main())' % module]


def process_env():
    env = dict(os.environ)
    env['PYTHONPATH'] = REPO_ROOT + os.pathsep + env.get('PYTHONPATH', '')
    return env


class ServiceProcess:
    """One service process; output goes to ``<state>/<name>.log``."""

    def __init__(self, name, argv, state_dir):
        self.name = name
        self.argv = argv
        self.log_path = os.path.join(state_dir, '%s.log' % name)
        self.popen = None

    def start(self):
        with open(self.log_path, 'ab') as log:
            self.popen = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT,
                env=process_env(), start_new_session=True)

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Signal the process and wait; SIGKILL after ``timeout`` s."""
        self.signal(sig)
        self.wait_stopped(timeout)

    def signal(self, sig=signal.SIGTERM):
        """Send ``sig`` if the process still runs."""
        if self.alive():
            self.popen.send_signal(sig)

    def wait_stopped(self, timeout=15):
        """Wait up to ``timeout`` s for the process to end, then SIGKILL
        it."""
        if self.popen is None:
            return
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(10)

    def kill(self):
        self.stop(signal.SIGKILL)

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, errors='replace') as log:
                return ''.join(log.readlines()[-lines:])
        except OSError:
            return ''


class ProcessStack(Resource):
    """A cloud of separate processes on the machine's real backends.

    :param backend: 'mysql', 'postgresql' or 'sqlite'
    :param hosts: compute host names (one nova-lite-compute each)
    :param all_in_one: run ``nova-lite-all --compute-hosts len(hosts)``
        instead (fake bus, so no RabbitMQ)
    :param conf: extra options {(group, name): value}
    :param schedulers: how many nova-lite-scheduler processes to run
        (hosts ``controller``, ``controller-2``, ...; they share the
        ``scheduler`` topic)
    :param conductors: how many nova-lite-conductor processes to run
        (processes ``conductor``, ``conductor-2``, ...; hosts as for the
        schedulers; they share the ``conductor`` topic)
    :param api_workers: ``[api] workers`` of nova-lite-api (worker
        processes on one socket; ``api_worker_pids()`` lists them)
    :param transport_url: use this broker (e.g. a cluster's URL listing
        its nodes) instead of a new vhost of the machine's RabbitMQ
    :param database_url: use this MariaDB database (e.g. a Galera
        cluster's, through HAProxy; migrated and bootstrapped here)
        instead of a new database of ``backend``
    :param fake_hosts: when > 0, run one ``nova-lite-compute --fake-hosts
        N`` (hosts ``fake-1`` ... ``fake-N``) instead of one process per
        name in ``hosts``
    :param keystone: authenticate with a real Keystone (on a new MariaDB
        database when ``backend`` is 'mysql', else SQLite) instead of
        noauth; its catalog has ``compute`` at ``<api_url>/v2.1`` and
        ``image`` at ``<api_url>/image`` (public and internal, RegionOne).
        After setUp: ``keystone`` (the KeystoneFixture), ``auth_url``,
        ``passwords`` ({user: password}), ``projects`` ({user: project}),
        ``openstack_env(user)`` and ``token(user)``.
    :param metrics: turn on every process's metrics listener on
        127.0.0.1, each on a free port; ``metrics_urls`` maps a process
        name (api, conductor, scheduler, compute-<host>, all) to its
        ``/metrics`` URL
    :param console_proxy: also run ``nova-lite-novncproxy`` on a free
        port of 127.0.0.1 (``console_proxy_port``), serving noVNC's files
        from ``[console_proxy] web`` (Debian's /usr/share/novnc); the
        console URLs point at it
    :param volume: also run ``nova-lite-volume`` (host ``storage``;
        volumes under ``<state_dir>/volumes``, exports on 127.0.0.1
        without the nftables filter: a loopback stack must not filter
        the machine's own namespace); the catalog then has the Block
        Storage API
    """

    def __init__(self, backend='mysql', hosts=('node1', 'node2'),
                 all_in_one=False, conf=None, keystone=False,
                 schedulers=1, fake_hosts=0, metrics=False,
                 console_proxy=False, volume=False, conductors=1,
                 api_workers=1, transport_url=None, database_url=None):
        super().__init__()
        self.external_transport_url = transport_url
        self.external_database_url = database_url
        self.conductors = conductors
        self.api_workers = api_workers
        self.volume = volume
        self.console_proxy_port = free_port() if console_proxy else None
        self.metrics = metrics
        self.metrics_urls = {}
        self.schedulers = schedulers
        self.fake_hosts = fake_hosts
        self.backend = backend
        self.hosts = list(hosts)
        self.all_in_one = all_in_one
        self.extra_conf = conf or {}
        self.use_keystone = keystone
        self.keystone = None
        self.processes = {}

    def _start(self):
        self.state_dir = self.use(backends.TempDir()).path
        if self.external_database_url:
            self.db = types.SimpleNamespace(url=self.external_database_url)
        else:
            self.db = self.use(backends.Database(self.backend,
                                                 self.state_dir))
        self.transport_url = 'fake://'
        if self.external_transport_url:
            self.transport_url = self.external_transport_url
        elif not self.all_in_one:
            self.transport_url = self.use(
                backends.RabbitVhost()).transport_url
        self.api_port = free_port()
        self.api_url = 'http://127.0.0.1:%d' % self.api_port
        if self.use_keystone:
            self._start_keystone()
        self.config_file = self._write_config()
        self.compute_config_file = self._write_config(
            'compute.conf', without=('database',))
        self.engine = sa.create_engine(self.db.url)
        self.addCleanup(self.engine.dispose)
        self._prepare_database()
        self.addCleanup(self._stop_all)
        self._start_all()

    def _prepare_database(self):
        """Migrate the new database and bootstrap the default cloud
        content (flavors, flat network, image ``tiny``), as an operator
        does with ``nova-lite-manage``."""
        self.manage('db', 'sync')
        self.manage('bootstrap', '--image-name', 'tiny')

    # --------------------------------------------------------------- config

    def _options(self):
        options = {
            ('DEFAULT', 'transport_url'): self.transport_url,
            ('DEFAULT', 'state_path'): self.state_dir,
            ('DEFAULT', 'report_interval'): 2,
            ('DEFAULT', 'service_down_time'): 10,
            ('DEFAULT', 'rpc_response_timeout'): 30,
            ('database', 'connection'): self.db.url,
            ('api', 'listen'): '127.0.0.1',
            ('api', 'port'): self.api_port,
            ('api', 'auth_strategy'): 'noauth',
            ('api', 'workers'): self.api_workers,
            ('virt', 'driver'): 'fake',
            ('compute', 'resource_update_interval'): 5,
            ('image', 'api_endpoint'): self.api_url + '/image',
        }
        if self.metrics:
            options[('metrics', 'listen')] = '127.0.0.1'
        if self.volume:
            options[('volume', 'export_filter')] = 'none'
            options[('volume', 'sweep_interval')] = 10
        if self.console_proxy_port:
            options.update(self._console_options())
        if self.keystone is not None:
            options.update(self._keystone_options())
        options.update(self.extra_conf)
        return options

    def _console_options(self):
        proxy = '127.0.0.1:%d' % self.console_proxy_port
        return {('console_proxy', 'listen'): '127.0.0.1',
                ('console_proxy', 'port'): self.console_proxy_port,
                ('vnc', 'novncproxy_base_url'):
                    'http://%s/vnc_lite.html' % proxy,
                ('serial_console', 'base_url'): 'ws://%s/' % proxy}

    # ------------------------------------------------------------- keystone

    def _start_keystone(self):
        """Start Keystone and set ``keystone``, ``auth_url``, ``passwords``
        and ``projects``; the functional tests' stack implements it."""
        raise NotImplementedError('keystone=True needs a subclass with '
                                  '_start_keystone')

    def _keystone_options(self):
        return {}

    def _write_config(self, name='nova_lite.conf', without=()):
        """Write the options to ``<state_dir>/<name>``, leaving out the
        groups in ``without``; its path. Computes get one without
        ``[database]``: they have no database access."""
        groups = {}
        for (group, option), value in self._options().items():
            if group not in without:
                groups.setdefault(group, []).append(
                    '%s = %s' % (option, value))
        path = os.path.join(self.state_dir, name)
        with open(path, 'w') as conf:
            for group, lines in groups.items():
                conf.write('[%s]\n%s\n\n' % (group, '\n'.join(lines)))
        return path

    def _host_config(self, host):
        path = os.path.join(self.state_dir, 'host-%s.conf' % host)
        with open(path, 'w') as conf:
            conf.write('[DEFAULT]\nhost = %s\n' % host)
        return path

    # ------------------------------------------------------------ processes

    def manage(self, *args):
        """Run ``nova-lite-manage`` with the stack's config; its stdout."""
        result = subprocess.run(
            command('nova-lite-manage') + ['--config-file', self.config_file]
            + list(args), capture_output=True, text=True, timeout=120,
            env=process_env())
        if result.returncode != 0:
            raise RuntimeError('nova-lite-manage %s failed:\n%s%s' % (
                ' '.join(args), result.stdout, result.stderr))
        return result.stdout

    def _argv(self, script, host, *extra):
        config = (self.compute_config_file if script == 'nova-lite-compute'
                  else self.config_file)
        return (command(script) + ['--config-file', config,
                                   '--config-file', self._host_config(host)]
                + list(extra))

    def _metrics_config(self, name, script):
        """A config file giving process ``name`` a free metrics port
        (``[metrics] port`` is a base the binary's offset is added to;
        API workers take that port + 10 * k, free too)."""
        workers = self.api_workers if script == 'nova-lite-api' else 1
        port = free_port()
        while not all(_port_free(port + k * metrics_conf.API_WORKER_PORT_STEP)
                      for k in range(1, workers)):
            port = free_port()
        base = port - metrics_conf.PORT_OFFSETS.get(script, 0)
        path = os.path.join(self.state_dir, 'metrics-%s.conf' % name)
        with open(path, 'w') as conf:
            conf.write('[metrics]\nport = %d\n' % base)
        self.metrics_urls[name] = 'http://127.0.0.1:%d/metrics' % port
        return ['--config-file', path]

    def start_process(self, name, script, host, *extra):
        argv = self._argv(script, host, *extra)
        if self.metrics:
            argv += self._metrics_config(name, script)
        proc = ServiceProcess(name, argv, self.state_dir)
        proc.start()
        self.processes[name] = proc
        return proc

    def _start_all(self):
        if self.all_in_one:
            self.start_process('all', 'nova-lite-all', 'controller',
                               '--compute-hosts', str(len(self.hosts)))
            # nova-lite-all names a single compute after its host, several
            # compute-1 ... compute-N.
            self.hosts = (['controller'] if len(self.hosts) == 1 else
                          ['compute-%d' % (i + 1)
                           for i in range(len(self.hosts))])
        else:
            self.start_process('api', 'nova-lite-api', 'controller')
            for index in range(self.conductors):
                self.start_controller('conductor', index)
            for index in range(self.schedulers):
                self.start_controller('scheduler', index)
            if self.fake_hosts:
                self.start_process('compute-fake', 'nova-lite-compute',
                                   'fake', '--fake-hosts',
                                   str(self.fake_hosts))
                self.hosts = ['fake-%d' % (i + 1)
                              for i in range(self.fake_hosts)]
            else:
                for host in self.hosts:
                    self.start_compute(host)
        if self.console_proxy_port:
            self.start_process('novncproxy', 'nova-lite-novncproxy',
                               'controller')
        if self.volume and not self.all_in_one:
            self.start_process('volume', 'nova-lite-volume', 'storage')
        self.wait_api()
        self.wait_computes(self.hosts)

    def start_controller(self, service, index):
        """Start (or restart) controller process ``index`` (0-based) of
        ``service`` ('conductor' or 'scheduler'): process name
        ``service`` or ``service-<index+1>``, host ``controller`` or
        ``controller-<index+1>``."""
        suffix = '-%d' % (index + 1) if index else ''
        return self.start_process(service + suffix, 'nova-lite-' + service,
                                  'controller' + suffix)

    def api_worker_pids(self):
        """Pids of nova-lite-api's worker processes (children of the API
        process; [] with one process)."""
        proc = self.processes.get('api')
        if proc is None or not proc.alive() or self.api_workers < 2:
            return []
        path = '/proc/%d/task/%d/children' % (proc.popen.pid,
                                              proc.popen.pid)
        try:
            with open(path) as children:
                return [int(pid) for pid in children.read().split()]
        except OSError:
            return []

    def start_compute(self, host):
        return self.start_process('compute-%s' % host, 'nova-lite-compute',
                                  host)

    def _stop_all(self):
        """Stop the computes, then the other services: each group is
        signalled at once and then waited for, so a stop costs the slowest
        shutdown of each group rather than the sum of all."""
        computes = [proc for name, proc in self.processes.items()
                    if name.startswith('compute')]
        others = [proc for proc in self.processes.values()
                  if proc not in computes]
        for group in (computes, others):
            for proc in group:
                proc.signal()
            for proc in group:
                proc.wait_stopped()
        if self.volume:
            self._stop_exports()

    def _stop_exports(self):
        """Stop the qemu-nbd exports the volume service left (each runs
        in a session of its own and outlives the service: the exports of
        attachments a failed test never detached)."""
        exports = os.path.join(self.state_dir, 'volumes', 'exports')
        for name in (os.listdir(exports) if os.path.isdir(exports)
                     else ()):
            try:
                with open(os.path.join(exports, name)) as handle:
                    pid = int(handle.read().strip())
                with open('/proc/%d/cmdline' % pid, 'rb') as handle:
                    if exports.encode() not in handle.read():
                        continue        # a recycled pid
                os.kill(pid, signal.SIGTERM)
            except (OSError, ValueError):
                continue

    # -------------------------------------------------------------- waiting

    def _check_alive(self):
        for name, proc in self.processes.items():
            if not proc.alive():
                raise AssertionError('%s exited (%s):\n%s' % (
                    name, proc.popen.returncode, proc.log_tail()))

    def wait_api(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                if requests.get(self.api_url + '/', timeout=2).status_code \
                        < 500:
                    return
            except (requests.ConnectionError, requests.Timeout):
                # Refused until the API binds; with [api] workers the
                # socket is bound before the workers accept on it.
                pass
            time.sleep(0.2)
        raise AssertionError('API did not answer within %d s' % timeout)

    def wait_computes(self, hosts, timeout=None):
        """Wait until every host has a compute_nodes row (by default at
        most 60 s, and 0.1 s more per host beyond 600: a fleet of 1,000
        fake hosts registers in about half a minute)."""
        if timeout is None:
            timeout = 60 + max(0, len(hosts) - 600) * 0.1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            if set(hosts) <= set(self.compute_node_hosts()):
                return
            time.sleep(0.2)
        raise AssertionError('computes %s not registered' % hosts)

    # -------------------------------------------------------------- queries

    def query(self, statement):
        with self.engine.connect() as conn:
            return conn.execute(statement).all()

    def compute_node_hosts(self):
        node = models.ComputeNode
        return [r[0] for r in self.query(sa.select(node.host).where(
            node.deleted == 0))]

    def allocations(self):
        return self.query(sa.select(models.Allocation.instance_uuid))

    def node_usage(self):
        node = models.ComputeNode
        return {r[0]: tuple(r[1:]) for r in self.query(sa.select(
            node.host, node.vcpus_used, node.memory_mb_used,
            node.local_gb_used).where(node.deleted == 0))}

    def allocated_fixed_ips(self):
        fip = models.FixedIP
        return self.query(sa.select(fip.address).where(
            fip.instance_uuid.isnot(None)))
