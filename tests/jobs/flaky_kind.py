"""A job kind for the retry test, loaded by the consumers through JOBS_MODULES: it fails (an unexpected error,
as a lost database connection would be) until its attempt number reaches ``succeed_on``, and writes the time
of each attempt to the file ``log``, so that the test reads the retry delays the queue applied."""
from __future__ import annotations

import time
from pathlib import Path

from purchasing.jobs import Outcome, register_job_kind

KIND = "test_flaky"


def _flaky(job, progress):
    with Path(job.params["log"]).open("a") as log:
        log.write(f"{job.attempts} {time.time()}\n")
    if job.attempts < job.params["succeed_on"]:
        raise RuntimeError(f"panne passagère, essai {job.attempts}")
    progress(1, 1, force=True)
    return Outcome(summary={"attempt": job.attempts}, message=f"Réussi à l'essai {job.attempts}.")


register_job_kind(KIND, _flaky)
