# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How benchmarks/site.py reaches its container nodes: the transports it measures side by side.

- ``podman``: connection ``podman`` (ansible-core routes it to containers.podman.podman), linear
  strategy. Every task is several ``podman exec`` calls; the connection cannot pipeline.
- ``ssh``: OpenSSH to an sshd inside the node, with pipelining and ControlPersist, linear strategy.
  The nodes use host networking, so each node's sshd listens on 127.0.0.1 only, on a port of its own;
  the stock ssh.service and ssh.socket are masked so that nothing binds port 22 of the host.
- ``mitogen``: mitogen's ``mitogen_linear`` strategy over connection ``podman`` (mitogen takes over
  short connection names only, not ``containers.podman.podman``).
"""

import concurrent.futures
import os
import shlex
import shutil
import socket
import subprocess
import time

TRANSPORTS = ('podman', 'ssh', 'mitogen')
DESCRIPTIONS = {
    'podman': 'connection `podman` (containers.podman.podman), linear strategy, no pipelining',
    'ssh': 'SSH to an sshd in the node on 127.0.0.1, pipelining + ControlPersist=60s, linear strategy',
    'mitogen': 'mitogen `mitogen_linear` strategy, connection `podman`',
}
# Each node's sshd listens on 127.0.0.1:<base + node number>: bench node N on 42300 + N, demo node i
# (1-based, in the order of site.DEMO_NODES) on 42350 + i.
SSH_PORT_BASE = 42300
DEMO_SSH_PORT_BASE = 42350
SSHD_UNIT = 'linuxai-bench-sshd.service'
AUTHORIZED_KEYS = '/etc/ssh/linuxai-bench.authorized_keys'


def parse(text):
    """The transports named in a comma-separated list, checked against TRANSPORTS."""
    names = [name.strip() for name in text.split(',') if name.strip()]
    unknown = sorted(set(names) - set(TRANSPORTS))
    if unknown:
        raise ValueError('unknown transport(s) %s; known: %s' % (', '.join(unknown), ', '.join(TRANSPORTS)))
    return names


def controller_python():
    """The Python interpreter ansible-playbook runs under (the venv's), from its shebang line."""
    playbook = shutil.which('ansible-playbook')
    if not playbook:
        raise RuntimeError('ansible-playbook is not on PATH (export PATH=.venv/bin:$PATH)')
    with open(playbook) as handle:
        shebang = handle.readline()
    return shebang[2:].strip().split()[0] if shebang.startswith('#!') else 'python3'


def mitogen_info():
    """(strategy plugin directory, mitogen version) of the mitogen installed beside ansible-playbook."""
    code = ('import os, ansible_mitogen, mitogen; '
            'print(os.path.join(os.path.dirname(ansible_mitogen.__file__), "plugins", "strategy")); '
            'print(".".join(map(str, mitogen.__version__)))')
    out = subprocess.run([controller_python(), '-c', code], text=True, capture_output=True, check=True).stdout
    strategy_dir, version = out.split()
    return strategy_dir, version


class SshKeys(object):
    """A client key made for this run and the known_hosts file of the nodes' host keys, in a directory."""

    def __init__(self, directory):
        self.directory = directory
        self.key = os.path.join(directory, 'id_ed25519')
        self.known_hosts = os.path.join(directory, 'known_hosts')
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'linuxai-bench', '-f', self.key],
                       check=True, capture_output=True)
        open(self.known_hosts, 'w').close()
        with open(self.key + '.pub') as handle:
            self.public = handle.read().strip()

    def add_host(self, port, host_keys):
        """Trust a node's host keys (lines of /etc/ssh/ssh_host_*_key.pub) for 127.0.0.1:port."""
        with open(self.known_hosts, 'a') as handle:
            for line in host_keys.splitlines():
                fields = line.split()
                if len(fields) < 2 or not fields[0].startswith(('ssh-', 'ecdsa-')):
                    continue
                kind, blob = fields[:2]
                handle.write('[127.0.0.1]:%d %s %s\n' % (port, kind, blob))


