"""Three-node RabbitMQ and MariaDB Galera clusters with HAProxy, on this
machine, for the HA lab (``devstack/tools/ha-clusters.sh``, ``HA=1`` in
``devstack/stack.sh``) and the functional tests
(``tests/functional/fixtures/ha_clusters.py``). One implementation::

    clusters = HAClusters('/tmp/ha')        # fixed ports 5701-5703, 3311-3313
    clusters.start()
    clusters.transport_url   # rabbit://guest:guest@127.0.0.1:5701,...:5703/
    clusters.db_connection   # mysql+pymysql://nova_lite:...@127.0.0.1:3310/
    clusters.kill_broker(1); clusters.restart_broker(1)
    clusters.stop()                         # no process, no file left

* **RabbitMQ**: nodes ``nl-rabbit1..3@localhost`` (a suffix when
  ``ports='auto'``), one Erlang cookie, started together and clustered by
  ``rabbitmqctl join_cluster`` to node 1; ``pause_minority``.
* **Galera**: node 1 bootstrapped with ``--wsrep-new-cluster``, nodes 2
  and 3 joined by rsync SST; ``gcomm://`` lists the three loopback ports.
* **HAProxy**: one listener for the database with node 1 primary and
  nodes 2, 3 ``backup`` (writes on one node at a time, as
  OpenStack-Ansible and Kolla do), and optionally one for API processes.

``kill_*`` sends SIGKILL to that node's process group; ``restart_*``
starts it again and waits until it is back in its cluster (a broker that
answers ``await_startup``, a Galera node ``Synced`` after IST/SST). The
pids live in ``<base_dir>/state.json`` so the shell front can kill and
restart nodes across invocations. Start-up on this 2-core machine: see
doc/ha-clusters.md (measured ~35 s).
"""
import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from concurrent import futures

from nova_lite.bench import ha_nodes

#: Ports of the lab (fixed, so the lab's config can name them).
LAB_PORTS = {
    'rabbit': [5701, 5702, 5703], 'rabbit_dist': [25701, 25702, 25703],
    'db': [3311, 3312, 3313], 'gcomm': [4571, 4572, 4573],
    'ist': [4581, 4582, 4583], 'sst': [4591, 4592, 4593], 'haproxy_db': 3310,
}
NODES = 3

#: ``[oslo_messaging_rabbit]`` for the broker cluster (oslo.messaging
#: 18.3): quorum queues for the RPC topics and, with
#: ``rabbit_transient_quorum_queue``, for the reply and fanout queues too
#: (replicated on the three nodes: a lost node keeps no message hostage);
#: ``rabbit_stream_fanout`` (which needs the transient quorum queues and
#: a prefetch count) makes each fanout exchange one stream queue
#: instead of a queue per consumer; heartbeats every 10/4 s notice a hung
#: (not only a closed) connection in 10 s; the client walks the
#: ``transport_url`` hosts round-robin when its node is lost.
RABBIT_OPTIONS = {
    'rabbit_quorum_queue': True,
    'rabbit_transient_quorum_queue': True,
    'rabbit_stream_fanout': True,
    # Stream consumers need a bounded prefetch (oslo.messaging refuses 0).
    'rabbit_qos_prefetch_count': 100,
    'use_queue_manager': False,
    'heartbeat_timeout_threshold': 10,
    'heartbeat_rate': 4,
    'kombu_failover_strategy': 'round-robin',
}
#: ``[database]`` behind HAProxy: connections are recycled before
#: HAProxy's idle timeout and retried while HAProxy fails over.
DATABASE_OPTIONS = {
    'connection_recycle_time': 600,
    'max_retries': -1,
    'retry_interval': 1,
}


def _auto_ports():
    ports = {key: [ha_nodes.free_port() for _ in range(NODES)]
             for key in ('rabbit', 'rabbit_dist', 'db', 'gcomm', 'ist',
                         'sst')}
    ports['haproxy_db'] = ha_nodes.free_port()
    return ports


