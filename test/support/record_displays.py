"""Executes a notebook with nbclient (as nbconvert --execute does) and records its display messages.

Usage: record_displays.py NOTEBOOK EXECUTED_OUT
Writes the executed notebook to EXECUTED_OUT and prints JSON: for each code cell, the display messages the
kernel sent, in order: [{"type": "display_data" | "update_display_data", "display_id": ..., "mime": [...]}].
The saved notebook keeps only an output's last update; this shows the updates themselves.
"""
import json
import sys

import nbformat
from nbclient import NotebookClient


class RecordingClient(NotebookClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.displays = {}

    def process_message(self, msg, cell, cell_index):
        kind = msg["msg_type"]
        if kind in ("display_data", "update_display_data"):
            self.displays.setdefault(cell_index, []).append({
                "type": kind,
                "display_id": msg["content"].get("transient", {}).get("display_id"),
                "mime": sorted(msg["content"].get("data", {})),
            })
        return super().process_message(msg, cell, cell_index)


def main():
    source, target = sys.argv[1:3]
    notebook = nbformat.read(source, as_version=4)
    client = RecordingClient(notebook, timeout=1800, allow_errors=True,
                             resources={"metadata": {"path": str(__import__("pathlib").Path(source).parent)}})
    client.execute()
    nbformat.write(notebook, target)
    print(json.dumps({str(k): v for k, v in client.displays.items()}))


main()
