"""Runs code on a new kernel of a running Jupyter server, as JupyterLab does (REST + websocket).

Usage: run_on_server.py BASE_URL TOKEN KERNEL_NAME CODE
Prints one JSON object: {"status": ..., "stdout": ..., "stderr": ...}. Deletes the kernel afterwards.
"""
import json
import sys
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


def main():
    base, token, kernel_name, code = sys.argv[1:5]
    kernel = rest(base, token, "POST", "/api/kernels", {"name": kernel_name})
    try:
        ws_url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel['id']}/channels?token={token}"
        ws = websocket.create_connection(ws_url, timeout=120)
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        result = {"status": None, "stdout": "", "stderr": ""}
        idle = False
        while not (idle and result["status"]):
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                result[msg["content"]["name"]] += msg["content"]["text"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                result["status"] = msg["content"]["status"]
        ws.close()
        print(json.dumps(result))
    finally:
        rest(base, token, "DELETE", f"/api/kernels/{kernel['id']}")


main()
