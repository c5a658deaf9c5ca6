"""Run vsmartcard's Python virtual card (vicc) against vpcd, as the peer
the emulator is measured against (DOMAIN.md "PC/SC plumbing").

Debian's python3-virtualsmartcard ships the modules but no `vicc` program:
they sit outside Python's path and import `Crypto`, while Debian's
python3-pycryptodome installs it as `Cryptodome`. This launcher adds the
path and aliases the package, then starts an iso7816 card.
Usage: /usr/bin/python3 bench/vicc.py PORT
"""
import importlib
import importlib.abc
import importlib.util
import sys

sys.path.insert(0, "/usr/lib/python3/site-packages/virtualsmartcard")


class CryptoAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serve `Crypto.X` imports from `Cryptodome.X`."""

    def find_spec(self, name, path, target=None):
        if name == "Crypto" or name.startswith("Crypto."):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        return importlib.import_module("Cryptodome" + spec.name[len("Crypto"):])

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, CryptoAlias())

from virtualsmartcard.VirtualSmartcard import VirtualICC  # noqa: E402

VirtualICC(None, "iso7816", "127.0.0.1", int(sys.argv[1])).run()