class HAClusters:
    """The broker cluster, the Galera cluster and HAProxy under
    ``base_dir`` (created; ``stop()`` removes what it made).

    :param ports: ``'lab'`` (``LAB_PORTS``) or ``'auto'`` (free ports and
        unique node names: parallel test runs), or a dict like LAB_PORTS
    :param api_port: with ``api_backends`` (``['127.0.0.1:8775', ...]``),
        HAProxy also balances the compute API on ``127.0.0.1:api_port``
    """

    def __init__(self, base_dir, ports='lab', api_port=None,
                 api_backends=()):
        self.base_dir = os.path.abspath(base_dir)
        self.state_path = os.path.join(self.base_dir, 'state.json')
        self.api_port = api_port
        self.api_backends = list(api_backends)
        self.pids = {}
        self.ports = None
        self.suffix = ''
        self.cookie = None
        if os.path.exists(self.state_path):
            self._load()
        elif ports == 'lab':
            self.ports = dict(LAB_PORTS)
        elif ports == 'auto':
            self.ports = _auto_ports()
            self.suffix = '-' + secrets.token_hex(4)
        else:
            self.ports = dict(ports)

    # --------------------------------------------------------------- state

    def _load(self):
        with open(self.state_path) as f:
            state = json.load(f)
        self.ports = state['ports']
        self.suffix = state['suffix']
        self.cookie = state['cookie']
        self.pids = state['pids']
        self.api_port = state.get('api_port')
        self.api_backends = state.get('api_backends', [])

    def _save(self):
        state = {'ports': self.ports, 'suffix': self.suffix,
                 'cookie': self.cookie, 'pids': self.pids,
                 'api_port': self.api_port,
                 'api_backends': self.api_backends}
        tmp = self.state_path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(state, f, indent=1)
        os.replace(tmp, self.state_path)

    # --------------------------------------------------------------- nodes

    def broker(self, i):
        """The RabbitMQ node of index ``i`` (0-2)."""
        return ha_nodes.RabbitNode(
            os.path.join(self.base_dir, 'rabbit%d' % (i + 1)),
            'nl-rabbit%d%s@localhost' % (i + 1, self.suffix),
            self.ports['rabbit'][i], self.ports['rabbit_dist'][i])

    def db(self, i):
        """The Galera node of index ``i`` (0-2)."""
        p = self.ports
        return ha_nodes.GaleraNode(
            os.path.join(self.base_dir, 'db%d' % (i + 1)),
            'nl-db%d' % (i + 1),
            (p['db'][i], p['gcomm'][i], p['ist'][i], p['sst'][i]),
            p['gcomm'], 'nl-galera' + self.suffix)

    def haproxy(self):
        """The HAProxy in front of the Galera nodes (and the API)."""
        return ha_nodes.HAProxy(
            os.path.join(self.base_dir, 'haproxy'),
            self.ports['haproxy_db'], self.ports['db'], self.api_port,
            self.api_backends)

    @property
    def transport_url(self):
        """oslo.messaging URL listing the three brokers (guest/guest)."""
        return 'rabbit://%s/' % ','.join(
            'guest:guest@127.0.0.1:%d' % p for p in self.ports['rabbit'])

    @property
    def db_connection(self):
        """oslo.db URL of the ``nova_lite`` database through HAProxy."""
        return 'mysql+pymysql://%s:%s@127.0.0.1:%d/%s?charset=utf8mb4' % (
            ha_nodes.DB_USER, ha_nodes.DB_PASSWORD,
            self.ports['haproxy_db'], ha_nodes.DB_NAME)

    # ----------------------------------------------------------- lifecycle

    def start(self):
        """Start both clusters and HAProxy; returns seconds taken.

        :raises: RuntimeError when a program is missing, a node does not
            come up (with its log's tail) or ``base_dir`` already holds
            running clusters
        """
        missing = ha_nodes.installed()
        if missing:
            raise RuntimeError('HA clusters need: %s' % ', '.join(missing))
        if any(ha_nodes.alive(pid) for pid in self.pids.values()):
            raise RuntimeError('clusters already running in %s'
                               % self.base_dir)
        t0 = time.monotonic()
        os.makedirs(self.base_dir, exist_ok=True)
        # mariadbd runs as mysql when started by root: it must reach its
        # directory (the parents must be searchable too).
        os.chmod(self.base_dir, 0o755)
        self.cookie = self.cookie or secrets.token_hex(16).upper()
        self._save()
        try:
            with futures.ThreadPoolExecutor(2) as pool:
                rabbit = pool.submit(self._start_brokers)
                galera = pool.submit(self._start_galera)
                rabbit.result()
                galera.result()
            self._start_haproxy()
        except BaseException:
            self.stop()
            raise
        return time.monotonic() - t0

    def _start_brokers(self):
        nodes = [self.broker(i) for i in range(NODES)]
        for i, node in enumerate(nodes):
            node.prepare(self.cookie)
            self.pids['rabbit%d' % (i + 1)] = node.spawn()
        self._save()
        for i, node in enumerate(nodes):
            node.wait_port(self.pids['rabbit%d' % (i + 1)])
        for node in nodes[1:]:
            node.join(nodes[0].name)

    def _start_galera(self):
        nodes = [self.db(i) for i in range(NODES)]
        for i, node in enumerate(nodes):
            node.prepare(install=(i == 0))
        self.pids['db1'] = nodes[0].spawn(new_cluster=True)
        self._save()
        nodes[0].wait_synced(self.pids['db1'])
        self._create_accounts(nodes[0])
        for i, node in enumerate(nodes[1:], start=2):
            self.pids['db%d' % i] = node.spawn()
            self._save()
        for i, node in enumerate(nodes[1:], start=2):
            node.wait_synced(self.pids['db%d' % i], timeout=180)

    @staticmethod
    def _create_accounts(node):
        node.sql(
            "CREATE DATABASE IF NOT EXISTS {db} CHARACTER SET utf8mb4;"
            "CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' "
            "IDENTIFIED BY '{password}';"
            "GRANT ALL ON *.* TO '{user}'@'127.0.0.1';"
            # HAProxy's mysql-check logs in as haproxy without a password.
            "CREATE USER IF NOT EXISTS 'haproxy'@'127.0.0.1';".format(
                db=ha_nodes.DB_NAME, user=ha_nodes.DB_USER,
                password=ha_nodes.DB_PASSWORD))

    def _start_haproxy(self):
        proxy = self.haproxy()
        proxy.prepare()
        self.pids['haproxy'] = proxy.spawn()
        self._save()
        ha_nodes.wait_for(self._db_answers, 30, 'HAProxy to Galera',
                          self.pids['haproxy'], proxy.log_path)

    def _db_answers(self):
        import pymysql
        try:
            conn = pymysql.connect(
                host='127.0.0.1', port=self.ports['haproxy_db'],
                user=ha_nodes.DB_USER, password=ha_nodes.DB_PASSWORD,
                database=ha_nodes.DB_NAME, connect_timeout=2)
        except pymysql.MySQLError:
            return False
        try:
            with conn.cursor() as cur:
                cur.execute('SELECT 1')
            return True
        except pymysql.MySQLError:
            return False
        finally:
            conn.close()

    def stop(self):
        """SIGKILL every process of the clusters and remove the files made
        under ``base_dir`` (the directory too when left empty)."""
        for name in list(self.pids):
            ha_nodes.kill_group(self.pids.pop(name))
        for i in range(NODES):
            shutil.rmtree(self.broker(i).directory, ignore_errors=True)
            shutil.rmtree(self.db(i).directory, ignore_errors=True)
        shutil.rmtree(self.haproxy().directory, ignore_errors=True)
        for path in (self.state_path, self.state_path + '.tmp'):
            if os.path.exists(path):
                os.unlink(path)
        try:
            os.rmdir(self.base_dir)
        except OSError:
            pass

    # --------------------------------------------------------------- faults

    def kill_broker(self, i):
        """SIGKILL RabbitMQ node ``i`` (0-2)."""
        self._kill('rabbit%d' % (i + 1))

    def restart_broker(self, i, timeout=90):
        """Start RabbitMQ node ``i`` again (its Mnesia remembers the
        cluster: it rejoins) and wait until it has booted."""
        node = self.broker(i)
        name = 'rabbit%d' % (i + 1)
        self._kill(name)
        self.pids[name] = node.spawn()
        self._save()
        node.wait_port(self.pids[name], timeout)
        node.ctl('await_startup', timeout=timeout)

    def kill_db(self, i):
        """SIGKILL Galera node ``i`` (0-2; 0 is HAProxy's primary)."""
        self._kill('db%d' % (i + 1))

    def restart_db(self, i, timeout=180):
        """Start Galera node ``i`` again, joining the running cluster
        (IST or SST from a peer), and wait until it is ``Synced``."""
        node = self.db(i)
        name = 'db%d' % (i + 1)
        self._kill(name)
        self.pids[name] = node.spawn()
        self._save()
        node.wait_synced(self.pids[name], timeout)

    def _kill(self, name):
        ha_nodes.kill_group(self.pids.get(name))
        self.pids[name] = None
        self._save()

    def status(self):
        """``{node: 'running'|'stopped'}`` plus each Galera node's
        ``wsrep_local_state_comment`` and the broker cluster's running
        nodes as seen by the first running broker."""
        out = {}
        for name in sorted(self.pids):
            out[name] = ('running' if ha_nodes.alive(self.pids[name])
                         else 'stopped')
        for i in range(NODES):
            if out.get('db%d' % (i + 1)) == 'running':
                out['db%d' % (i + 1)] += ' (%s)' % self.db(i).state()
        return out


