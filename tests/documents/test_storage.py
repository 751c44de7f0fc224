"""The storage interface: the local folder (default) and an S3-compatible bucket, the latter against moto's
standalone S3 server on loopback (a real HTTP server speaking S3, started here on a free port)."""
from __future__ import annotations

import hashlib
import io
import socket

import pytest

from purchasing.storage import KEY_PATTERN, LocalStorage, S3Storage, StorageError, storage_from_config
from tests.documents.files import PDF


def _exercise(storage):
    """Every operation of the interface, the same for each backend."""
    first = storage.put(b"contenu un")
    second = storage.put(io.BytesIO(b"contenu deux" * 100_000))  # a stream, several chunks
    assert first != second and KEY_PATTERN.match(first) and KEY_PATTERN.match(second)
    assert storage.exists(first) and storage.exists(second)
    with storage.open(first) as stream:
        assert stream.read() == b"contenu un"
    stream = storage.open(second)
    assert hashlib.sha256(stream.read()).hexdigest() == hashlib.sha256(b"contenu deux" * 100_000).hexdigest()
    stream.close()
    storage.delete(first)
    assert not storage.exists(first) and storage.exists(second)
    with pytest.raises(StorageError):
        storage.open(first)
    storage.delete(first)  # deleting twice is not an error
    for bad in ("../../etc/passwd", "2026/01/../../x", "/etc/passwd", "2026/01/ABC", ""):
        with pytest.raises(StorageError):
            storage.open(bad)
        with pytest.raises(StorageError):
            storage.exists(bad)


def test_local_storage(tmp_path):
    storage = LocalStorage(tmp_path / "storage")
    _exercise(storage)
    leftovers = [p for p in (tmp_path / "storage").rglob("*") if p.is_file() and p.name.startswith(".")]
    assert leftovers == []  # written to a temporary file, then renamed


def test_local_storage_leaves_nothing_when_the_write_fails(tmp_path):
    class Broken(io.RawIOBase):
        def read(self, n=-1):
            raise OSError("disk unplugged")

    storage = LocalStorage(tmp_path)
    with pytest.raises(OSError):
        storage.put(Broken())
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_settings(s3_server):
    import uuid

    import boto3

    settings = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": s3_server, "S3_BUCKET": f"parc-{uuid.uuid4().hex[:12]}",
                "S3_ACCESS_KEY_ID": "test-key", "S3_SECRET_ACCESS_KEY": "test-secret", "S3_REGION": "eu-west-3"}
    boto3.client("s3", endpoint_url=s3_server, region_name="eu-west-3", aws_access_key_id="test-key",
                 aws_secret_access_key="test-secret").create_bucket(
        Bucket=settings["S3_BUCKET"], CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    return settings


def test_s3_storage_against_a_real_s3_server(s3_settings):
    storage = storage_from_config(s3_settings)
    assert isinstance(storage, S3Storage)
    _exercise(storage)
    # the objects really are in the bucket, under the keys returned
    key = storage.put(PDF)
    listed = storage.client.list_objects_v2(Bucket=s3_settings["S3_BUCKET"])["Contents"]
    assert key in {o["Key"] for o in listed}


def test_upload_and_download_through_the_app_on_s3(app, client, dw, s3_settings, monkeypatch):
    """The whole path (API upload, row, download) with the S3 backend configured by the settings."""
    from purchasing.api.services import issue_token

    for name, value in s3_settings.items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.setitem(app.extensions, "parc_storage", storage_from_config(app.config))
    token = issue_token(dw["secretary_a"], "s3")[1]
    content = PDF + b"% sur S3\n"
    response = client.post("/api/v1/documents", headers={"Authorization": f"Bearer {token}"},
                           content_type="multipart/form-data",
                           data={"owner_kind": "asset", "owner_id": str(dw["asset_a"].id), "kind": "invoice",
                                 "file": (io.BytesIO(content), "facture-s3.pdf")})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    s3 = app.extensions["parc_storage"]
    from purchasing.documents.models import Document
    from purchasing.extensions import db

    key = db.session.get(Document, body["id"]).storage_key
    assert s3.client.get_object(Bucket=s3_settings["S3_BUCKET"], Key=key)["Body"].read() == content
    download = client.get(f"/api/v1/documents/{body['id']}/content", headers={"Authorization": f"Bearer {token}"})
    assert download.status_code == 200 and hashlib.sha256(download.data).hexdigest() == body["sha256"]
    assert download.headers["Cache-Control"] == "no-store"
    # a refused file writes no object in the bucket either
    before = {o["Key"] for o in s3.client.list_objects_v2(Bucket=s3_settings["S3_BUCKET"]).get("Contents", [])}
    refused = client.post("/api/v1/documents", headers={"Authorization": f"Bearer {token}"},
                          content_type="multipart/form-data",
                          data={"owner_kind": "asset", "owner_id": str(dw["asset_a"].id), "kind": "invoice",
                                "file": (io.BytesIO(b"pas un pdf"), "faux.pdf")})
    assert refused.status_code == 409
    after = {o["Key"] for o in s3.client.list_objects_v2(Bucket=s3_settings["S3_BUCKET"]).get("Contents", [])}
    assert after == before


def test_storage_settings_come_from_the_environment_and_the_default_folder_is_in_the_instance(monkeypatch,
                                                                                               tmp_path):
    from purchasing import ConfigurationError, create_app

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["STORAGE_BACKEND"] == "local" and app.config["STORAGE_PATH"] == str(tmp_path / "storage")
    for name, value in {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": "http://127.0.0.1:9", "S3_BUCKET": "parc",
                        "S3_ACCESS_KEY_ID": "k", "S3_SECRET_ACCESS_KEY": "s", "S3_REGION": "eu-west-3",
                        "DOCUMENT_MAX_BYTES": "2048"}.items():
        monkeypatch.setenv(name, value)
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert (app.config["S3_BUCKET"], app.config["S3_REGION"], app.config["DOCUMENT_MAX_BYTES"]) == (
        "parc", "eu-west-3", 2048)
    with app.app_context():
        from purchasing.storage import get_storage

        storage = get_storage()
        assert isinstance(storage, S3Storage) and storage.bucket == "parc"
    monkeypatch.delenv("S3_BUCKET")
    with pytest.raises(ConfigurationError) as error:
        create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "S3_BUCKET" in str(error.value)
    monkeypatch.setenv("STORAGE_BACKEND", "ftp")
    with pytest.raises(ConfigurationError):
        create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_instance_config_file_sets_the_storage_folder(monkeypatch, tmp_path):
    from purchasing import create_app

    for name in ("STORAGE_BACKEND", "STORAGE_PATH", "S3_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text(f'STORAGE_PATH = "{tmp_path / "fichiers"}"\n')
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["STORAGE_PATH"] == str(tmp_path / "fichiers")
