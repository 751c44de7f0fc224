"""One storage interface for every stored file: a local folder by default, an S3-compatible bucket in production.

``put`` takes bytes or a binary stream and returns a new opaque key (never derived from a file name: no path
is ever built from user input); ``open`` returns a binary stream; ``delete`` and ``exists`` take the key. The
database keeps the key with the file's name, type, size and SHA-256 (``purchasing/documents``).

Settings (``purchasing/config.py``; environment or ``instance/config.py``): ``STORAGE_BACKEND`` = ``local``
(default, the folder ``STORAGE_PATH``, default ``<instance>/storage``, which the backup includes) or ``s3``
(``S3_BUCKET``, ``S3_ENDPOINT_URL`` for a non-AWS provider, ``S3_REGION``, ``S3_ACCESS_KEY_ID``,
``S3_SECRET_ACCESS_KEY``).
"""
from __future__ import annotations

import io
import os
import re
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app

#: "2026/12/3f2a…" (year, month, 32 hex digits): the only keys ``put`` makes and the only ones accepted
KEY_PATTERN = re.compile(r"^\d{4}/\d{2}/[0-9a-f]{32}$")
CHUNK = 1024 * 1024


class StorageError(Exception):
    """The storage backend failed or the key is not one of ours."""


class Storage(Protocol):
    def put(self, data: bytes | BinaryIO) -> str: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...


def new_key(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y}/{now:%m}/{uuid.uuid4().hex}"


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise StorageError(f"invalid storage key: {key!r}")
    return key


def _as_stream(data: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else data


class LocalStorage:
    """Files under one folder; written to a temporary file then renamed, so a key never names half a file."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, data: bytes | BinaryIO) -> str:
        key = new_key()
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = _as_stream(data)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError as error:
            raise StorageError(f"no stored object {key}") from error

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


class S3Storage:
    """Objects in one bucket of any S3-compatible service, through boto3 (AWS's own maintained SDK; its
    ``endpoint_url`` reaches MinIO, Ceph, Garage, Scaleway, OVHcloud… as well as AWS)."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None,
                 access_key_id: str | None = None, secret_access_key: str | None = None, client=None):
        if client is None:
            import boto3
            from botocore.config import Config as BotoConfig

            client = boto3.client(
                "s3", endpoint_url=endpoint_url or None, region_name=region or None,
                aws_access_key_id=access_key_id or None, aws_secret_access_key=secret_access_key or None,
                config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5,
                                  read_timeout=30))
        self.bucket = bucket
        self.client = client

    def put(self, data: bytes | BinaryIO) -> str:
        key = new_key()
        self.client.upload_fileobj(_as_stream(data), self.bucket, key)
        return key

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"]
        except ClientError as error:
            raise StorageError(f"no stored object {key}") from error

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


def storage_from_config(config) -> Storage:
    backend = (config.get("STORAGE_BACKEND") or "local").lower()
    if backend == "local":
        return LocalStorage(config["STORAGE_PATH"])
    if backend == "s3":
        return S3Storage(config["S3_BUCKET"], endpoint_url=config.get("S3_ENDPOINT_URL"),
                         region=config.get("S3_REGION"), access_key_id=config.get("S3_ACCESS_KEY_ID"),
                         secret_access_key=config.get("S3_SECRET_ACCESS_KEY"))
    raise ValueError(backend)


def configure(app: Flask) -> str | None:
    """Default folder ``<instance>/storage``; the reason the settings cannot work, if they cannot."""
    if not app.config.get("STORAGE_PATH"):
        app.config["STORAGE_PATH"] = str(Path(app.instance_path) / "storage")
    backend = (app.config.get("STORAGE_BACKEND") or "local").lower()
    if backend not in ("local", "s3"):
        return f"STORAGE_BACKEND={backend!r} : valeurs possibles « local » ou « s3 »."
    if backend == "s3" and not app.config.get("S3_BUCKET"):
        return ("STORAGE_BACKEND=s3 demande S3_BUCKET (et S3_ENDPOINT_URL hors AWS, S3_ACCESS_KEY_ID, "
                "S3_SECRET_ACCESS_KEY, S3_REGION).")
    return None


def get_storage() -> Storage:
    """The application's storage, built once per app from its settings."""
    app = current_app._get_current_object()
    storage = app.extensions.get("parc_storage")
    if storage is None:
        storage = app.extensions["parc_storage"] = storage_from_config(app.config)
    return storage
