"""The queue with a real consumer process (``flask --app purchasing worker``) on its embedded default: a SqliteHuey
file in the instance folder and the application's SQLite file, as the demo and a small installation run it."""
from __future__ import annotations

import re
import time

import pytest

from tests.conftest import Browser
from tests.jobs.live import inventory_csv, live_site, post_file, progress_seen


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory.mktemp("live")) as site:
        site.ids = site.seed()
        site.start_worker()
        yield site


def _browser(site, email):
    site.app.test_client_class = None
    browser = Browser(site.app.test_client())
    browser.login(email)
    return browser


def test_a_20000_row_import_started_from_the_page_shows_progress_then_its_result(site):
    check_page_import_shows_progress_then_its_result(site)


def check_page_import_shows_progress_then_its_result(site):
    """A secretary's 20,000-row import from the page: progress seen mid-way, then the result (also on Redis)."""
    browser = _browser(site, "secretaire@a.live")
    data = inventory_csv(20_000, "LIVE")
    response = post_file(browser, "/lifecycle/import", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    job_url = response.headers["Location"]
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[1])

    seen, statuses = set(), set()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        html = browser.get(job_url).get_data(as_text=True)
        status = re.search(r'id="job-status">([^<]+)<', html).group(1)
        statuses.add(status)
        if status in ("Terminée", "En échec"):
            break
        # the page without script: a <progress> element, its text equivalent and a refresh link
        assert "<progress" in html and "Actualiser la page" in html and 'src="/static/js/job-progress.js"' in html
        progress = progress_seen(html)
        if progress:
            seen.add(progress)
        time.sleep(0.02)
    state = browser.get(job_url + "/status").get_json()  # what the page's script reads
    assert state["status"] == "done" and state["finished"] and state["done"] == state["total"] == 20_000, site.logs()
    assert "En cours" in statuses
    intermediate = {done for done, total in seen if 0 < done < total}
    assert intermediate, f"no intermediate progress seen: {sorted(seen)}"
    assert all(total == 20_000 for _done, total in seen)

    html = browser.get(job_url).get_data(as_text=True)
    assert "20000 équipements importés." in html and "<progress" not in html
    assert site.asset_count(site.ids["member_a"]) == 20_000
    job = site.job(job_id)
    assert (job.progress_done, job.progress_total, job.attempts) == (20_000, 20_000, 1)
    assert job.started_dt <= job.finished_dt
    # the list "Mes tâches" shows it; member B's users do not see it (404), nor does staff
    assert "Import d&#39;inventaire : inventaire.csv" in browser.get("/jobs/").get_data(as_text=True)
    other = _browser(site, "secretaire@b.live")
    assert other.get(job_url).status_code == 404 and other.get(job_url + "/status").status_code == 404
    assert "inventaire.csv" not in other.get("/jobs/").get_data(as_text=True)
    assert _browser(site, "achats@s.live").get(job_url).status_code == 404


def test_a_file_with_bad_rows_fails_with_the_reason_and_the_row_errors_and_writes_nothing(site):
    browser = _browser(site, "secretaire@b.live")
    data = inventory_csv(3_000, "BAD", bad_rows=(10, 2_500))
    response = post_file(browser, "/lifecycle/import", data)
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    job = site.wait_for(job_id)
    assert job.status == "failed" and job.attempts == 1  # a bad file is not retried
    assert job.error == "Le fichier contient 2 erreur(s) : rien n'a été importé."
    html = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "rien n&#39;a été importé" in html
    assert "Code de catégorie inconnu « grille-pain »." in html and ">12<" in html and ">2502<" in html
    assert site.asset_count(site.ids["member_b"]) == 0


def test_an_unexpected_failure_is_retried_with_backoff_then_succeeds_or_fails_with_its_reason(site, tmp_path):
    from purchasing.extensions import db
    from purchasing.jobs import start_job
    from purchasing.accounts.models import User
    from sqlalchemy import select

    with site.app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "achats@s.live"))
        recovers = start_job("test_flaky", officer, params={"log": str(tmp_path / "a.log"), "succeed_on": 3})
        never = start_job("test_flaky", officer, params={"log": str(tmp_path / "b.log"), "succeed_on": 99})
        db.session.commit()  # both queued at commit
        ids = recovers.id, never.id

    job = site.wait_for(ids[0], timeout=60)
    assert job.status == "done" and job.attempts == 3 and job.result == {"attempt": 3}, site.logs()
    times = [float(line.split()[1]) for line in (tmp_path / "a.log").read_text().splitlines()]
    assert len(times) == 3
    first_delay, second_delay = times[1] - times[0], times[2] - times[1]
    # JOBS_RETRY_DELAY = 1 s, then doubled (JOBS_RETRY_BACKOFF = 2)
    assert first_delay >= 1 and second_delay >= 2 and second_delay > first_delay

    job = site.wait_for(ids[1], timeout=60)
    assert job.status == "failed" and job.attempts == 3  # JOBS_RETRIES = 2: three attempts in all
    assert job.error.startswith("Erreur inattendue, la tâche a échoué après plusieurs essais")
    assert "RuntimeError: panne passagère, essai 3" in job.error
    assert len((tmp_path / "b.log").read_text().splitlines()) == 3


def test_a_finished_job_is_not_run_again(site):
    """The same message delivered again (or the job started again with its key) does not redo the work."""
    from purchasing.extensions import db
    from purchasing.jobs import enqueue
    from purchasing.jobs.kinds import start_inventory_import
    from purchasing.accounts.models import User
    from sqlalchemy import select

    data = inventory_csv(50, "ONCE")
    with site.app.app_context():
        user = db.session.scalar(select(User).where(User.email == "secretaire@b.live"))
        job = start_inventory_import(user, site.ids["member_b"], "once.csv", data, dry_run=False)
        db.session.commit()
        job_id = job.id
    assert site.wait_for(job_id).status == "done"
    before = site.asset_count(site.ids["member_b"])
    with site.app.app_context():
        user = db.session.scalar(select(User).where(User.email == "secretaire@b.live"))
        again = start_inventory_import(user, site.ids["member_b"], "once.csv", data, dry_run=False)
        db.session.commit()
        assert again.id == job_id  # the same file for the same member: the same job
        enqueue(job_id)  # and the same message delivered twice
        enqueue(job_id)
    time.sleep(3)
    assert site.asset_count(site.ids["member_b"]) == before
    assert site.job(job_id).attempts == 1
    assert "not run: it is running elsewhere, finished or unknown" in site.logs()
