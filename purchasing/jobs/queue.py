"""The task queue: Huey on a SQLite file in the instance folder by default, on Redis when REDIS_URL is set.

Why Huey: a small, maintained queue (one dependency, no broker of its own to run) with exactly the two
storages this product needs — SQLite, embedded, for a commune's laptop or the demo, and Redis, for several
consumers on several hosts — plus retries with a delay and a backoff factor, a scheduler for delayed
retries, periodic tasks (crontab) and a consumer with thread or process workers. Celery needs a separate
broker even in development; RQ and Dramatiq have no embedded storage.

The queue carries only a job's id (``run_job(job_id)``): the ``Job`` row is the user's source of truth
(see ``services.py``). Periodic tasks (``register_periodic``) run in the consumers too.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Callable

import click
from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from huey.consumer import Consumer

log = logging.getLogger(__name__)

#: (name, schedule, func): periodic tasks registered by the application's modules
_PERIODIC: dict[str, tuple[Callable, Callable[[], None]]] = {}
#: Huey instances created so far (one per application), to register late periodic tasks on them
_INSTANCES: list[tuple[Flask, Huey]] = []

__all__ = ["crontab", "register_periodic", "get_huey", "enqueue", "init_app"]


def register_periodic(name: str, schedule: Callable[[datetime], bool], func: Callable[[], None]) -> None:
    """Run ``func()`` (no argument, inside an application context) on ``schedule`` in the consumers.

    ``schedule`` is a Huey schedule, e.g. ``crontab(minute="*/5")`` or ``crontab(hour="7", minute="0")``
    (``from purchasing.jobs import crontab``). ``func`` commits its own work once (like a CLI command)
    and must be idempotent: with several consumers, a scheduled minute runs once (a key in the queue's
    storage), but a consumer that dies mid-run leaves the run to the next schedule.
    """
    _PERIODIC[name] = (schedule, func)
    for app, huey in _INSTANCES:
        _add_periodic(app, huey, name, schedule, func)


def _add_periodic(app: Flask, huey: Huey, name: str, schedule, func) -> None:
    def run_periodic():
        minute = datetime.utcnow().strftime("%Y%m%d%H%M")  # noqa: DTZ003 - a key, not a stored datetime
        if not _first_for_minute(huey, name, minute):
            log.info("periodic task %s already ran at %s on another consumer", name, minute)
            return
        with app.app_context():
            from purchasing.extensions import db

            try:
                func()
            except Exception:
                db.session.rollback()
                raise

    run_periodic.__name__ = f"periodic_{name}"
    huey.periodic_task(schedule, name=f"periodic:{name}")(run_periodic)


def _first_for_minute(huey: Huey, name: str, minute: str) -> bool:
    """True for the first consumer to run ``name`` at ``minute`` (an atomic put-if-empty in the queue's storage)."""
    key = f"periodic:{name}:{minute}"
    try:
        return huey.put_if_empty(key, "1", ttl=3600)  # Redis: the key expires by itself
    except NotImplementedError:  # SQLite storage has no expiry: the previous run's key is deleted instead
        if not huey.put_if_empty(key, "1"):
            return False
        previous = huey.get(f"periodic-last:{name}", peek=True)
        if previous and previous != key:
            huey.delete(previous)
        huey.put(f"periodic-last:{name}", key)
        return True


def make_huey(app: Flask) -> Huey:
    config = app.config
    name = config["HUEY_NAME"]
    if config["JOBS_IMMEDIATE"]:
        # Huey's immediate mode: in-memory storage, each task runs when it is enqueued
        huey: Huey = SqliteHuey(name, filename=":memory:", immediate=True, results=False)
    elif config.get("REDIS_URL"):
        huey = RedisHuey(name, url=config["REDIS_URL"], results=False)
    else:
        path = config.get("HUEY_SQLITE_PATH") or str(Path(app.instance_path) / "jobs-queue.sqlite3")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=path, results=False)

    def run_job(job_id: int, task=None) -> None:
        from purchasing.jobs import services

        with app.app_context():
            # task.retries: the retries left after this attempt; 0 means this attempt is the last
            services.execute(job_id, final_attempt=task is None or not task.retries)

    huey.run_job = huey.task(retries=config["JOBS_RETRIES"], retry_delay=config["JOBS_RETRY_DELAY"],
                             retry_backoff=config["JOBS_RETRY_BACKOFF"], context=True, name="run_job")(run_job)
    for periodic_name, (schedule, func) in _PERIODIC.items():
        _add_periodic(app, huey, periodic_name, schedule, func)
    return huey


def get_huey(app: Flask | None = None) -> Huey:
    return (app or current_app).extensions["huey"]


def enqueue(job_id: int, app: Flask | None = None) -> None:
    """Put ``run_job(job_id)`` on the queue (a job already running or finished is not run again)."""
    get_huey(app).run_job(job_id)


class EmbeddedConsumer(Consumer):
    """A consumer running in threads of the development server: the server keeps its own signal handling."""

    def _set_signal_handlers(self):
        pass


def _started_by_development_server() -> bool:
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.command is None or ctx.command.name != "run":
        return False
    # with the reloader, only the child process that serves requests runs the consumer
    return not ctx.params.get("reload") or os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def init_app(app: Flask) -> None:
    huey = make_huey(app)
    app.extensions["huey"] = huey
    _INSTANCES.append((app, huey))
    app.cli.add_command(worker_command)
    if app.config["JOBS_EMBEDDED_WORKER"] and not huey.immediate and _started_by_development_server():
        start_embedded_consumer(app)


def start_embedded_consumer(app: Flask, workers: int = 2) -> Consumer:
    """A consumer in threads of this process (development server, browser tests): jobs run without a worker."""
    consumer = EmbeddedConsumer(get_huey(app), workers=workers, worker_type="thread", max_delay=2.0)
    consumer.start()
    app.extensions["huey_embedded_consumer"] = consumer
    log.info("embedded job consumer started")
    return consumer


@click.command("worker")
@click.option("--workers", "-w", default=2, show_default=True, help="Nombre de tâches exécutées en parallèle.")
@click.option("--worker-type", "-k", type=click.Choice(["thread", "process"]), default="thread", show_default=True,
              help="Fils d'exécution (thread) ou processus (process).")
@click.option("--no-periodic", is_flag=True, help="Ne pas lancer les tâches périodiques depuis ce consommateur.")
@click.option("--scheduler-interval", default=1, show_default=True, help="Secondes entre deux lectures du "
              "planning (nouveaux essais différés).")
@click.option("--max-delay", default=2.0, show_default=True, help="Attente maximale (s) entre deux lectures "
              "d'une file vide (SQLite ; Redis attend les tâches sans délai).")
def worker_command(workers: int, worker_type: str, no_periodic: bool, scheduler_interval: int,
                   max_delay: float) -> None:
    """Exécute les tâches de fond (consommateur Huey ; Redis si REDIS_URL est défini, sinon SQLite)."""
    huey = get_huey()
    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE est actif : les tâches s'exécutent déjà à leur création.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    consumer = huey.create_consumer(workers=workers, worker_type=worker_type, periodic=not no_periodic,
                                    scheduler_interval=scheduler_interval, check_worker_health=True,
                                    initial_delay=0.1, backoff=1.15, max_delay=max_delay)
    consumer.run()
