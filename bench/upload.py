"""(c) A 120 MB dossier uploaded to a real server: the server's memory must stay flat.

A gunicorn worker (one sync worker, 127.0.0.1, a free port) serves `bench/upload/`
(bench.bench_urls), which runs every file through `validate_attachment` and `store_upload`.
The multipart body, 12 files of 10 MB made on disk, is streamed from disk by http.client
with an exact Content-Length; the worker's resident memory is sampled from /proc meanwhile.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

FILE_SIZE = 10 * 1024 * 1024  # MAX_FILE_SIZE
FILES = 12  # 12 x 10 MB = MAX_DOSSIER_SIZE (120 MB)
TARGET_MB = 50.0
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 120.0
CHUNK = 256 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _exact_pdf(path: Path, size: int) -> None:
    """A valid PDF of exactly `size` bytes: comment padding, then the last xref pointer
    again (every offset of the original stays right)."""
    from tests.invoicing.samples import keyword_invoice_pdf

    pdf = keyword_invoice_pdf()
    tail = pdf[pdf.rindex(b"startxref") :]
    padding = size - len(pdf) - len(tail)
    with open(path, "wb") as out:
        out.write(pdf)
        line = b"%" + b"x" * (CHUNK - 2) + b"\n"
        while padding >= len(line):
            out.write(line)
            padding -= len(line)
        out.write(b"%" + b"x" * (padding - 2) + b"\n")
        out.write(tail)


def _exact_zip(path: Path, size: int, rng: random.Random) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("donnees.bin", rng.randbytes(size - 4096))
    missing = size - path.stat().st_size
    with zipfile.ZipFile(path, "a") as archive:
        archive.comment = b"c" * missing  # the comment closes the gap to the exact size


def make_dossier(directory: Path) -> list[Path]:
    rng = random.Random(120)
    text_block = "".join(
        f"Ligne {n};{rng.randint(0, 10**6)};Prestation de conseil;{rng.random():.6f}\n"
        for n in range(20000)
    ).encode()
    paths = []
    for index in range(FILES - 3):
        path = directory / f"annexe-{index + 1}.csv"
        with open(path, "wb") as out:
            written = 0
            while written < FILE_SIZE:
                block = text_block[: FILE_SIZE - written]
                out.write(block)
                written += len(block)
        paths.append(path)
    png = directory / "plan.png"
    with open(png, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(rng.randbytes(FILE_SIZE - 8))
    paths.append(png)
    archive = directory / "pieces.zip"
    _exact_zip(archive, FILE_SIZE, rng)
    paths.append(archive)
    pdf = directory / "facture.pdf"
    _exact_pdf(pdf, FILE_SIZE)
    paths.append(pdf)
    assert all(p.stat().st_size == FILE_SIZE for p in paths)
    return paths


def post_files(port: int, paths: list[Path]) -> tuple[int, dict]:
    """Stream a multipart body from disk: never more than one chunk in memory."""
    boundary = uuid.uuid4().hex
    heads = [
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{p.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        for p in paths
    ]
    closing = f"--{boundary}--\r\n".encode()
    length = sum(len(h) for h in heads) + sum(p.stat().st_size + 2 for p in paths) + len(closing)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.putrequest("POST", "/bench/upload/")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        for head, path in zip(heads, paths, strict=True):
            connection.send(head)
            with open(path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    connection.send(chunk)
            connection.send(b"\r\n")
        connection.send(closing)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def wait_ready(port: int, server: subprocess.Popen) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the bench server exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/upload/")
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status == 200:
                return json.loads(body)["pid"]
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise RuntimeError("the bench server did not start in time")


def run() -> dict:
    name = f"upload of a {FILES * FILE_SIZE // 2**20} MB dossier ({FILES} x 10 MB), gunicorn"
    target = f"peak RSS growth < {TARGET_MB:.0f} MB"
    base_dir = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "client").mkdir()
        (tmp_path / "uploads").mkdir()
        paths = make_dossier(tmp_path / "client")
        expected = []
        for path in paths:
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
            expected.append(digest.hexdigest())
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "TESTING": "1",
            "DEBUG": "0",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "FILE_UPLOAD_TEMP_DIR": str(tmp_path / "uploads"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
            "LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--timeout", str(int(REQUEST_TIMEOUT)), "--log-level", "warning"],
            cwd=base_dir,
            env=env,
        )  # fmt: skip
        try:
            worker = wait_ready(port, server)
            # Warm-up: a small dossier through the same code (imports pypdf, lxml...).
            status, _body = post_files(port, [paths[0], paths[-1]])
            assert status == 200, _body
            baseline = rss_kib(worker)
            peak = baseline
            done = threading.Event()

            def sample():
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, rss_kib(worker))
                    time.sleep(0.005)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            start = time.perf_counter()
            try:
                status, body = post_files(port, paths)
            finally:
                elapsed = time.perf_counter() - start
                done.set()
                sampler.join()
            peak = max(peak, rss_kib(worker))
            # The kernel's high-water mark catches a spike between two samples.
            high_water = rss_kib(worker, "VmHWM")
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
    if status != 200 or body.get("sha256") != expected:
        return {
            "name": name,
            "figure": f"FAILED: HTTP {status} {body}",
            "target": target,
            "ok": False,
        }
    growth_mb = (max(peak, high_water) - baseline) / 1024
    megabytes = FILES * FILE_SIZE / 2**20
    return {
        "name": name,
        "figure": (
            f"peak RSS growth {growth_mb:.1f} MB (worker RSS {baseline / 1024:.0f} MB before, "
            f"{peak / 1024:.0f} MB sampled peak, {high_water / 1024:.0f} MB high-water mark), "
            f"{elapsed:.1f} s, {megabytes / elapsed:.0f} MB/s, {body['files']} files stored, hashes match"
        ),
        "target": target,
        "ok": growth_mb < TARGET_MB,
    }
