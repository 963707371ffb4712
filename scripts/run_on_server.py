"""Runs code on a new kernel of a running Jupyter server, as JupyterLab does (REST + websocket).

Usage: run_on_server.py BASE_URL TOKEN KERNEL_NAME CODE
  Prints one JSON object: {"status": ..., "stdout": ..., "stderr": ...}. Deletes the kernel afterwards.
Usage: run_on_server.py BASE_URL TOKEN KERNEL_NAME --notebook PATH
  Opens the notebook PATH (relative to the server's root) in a session, as JupyterLab does (the kernel starts in
  the notebook's folder), and runs its code cells in order, as Run All does, until one fails. Prints one JSON
  object: {"cells": [{"status", "stdout", "stderr", "text"}...]}, "text" being the displays' text/plain. Deletes
  the session afterwards.
"""
import json
import sys
import urllib.parse
import urllib.request
import uuid

import websocket  # websocket-client, installed with jupyter_server


def rest(base, token, method, path, body=None):
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read()
        return json.loads(text) if text else None


def connect(base, token, kernel_id):
    ws_url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels?token={token}"
    return websocket.create_connection(ws_url, timeout=600)


def execute(ws, code):
    """Runs code on the kernel behind ws; returns its reply's status, its streams and its displays' text."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    result = {"status": None, "stdout": "", "stderr": "", "text": []}
    idle = False
    while not (idle and result["status"]):
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["header"]["msg_type"]
        if kind == "stream":
            result[msg["content"]["name"]] += msg["content"]["text"]
        elif kind in ("display_data", "execute_result", "update_display_data"):
            result["text"].append(msg["content"].get("data", {}).get("text/plain", ""))
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
        elif kind == "execute_reply":
            result["status"] = msg["content"]["status"]
    return result


def run_notebook(base, token, kernel_name, path):
    notebook = rest(base, token, "GET", f"/api/contents/{urllib.parse.quote(path)}?content=1")["content"]
    session = rest(base, token, "POST", "/api/sessions",
                   {"path": path, "name": path.split("/")[-1], "type": "notebook",
                    "kernel": {"name": kernel_name}})
    try:
        ws = connect(base, token, session["kernel"]["id"])
        cells = []
        for cell in notebook["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cells.append(execute(ws, source))
            # tslab reports a failed cell on stderr, with or without an error reply
            if cells[-1]["status"] != "ok":
                break
        ws.close()
        print(json.dumps({"cells": cells}))
    finally:
        rest(base, token, "DELETE", f"/api/sessions/{session['id']}")


def main():
    base, token, kernel_name = sys.argv[1:4]
    if sys.argv[4] == "--notebook":
        run_notebook(base, token, kernel_name, sys.argv[5])
        return
    code = sys.argv[4]
    kernel = rest(base, token, "POST", "/api/kernels", {"name": kernel_name})
    try:
        ws = connect(base, token, kernel["id"])
        result = execute(ws, code)
        ws.close()
        del result["text"]
        print(json.dumps(result))
    finally:
        rest(base, token, "DELETE", f"/api/kernels/{kernel['id']}")


main()
