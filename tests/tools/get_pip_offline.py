# Stand-in for pip's get-pip.py, which ansible-test downloads from a host this
# machine cannot reach to bootstrap pip into its per-test virtual environments.
# It bootstraps the pip bundled with Python (ensurepip), then lets that pip
# install the exact packages ansible-test asked for (pip==X and friends) from
# the package index, so the resulting environment is the one ansible-test expects.
import subprocess
import sys

# ensurepip runs in its own process: in-process it blanks the pip configuration
# (PIP_CONFIG_FILE=/dev/null) for everything started afterwards.
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"], stdout=subprocess.DEVNULL)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "-q"] + args))