def _sshd_script(port, public_key):
    """Shell run inside a node: install openssh-server if missing without starting the stock service,
    mask ssh.service/ssh.socket, and run sshd as its own unit on 127.0.0.1:port for the bench key only."""
    unit = '\n'.join([
        '[Unit]',
        'Description=sshd of benchmarks/site.py on 127.0.0.1:%d' % port,
        '[Service]',
        'RuntimeDirectory=sshd',
        'ExecStart=/usr/sbin/sshd -D -e -o ListenAddress=127.0.0.1:%d -o AuthorizedKeysFile=%s'
        ' -o PermitRootLogin=prohibit-password -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no'
        ' -o UsePAM=no -o UseDNS=no' % (port, AUTHORIZED_KEYS),
        'Restart=on-failure',
        '[Install]',
        'WantedBy=multi-user.target',
    ])
    return '\n'.join([
        'set -e',
        'systemctl mask ssh.service ssh.socket 2>/dev/null',
        'systemctl stop ssh.service ssh.socket 2>/dev/null || true',
        'if [ ! -x /usr/sbin/sshd ]; then',
        # policy-rc.d: the package's postinst must not start sshd, even for a moment, on port 22.
        '  if [ ! -e /usr/sbin/policy-rc.d ]; then',
        "    printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d",
        "    trap 'rm -f /usr/sbin/policy-rc.d' EXIT",
        '  fi',
        '  export DEBIAN_FRONTEND=noninteractive',
        '  apt-get -qq update',
        '  apt-get -qq install -y --no-install-recommends openssh-server >/dev/null',
        'fi',
        'ssh-keygen -A >/dev/null',
        'printf "%%s\\n" %s > %s' % (shlex.quote(public_key), AUTHORIZED_KEYS),
        'chmod 600 %s' % AUTHORIZED_KEYS,
        'printf "%%s\\n" %s > /etc/systemd/system/%s' % (shlex.quote(unit), SSHD_UNIT),
        'systemctl daemon-reload',
        'systemctl enable --quiet %s' % SSHD_UNIT,
        'systemctl restart %s' % SSHD_UNIT,
        'cat /etc/ssh/ssh_host_*_key.pub',
    ])


def wait_for_sshd(port, timeout=30):
    """Wait until something on 127.0.0.1:port answers with an SSH banner."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=2) as conn:
                if conn.recv(4).startswith(b'SSH-'):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError('no sshd answers on 127.0.0.1:%d' % port)
        time.sleep(0.5)


def setup_sshd(name, port, keys):
    """Start the bench sshd in node `name` on 127.0.0.1:port and trust its host keys."""
    proc = subprocess.run(['podman', 'exec', name, '/bin/sh', '-c', _sshd_script(port, keys.public)],
                          text=True, capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError('%s: sshd setup failed (rc %d): %s' % (name, proc.returncode, proc.stderr[-2000:]))
    wait_for_sshd(port)
    return proc.stdout


def setup_sshd_all(ports, keys):
    """Set up sshd in every node of {name: port} in parallel (apt installs included); trust their keys."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(ports))) as pool:
        futures = dict((name, pool.submit(setup_sshd, name, port, keys)) for name, port in ports.items())
        for name, future in futures.items():
            keys.add_host(ports[name], future.result())


def teardown_sshd(name):
    """Stop and remove the bench sshd unit and key from a node that outlives the bench (a demo node).
    openssh-server stays installed, ssh.service and ssh.socket stay masked."""
    script = ('systemctl disable --now --quiet {unit}; rm -f /etc/systemd/system/{unit} {keys}; '
              'systemctl daemon-reload').format(unit=SSHD_UNIT, keys=AUTHORIZED_KEYS)
    subprocess.run(['podman', 'exec', name, '/bin/sh', '-c', script], capture_output=True, check=False)


def host_vars(transport, port=None, keys=None):
    """Inventory variables of one node for a transport."""
    hostvars = {'ansible_python_interpreter': '/usr/bin/python3'}
    if transport == 'ssh':
        hostvars.update({
            'ansible_connection': 'ssh',
            'ansible_host': '127.0.0.1',
            'ansible_port': port,
            'ansible_user': 'root',
            'ansible_ssh_private_key_file': keys.key,
            'ansible_ssh_pipelining': True,
            'ansible_ssh_common_args': ('-o UserKnownHostsFile=%s -o GlobalKnownHostsFile=/dev/null '
                                        '-o StrictHostKeyChecking=yes -o IdentitiesOnly=yes '
                                        '-o ControlMaster=auto -o ControlPersist=60s' % keys.known_hosts),
        })
    else:
        hostvars['ansible_connection'] = 'podman'
    return hostvars


def environment(transport, strategy, mitogen_strategy_dir=None):
    """ansible-playbook environment of a transport under a lever set's strategy (linear or free):
    mitogen runs its own flavour of that strategy (mitogen_linear, mitogen_free)."""
    if transport == 'mitogen':
        return {'ANSIBLE_STRATEGY': 'mitogen_' + strategy, 'ANSIBLE_STRATEGY_PLUGINS': mitogen_strategy_dir}
    return {'ANSIBLE_STRATEGY': strategy}
