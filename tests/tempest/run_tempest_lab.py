#!/usr/bin/env python3
"""Run Tempest with guest validation (SSH into real guests) against the
running lab of ``./devstack/stack.sh``.

Meant to run inside the lab's guest network namespace, where the guests'
fixed addresses are reachable: ``devstack/tools/tempest-validation-check.sh``
relays the lab's Keystone and compute API ports into the namespace's
loopback and runs this script there with ``ip netns exec``.

It makes a Tempest workspace in a temporary directory, writes
``etc/tempest.conf`` from ``tests/tempest/tempest.conf`` with

* pre-provisioned accounts of the lab's seeded users (demo, alt_demo,
  demo_reader, admin; password ``--password``), so the lab's Keystone and
  catalog are not changed;
* ``[validation] run_validation = True``, ``connect_method = fixed``
  (the server's address on ``network_for_ssh = private``) or, with
  ``--connect-method floating`` (run in the lab's public namespace), a
  floating IP of the external network ``public`` (``[network]
  public_network_id``, ``floating_network_name``), ``auth_method
  = keypair``, ``security_group = True`` (Tempest makes a validation
  security group allowing SSH and ping through nova_lite's Networking
  API and boots the validatable servers in it), ``image_ssh_user =
  root``;
* or, with ``--credentials dynamic``, dynamic credentials: the lab's
  admin (``[auth] admin_*``) makes a project and users per test class,
  and with ``create_isolated_networks = true`` a network, a /28 subnet
  of ``10.100.0.0/16`` and a router to the external network ``public``
  (``[network] public_network_id``) for each: the tests that need a
  network their project owns run (``test_attach_interfaces``' by-fixed-IP
  and ``addFixedIp`` tests skip otherwise); it changes the lab's
  Keystone only for the duration of a class;
* the lab's tiny guest image (``image_ref``; ``image_ref_alt`` its
  second registration ``<image>-alt`` when the lab has one) and flavors
  ``--flavor``/``--flavor-alt``;
* with ``--connect-method floating`` and pre-provisioned accounts,
  ``[compute] fixed_network_name = private`` (where validatable servers
  get their floating IP);
* ``[scenario] target_dir = /root`` (the scenarios' timestamp file on the
  guest's disk: its ``/tmp`` is a tmpfs);
* ``[compute] min_compute_nodes = --min-compute-nodes``; from 2 (the
  multi-node lab, doc/lab-nodes.md) live and block migration and shelve
  migration on, and ``include-list-multinode.txt`` by default;

and runs ``tempest run --include-list
tests/tempest/include-list-validation.txt`` (``include-list-floating.txt``
with ``--connect-method floating``, ``include-list-isolated.txt`` with
``--credentials dynamic``; or ``--regex``). Prints
Tempest's totals and ``N passed, N failed, N skipped``; exit status 0
only when Tempest succeeded, nothing failed or was skipped, every line
of the list selected a test and at least ``--min-tests`` passed (the
rules of run_tempest.py).
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from tests.tempest import run_tempest as base  # noqa: E402

VALIDATION_LIST = os.path.join(HERE, 'include-list-validation.txt')
FLOATING_LIST = os.path.join(HERE, 'include-list-floating.txt')
ISOLATED_LIST = os.path.join(HERE, 'include-list-isolated.txt')
#: The lab's Keystone admin (dynamic credentials).
ADMIN = ('admin', 'admin')
MULTINODE_LIST = os.path.join(HERE, 'include-list-multinode.txt')
#: The lab's seeded users: user → (project, roles), in the order Tempest
#: takes them (see run_tempest.ACCOUNTS).
LAB_ACCOUNTS = (('demo', 'demo', ['member']),
                ('alt_demo', 'alt_demo', ['member']),
                ('demo_reader', 'demo', ['reader']),
                ('demo_manager', 'demo', ['manager']),
                ('admin', 'admin', ['admin']))
#: [validation] of a run against real guests (seconds for the timeouts:
#: TCG guests on a shared machine).
VALIDATION = '''run_validation = true
connect_method = {connect_method}
auth_method = keypair
security_group = true
security_group_rules = true
image_ssh_user = root
network_for_ssh = private
ip_version_for_ssh = 4
connect_timeout = 60
ssh_timeout = 300
ping_timeout = 120'''

#: [scenario] of a lab run: test_snapshot_pattern and test_shelve_instance
#: write a timestamp over SSH and read it after the snapshot or unshelve;
#: Tempest's default target_dir /tmp is a tmpfs in the tiny guest
#: (doc/guest-image.md), /root is on its disk.
SCENARIO = '''
[scenario]
target_dir = /root
'''

#: More [compute] of a floating run (oslo.config merges a repeated
#: section): validatable servers get their floating IP on the port of
#: the "tenant network", which pre-provisioned accounts without a
#: network of their own take from fixed_network_name (the lab's flat
#: network).
FLOATING_COMPUTE = '''
[compute]
fixed_network_name = private
'''


#: More [compute-feature-enabled] of a run against a multi-node lab
#: (--min-compute-nodes 2 or more: NODE_MODE=nspawn nodes, each with its
#: own libvirtd; doc/lab-nodes.md): live migration between the nodes is
#: a block migration (no shared storage), and a shelved server may be
#: unshelved on another node and cold-migrated.
MULTINODE_FEATURES = '''
[compute-feature-enabled]
live_migration = true
block_migration_for_live_migration = true
shelve_migrate = true
'''


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--auth-url', required=True,
                        help="the lab's Keystone, e.g. "
                        'http://127.0.0.1:5000/v3')
    parser.add_argument('--password',
                        default=os.environ.get('ADMIN_PASSWORD', 'secret'),
                        help="the seeded users' password (default: "
                        '$ADMIN_PASSWORD, else secret)')
    parser.add_argument('--connect-method', choices=('fixed', 'floating'),
                        default='fixed',
                        help="[validation] connect_method: fixed (run in "
                        "the lab's guest namespace) or floating (run in "
                        'its public namespace: servers are reached through '
                        'floating IPs of the external network "public")')
    parser.add_argument('--credentials', choices=('preprovisioned',
                                                  'dynamic'),
                        default='preprovisioned',
                        help="preprovisioned: the lab's seeded users; "
                        "dynamic: the lab's admin makes a project, users "
                        'and an isolated network (subnet, router to '
                        '"public") per test class')
    parser.add_argument('--include-list',
                        help='default: include-list-validation.txt, '
                        'include-list-floating.txt with --connect-method '
                        'floating, include-list-isolated.txt with '
                        '--credentials dynamic')
    parser.add_argument('--regex', help='run tests matching this regex '
                        'instead of the list (exploration)')
    parser.add_argument('--min-compute-nodes', type=int, default=1,
                        help="[compute] min_compute_nodes; 2 or more (a "
                        'multi-node lab) also turns on live (block) '
                        'migration and shelve migration and makes '
                        'include-list-multinode.txt the default list')
    parser.add_argument('--image', default='tiny')
    parser.add_argument('--flavor', default='m1.micro')
    parser.add_argument('--flavor-alt', default='m1.tiny')
    parser.add_argument('--min-tests', type=int, default=1)
    parser.add_argument('--timeout', type=int, default=3600,
                        help='seconds the tempest run may take')
    parser.add_argument('--build-timeout', type=int, default=300,
                        help="Tempest's [compute] build_timeout")
    parser.add_argument('--json-summary', help='write results here')
    parser.add_argument('--artifacts', help='copy tempest.conf (admin '
                        'password masked), tempest.log and the run output '
                        'here')
    args = parser.parse_args(argv)
    if not args.include_list:
        if args.min_compute_nodes >= 2:
            args.include_list = MULTINODE_LIST
        elif args.credentials == 'dynamic':
            args.include_list = ISOLATED_LIST
        else:
            args.include_list = (FLOATING_LIST if args.connect_method ==
                                 'floating' else VALIDATION_LIST)
    return args


def admin_session(auth_url, password):
    """(token, public compute URL) of the lab's admin.

    :raises: requests.HTTPError when Keystone refuses
    """
    body = {'auth': {'identity': {'methods': ['password'], 'password': {
        'user': {'name': 'admin', 'domain': {'id': 'default'},
                 'password': password}}},
        'scope': {'project': {'name': 'admin', 'domain': {'id': 'default'}}}}}
    resp = requests.post(auth_url.rstrip('/') + '/auth/tokens', json=body,
                         timeout=30)
    resp.raise_for_status()
    for service in resp.json()['token']['catalog']:
        if service['type'] == 'compute':
            return resp.headers['X-Subject-Token'], next(
                e['url'] for e in service['endpoints']
                if e['interface'] == 'public').rstrip('/')
    raise SystemExit('no compute endpoint in the catalog of %s' % auth_url)


def lab_values(args):
    """Template values from the lab: image and flavor ids."""
    token, compute = admin_session(args.auth_url, args.password)
    headers = {'X-Auth-Token': token}

    def get(path, key):
        resp = requests.get(compute + path, headers=headers, timeout=30)
        resp.raise_for_status()
        return {item['name']: item['id'] for item in resp.json()[key]}
    flavors = get('/flavors', 'flavors')
    images = get('/images', 'images')
    # The lab's external network (devstack: LAB_PUBLIC_NETWORK), if any.
    resp = requests.get(compute.rsplit('/v2.1', 1)[0] + '/network/v2.0/'
                        'networks?router:external=true&name=public',
                        headers=headers, timeout=30)
    resp.raise_for_status()
    public = [n['id'] for n in resp.json()['networks']]
    return {
        'auth_url': args.auth_url,
        'public_network_id': public[0] if public else '',
        'image_ref': images[args.image],
        # The lab's second image of the same guest (devstack's
        # DEMO_IMAGE-alt), else the same image.
        'image_ref_alt': images.get(args.image + '-alt', images[args.image]),
        'flavor_ref': flavors[args.flavor],
        'flavor_ref_alt': flavors[args.flavor_alt],
        'compute_nodes': args.min_compute_nodes,
    }


def write_accounts(path, password):
    accounts = [{'username': user, 'project_name': project,
                 'password': password, 'user_domain_name': 'Default',
                 'project_domain_name': 'Default', 'roles': roles}
                for user, project, roles in LAB_ACCOUNTS]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as out:
        json.dump(accounts, out, indent=2)


def auth_options(args, accounts):
    """The ``[auth]`` options (without the header) of
    ``args.credentials``; pre-provisioned ones write the accounts file
    ``accounts``."""
    common = ['default_credentials_domain_name = Default',
              'admin_domain_scope = false']
    if args.credentials == 'dynamic':
        user, project = ADMIN
        return '\n'.join([
            'use_dynamic_credentials = true',
            'create_isolated_networks = true',
            'admin_username = %s' % user,
            'admin_password = %s' % args.password,
            'admin_project_name = %s' % project,
            'admin_domain_name = Default'] + common)
    write_accounts(accounts, args.password)
    return '\n'.join(['use_dynamic_credentials = false',
                      'test_accounts_file = %s' % accounts,
                      'create_isolated_networks = false'] + common)


def configure(args, workspace):
    accounts = os.path.join(workspace, 'etc', 'accounts.yaml')
    values = lab_values(args)
    values.update({
        'log_file': os.path.join(workspace, 'tempest.log'),
        'lock_path': os.path.join(workspace, 'tempest_lock'),
        'auth_options': auth_options(args, accounts),
        'build_timeout': args.build_timeout,
        'scheduler_filters': base.scheduler_filters(),
        'validation_options': VALIDATION.format(
            connect_method=args.connect_method),
    })
    if (args.connect_method == 'floating' or args.credentials ==
            'dynamic') and not values['public_network_id']:
        raise SystemExit('--connect-method floating and --credentials '
                         'dynamic need the lab\'s external network '
                         '"public"')
    with open(os.path.join(workspace, 'etc', 'tempest.conf'), 'w') as out:
        out.write(base.render_config(values))
        out.write(SCENARIO)
        if args.connect_method == 'floating' and \
                args.credentials == 'preprovisioned':
            out.write(FLOATING_COMPUTE)
        if args.min_compute_nodes >= 2:
            out.write(MULTINODE_FEATURES)


def main(argv=None):
    args = parse_args(argv)
    base.check_template()
    started = time.monotonic()
    root = tempfile.mkdtemp(prefix='nova-lite-tempest-lab-')
    try:
        workspace = base.init_workspace(root)
        configure(args, workspace)
        selection = (['--regex', args.regex] if args.regex
                     else ['--include-list', args.include_list])
        rc = base.run(workspace, selection, args.timeout,
                      os.path.join(workspace, 'tempest-run.txt'))
        regexes = [] if args.regex else base.selection_regexes(
            args.include_list)
        summary = base.report(workspace, rc, args.min_tests, regexes,
                              started)
        if args.artifacts:
            base.copy_workspace_artifacts(workspace, args.artifacts)
        if args.json_summary:
            with open(args.json_summary, 'w') as out:
                json.dump(summary, out, indent=1)
        return 0 if summary['ok'] else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
