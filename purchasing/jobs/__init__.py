"""Background jobs with progress: long work (imports, large exports, label sheets…) runs in a consumer.

Public functions (the rest of the application calls only these):

* ``start_job(kind, user, params=…, title=…, key=…, input_file=(name, bytes), total=…) -> Job``: in a
  service, before the view's one commit; the job is queued when that transaction commits. Then redirect to
  ``url_for("jobs.show", job_id=job.id)``: the page shows the progress bar, then the result or the errors.
* ``register_job_kind(name, handler)``: ``handler(job, progress) -> Outcome``; call ``progress(done, total)``
  while reading/validating; return ``Outcome(summary=…, message=…, file=(name, mimetype, bytes),
  write=callable)`` — ``write`` runs in the job's final transaction (see ``services.py``).
* ``register_periodic(name, crontab(…), func)``: a periodic task run by the consumers (``func()`` in an app
  context, commits once, idempotent), e.g. the e-mail outbox delivery or daily digests.

``flask --app purchasing worker`` runs a consumer; ``flask run`` (development) runs one in its own threads.
"""
from huey import crontab

from purchasing.jobs.queue import enqueue, register_periodic
from purchasing.jobs.services import Outcome, Progress, register_job_kind, start_job

__all__ = ["crontab", "enqueue", "register_periodic", "register_job_kind", "start_job", "Outcome", "Progress"]
