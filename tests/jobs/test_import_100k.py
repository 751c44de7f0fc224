"""100,000 inventory rows (a 6 MB file: above the other uploads' 5 MiB) sent through the import page, imported by
a real consumer process as a job with progress, all at once.

Marked slow (the slow CI step): about a minute on this machine, which would take a third of the fast suite's
budget; the fast suite sends 20,000 rows through the same page, job and bulk path (test_consumer.py).

Progress is seen without racing the consumer: a trigger on the job table logs every progress write together
with the job's status at that moment, so the test reads back what was committed *while the job ran* (the
progress is written outside the import's transaction: decisions.md, SQLite)."""
from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import Browser
from tests.jobs.live import inventory_csv, live_site, post_file

ROWS = 100_000


@pytest.mark.slow
def test_100000_rows_go_through_the_job_with_progress(tmp_path):
    with live_site(tmp_path) as site:
        ids = site.seed()
        database = site.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(database) as connection:
            connection.executescript("""
                CREATE TABLE progress_log (job_id INTEGER, done INTEGER, total INTEGER, status TEXT);
                CREATE TRIGGER job_progress_logged AFTER UPDATE OF progress_done ON job
                BEGIN INSERT INTO progress_log VALUES (NEW.id, NEW.progress_done, NEW.progress_total, NEW.status); END;
            """)
        site.start_worker()
        site.app.test_client_class = None
        browser = Browser(site.app.test_client())
        browser.login("secretaire@a.live")
        data = inventory_csv(ROWS, "CENTK")
        assert len(data) > 5 * 1024 * 1024  # more than UPLOAD_MAX_BYTES, within INVENTORY_UPLOAD_MAX_BYTES
        response = post_file(browser, "/lifecycle/import", data)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])

        job = site.wait_for(job_id, timeout=600)
        assert job.status == "done", (job.error, site.logs())
        assert (job.progress_done, job.progress_total, job.attempts) == (ROWS, ROWS, 1)
        assert job.message == f"{ROWS} équipements importés." and job.result["imported"] == ROWS
        assert site.asset_count(ids["member_a"]) == ROWS
        with sqlite3.connect(database) as connection:
            log = connection.execute("SELECT done, total, status FROM progress_log WHERE job_id = ? ORDER BY rowid",
                                     (job_id,)).fetchall()
        running = [(done, total) for done, total, status in log if status == "running"]
        intermediate = sorted({done for done, total in running if 0 < done < ROWS})
        assert len(intermediate) >= 3, log  # the bar moved while the job ran, committed outside its transaction
        assert all(total == ROWS for _done, total in running)
        assert [done for done, _total in running] == sorted(done for done, _total in running)
        page = browser.get(response.headers["Location"]).get_data(as_text=True)
        assert f"{ROWS} équipements importés." in page
