"""The real FusionInventory agent (Debian's ``fusioninventory-agent`` 2.6) pointed at the served application:
the first run creates the machine's asset with its CPU, RAM, storage and OS; the second updates it, no duplicate.

The app serves a migrated SQLite file (committed data, not the suite's rolled-back transaction) on a loopback port
from a server thread. Without the agent the test is skipped, but under CI it fails (CI installs the package).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from werkzeug.serving import make_server

from purchasing import create_app
from purchasing.extensions import db

pytestmark = pytest.mark.agent

AGENT = shutil.which("fusioninventory-agent")
#: inventory categories the test does not need (the agent runs faster without them)
SKIPPED_CATEGORIES = "software,process,environment,local_user,local_group,user,printer,usb,licenseinfo"


@pytest.fixture(scope="module")
def agent_binary():
    if AGENT is None:
        if os.environ.get("CI"):
            pytest.fail("fusioninventory-agent is missing: CI must install the Debian package "
                        "(apt-get install fusioninventory-agent)", pytrace=False)
        pytest.skip("fusioninventory-agent is not installed (apt-get install fusioninventory-agent)")
    return AGENT


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(app, base URL, member id, the token's secret) of an application served on a loopback port."""
    tmp = tmp_path_factory.mktemp("agent-live")
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp / "live.sqlite3"),
                      "SECRET_KEY": "agent-live-secret-key-not-for-production-0123", "JOBS_EMBEDDED_WORKER": False,
                      "STORAGE_PATH": str(tmp / "storage"), "HUEY_SQLITE_PATH": str(tmp / "queue.sqlite3")})
    with app.app_context():
        from flask_migrate import upgrade

        from lifecycle.agents import services as agents
        from purchasing.domain.identifiers import luhn_check_digit
        from purchasing.members.models import Member, fold_for_search

        upgrade()
        body = "21300000"
        member = Member(kind="commune", name="Commune agent", search_name=fold_for_search("Commune agent"),
                        siren=body + luhn_check_digit(body), insee_code="21300", population=800,
                        approval_threshold_ht=Decimal("1000.00"), joined_on=date(2020, 1, 1), is_active=True)
        db.session.add(member)
        db.session.flush()
        _token, secret = agents.create_token(member.id, "Parc de test", None)
        db.session.commit()
        member_id = member.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.port}", member_id, secret
    finally:
        server.shutdown()
        thread.join(10)
        with app.app_context():
            db.engine.dispose()


def _run_agent(binary: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, "--server", url, "--no-task=deploy,esx,collect,wakeonlan,netdiscovery,netinventory",
                           f"--no-category={SKIPPED_CATEGORIES}", "--force", "--logger=stderr", "--timeout=60"],
                          capture_output=True, text=True, timeout=300)


def _assets(app, member_id):
    from lifecycle.assets import services as lifecycle
    from lifecycle.assets.models import Asset, AssetHardware, AssetStorage

    with app.app_context():
        assets = db.session.scalars(select(Asset).where(Asset.member_id == member_id)).all()
        out = []
        for asset in assets:
            hw = db.session.scalars(select(AssetHardware).where(AssetHardware.asset_id == asset.id)).one()
            storages = db.session.execute(select(AssetStorage.type, AssetStorage.size_gb)
                                          .where(AssetStorage.asset_id == asset.id)).all()
            kinds = [e.kind for e in lifecycle.asset_timeline(asset)]  # the import record, then the events
            out.append(dict(id=asset.id, category=asset.category.code, cpu=hw.cpu, ram_mb=hw.ram_mb, os=hw.os_name,
                            device_id=hw.device_id, contact=hw.last_contact_dt, storages=storages, events=kinds,
                            source=hw.source))
        return out


def test_the_real_agent_creates_the_machine_then_updates_it(agent_binary, served):
    app, base, member_id, secret = served
    url = f"{base}/agent/{secret}/"

    first = _run_agent(agent_binary, url)
    assert "sending prolog request" in first.stderr, first.stderr[-3000:]
    assert "error" not in first.stderr.lower(), first.stderr[-3000:]
    assets = _assets(app, member_id)
    assert len(assets) == 1, assets
    asset = assets[0]
    assert asset["cpu"] and asset["ram_mb"] and asset["ram_mb"] > 256 and asset["os"] and asset["device_id"]
    assert asset["storages"] and all(size > 0 for _kind, size in asset["storages"])
    assert asset["source"] == "agent" and asset["contact"] is not None
    assert asset["events"] == ["imported"]

    # the machine "gets more memory" between the two runs: the stored RAM is lowered, the agent reports the truth
    from lifecycle.assets.models import AssetHardware

    with app.app_context():
        db.session.execute(update(AssetHardware).where(AssetHardware.asset_id == asset["id"])
                           .values(ram_mb=asset["ram_mb"] - 128))
        db.session.commit()

    second = _run_agent(agent_binary, url)
    assert "error" not in second.stderr.lower(), second.stderr[-3000:]
    after = _assets(app, member_id)
    assert len(after) == 1 and after[0]["id"] == asset["id"], after  # matched on the agent's DEVICEID, no duplicate
    assert after[0]["ram_mb"] == asset["ram_mb"] and after[0]["contact"] > asset["contact"]
    assert after[0]["events"] == ["imported", "inventory_update"]
    from lifecycle.assets.models import AssetEvent

    with app.app_context():
        change = db.session.scalars(select(AssetEvent.details).where(AssetEvent.asset_id == asset["id"],
                                                                     AssetEvent.kind == "inventory_update")).one()
        assert change["changes"]["ram_mb"] == [asset["ram_mb"] - 128, asset["ram_mb"]]
        assert change["source"] == "agent"


def test_the_real_agent_with_a_revoked_token_writes_nothing(agent_binary, served):
    app, base, member_id, _secret = served
    from lifecycle.agents import services as agents
    from lifecycle.agents.models import AgentToken
    from lifecycle.assets.models import Asset

    with app.app_context():
        token, secret = agents.create_token(member_id, "révoqué", None)
        agents.revoke_token(token, None)
        db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(Asset))
    run = _run_agent(agent_binary, f"{base}/agent/{secret}/")
    assert "authentication required" in run.stderr, run.stderr[-3000:]  # the agent logs its 401 so
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Asset)) == before
        assert db.session.scalar(select(AgentToken.inventories).where(AgentToken.token_hash ==
                                                                      agents.hash_token(secret))) == 0