def start_temporary():
    """Clusters on free ports in a new directory of their own (not under
    a 0700 temporary directory: the Galera nodes run as mysql), started;
    prints their start time. ``stop()`` removes them and the directory.
    For the bench and the chaos tool."""
    clusters = HAClusters(tempfile.mkdtemp(prefix='nl-ha-'), ports='auto')
    print('clusters started in %.1f s' % clusters.start(), flush=True)
    return clusters


def main(argv=None):
    """``python -m nova_lite.bench.ha_clusters --base-dir DIR
    start|stop|status|env|conf|kill NODE|restart NODE`` (NODE: rabbit1-3,
    db1-3; ``env``: TRANSPORT_URL= and DB_CONNECTION= lines; ``conf``:
    nova_lite.conf lines); exit 1 with the error on failure."""
    parser = argparse.ArgumentParser(prog='ha-clusters')
    parser.add_argument('--base-dir', required=True)
    parser.add_argument('--api-port', type=int)
    parser.add_argument('--api-backend', action='append', default=[],
                        help='HOST:PORT of an API process (repeat)')
    parser.add_argument('action', choices=('start', 'stop', 'status', 'env',
                                           'conf', 'kill', 'restart'))
    parser.add_argument('node', nargs='?')
    args = parser.parse_args(argv)
    clusters = HAClusters(args.base_dir, api_port=args.api_port,
                          api_backends=args.api_backend)
    try:
        return _run(clusters, args)
    except (RuntimeError, KeyError, ValueError) as exc:
        print('ha-clusters: %s' % exc, file=sys.stderr)
        return 1


