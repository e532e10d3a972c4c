"""`ocapy server`, driven end to end as an editor drives it: initialize, open, change,
receive diagnostics, hover, shut down."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


class Client:
    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ocapy", "server"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        headers = {}
        while (line := self.process.stdout.readline().decode()) not in ("\r\n", ""):
            name, _, value = line.partition(":")
            headers[name.lower()] = value.strip()
        assert "content-length" in headers, "the server closed the connection"
        return json.loads(self.process.stdout.read(int(headers["content-length"])))

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while (message := self.receive()).get("id") != self.next_id:
            pass
        assert "error" not in message, message
        return message["result"]

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def diagnostics(self) -> dict[str, Any]:
        while (message := self.receive()).get("method") != "textDocument/publishDiagnostics":
            pass
        return message["params"]


@pytest.fixture
def client(tmp_path: Path):
    client = Client(tmp_path)
    yield client
    client.process.kill()
    client.process.wait(timeout=30)


def initialize(client: Client, root: Path, encodings: list[str] | None = None) -> dict[str, Any]:
    capabilities = {"general": {"positionEncodings": encodings}} if encodings else {}
    result = client.request(
        "initialize",
        {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities},
    )
    client.notify("initialized", {})
    return result


def test_a_session_from_initialize_to_exit(client: Client, tmp_path: Path):
    result = initialize(client, tmp_path)
    assert result["capabilities"]["hoverProvider"] is True
    assert result["serverInfo"]["name"] == "ocapy"
    uri = (tmp_path / "plugin.py").as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                          "text": "def f(g):\n    return g.gi_frame\n"}},
    )
    published = client.diagnostics()
    assert published["uri"] == uri
    (diagnostic,) = published["diagnostics"]
    assert diagnostic["code"] == "OC201" and diagnostic["source"] == "ocapy"
    assert diagnostic["range"]["start"] == {"line": 1, "character": 13}
    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 15}},
    )
    assert hover["contents"]["value"].startswith("## OC201 `hidden-edge-attribute`")
    nothing = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}},
    )
    assert nothing is None
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2},
         "contentChanges": [{"text": "def f(g):\n    return g\n"}]},
    )
    assert client.diagnostics()["diagnostics"] == []
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics()["diagnostics"] == []
    assert client.request("shutdown", None) is None
    client.notify("exit", None)
    assert client.process.wait(timeout=30) == 0


def test_settings_come_from_the_nearest_configuration(client: Client, tmp_path: Path):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "ocapy.toml").write_text('profile = "encapsulation"\n')
    initialize(client, tmp_path)
    source = "data = open('x').read()\n"
    for folder, codes in ((tmp_path, ["OC401"]), (tmp_path / "team", [])):
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": (folder / "a.py").as_uri(), "languageId": "python",
                              "version": 1, "text": source}},
        )
        assert [d["code"] for d in client.diagnostics()["diagnostics"]] == codes


def test_columns_are_counted_as_the_editor_asks(client: Client, tmp_path: Path):
    # "é" is two bytes in UTF-8 and one unit in UTF-16.
    source = "s = 'é'; x = open\n"
    for encodings, column in ((None, 13), (["utf-8"], 14)):
        fresh = Client(tmp_path)
        try:
            result = initialize(fresh, tmp_path, encodings)
            assert result["capabilities"]["positionEncoding"] == ("utf-8" if encodings else "utf-16")
            fresh.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": (tmp_path / "a.py").as_uri(), "languageId": "python",
                                  "version": 1, "text": source}},
            )
            (diagnostic,) = fresh.diagnostics()["diagnostics"]
            assert diagnostic["range"]["start"]["character"] == column
        finally:
            fresh.process.kill()
            fresh.process.wait(timeout=30)


def test_a_broken_configuration_is_shown_on_the_document(client: Client, tmp_path: Path):
    (tmp_path / "ocapy.toml").write_text("profil = 1\n")
    initialize(client, tmp_path)
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": (tmp_path / "a.py").as_uri(), "languageId": "python",
                          "version": 1, "text": "x = 1\n"}},
    )
    (diagnostic,) = client.diagnostics()["diagnostics"]
    assert "unknown field `profil`" in diagnostic["message"]
