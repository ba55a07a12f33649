"""Imported only in the local pool's fork server: run the sweep's main script there, once.

Workers forked from the server then find ``__main__`` already loaded from that script and do not
run it again (see ``executor._share_main_script``). If the script cannot be run here, nothing is
lost: each worker runs it as it would have.
"""

from __future__ import annotations

import os

from quotasim.experiments.executor import MAIN_PATH_ENV

_path = os.environ.get(MAIN_PATH_ENV)
if _path:
    try:
        from multiprocessing import spawn

        spawn.import_main_path(_path)
    except Exception:  # noqa: BLE001 - the workers will run the script themselves
        pass