def _run(clusters, args):
    if args.action == 'start':
        seconds = clusters.start()
        print('clusters up in %.1f s' % seconds)
        _print_env(clusters)
    elif args.action == 'stop':
        clusters.stop()
    elif args.action == 'env':
        _print_env(clusters)
    elif args.action == 'conf':
        print(nova_conf(), end='')
    elif args.action == 'status':
        for name, state in clusters.status().items():
            print('%-8s %s' % (name, state))
    else:
        _fault(clusters, args.action, args.node or '')
    return 0


def _fault(clusters, action, node):
    kinds = {'rabbit': ('kill_broker', 'restart_broker'),
             'db': ('kill_db', 'restart_db')}
    kind = node.rstrip('123')
    if kind not in kinds or node[len(kind):] not in ('1', '2', '3'):
        raise ValueError('NODE must be rabbit1-3 or db1-3, not %r' % node)
    method = kinds[kind][0 if action == 'kill' else 1]
    getattr(clusters, method)(int(node[len(kind):]) - 1)
    print('%s %s' % (node, 'killed' if action == 'kill' else 'back'))


def nova_conf():
    """The ``[oslo_messaging_rabbit]`` and ``[database]`` lines of a
    nova_lite.conf on the clusters (``RABBIT_OPTIONS``,
    ``DATABASE_OPTIONS``); oslo.config merges a repeated section."""
    out = []
    for section, options in (('oslo_messaging_rabbit', RABBIT_OPTIONS),
                             ('database', DATABASE_OPTIONS)):
        out.append('[%s]' % section)
        out += ['%s = %s' % item for item in options.items()]
        out.append('')
    return '\n'.join(out)


def _print_env(clusters):
    print('TRANSPORT_URL=%s' % clusters.transport_url)
    print('DB_CONNECTION=%s' % clusters.db_connection)


if __name__ == '__main__':
    sys.exit(main())
