// Test support: a Python package index on localhost that serves one wheel at a speed the test sets, so that a
// real `pip download` can be stopped while it is under way, and counts the bytes it has sent.
import { createReadStream, statSync } from "node:fs";
import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename } from "node:path";

export interface PackageIndex {
  /** For PIP_INDEX_URL. */
  url: string;
  /** Bytes per second for downloads from now on; Infinity for full speed. */
  rate: number;
  /** Bytes of the wheel sent so far, over all downloads. */
  readonly sent: number;
  close(): Promise<void>;
}

/** Serves `wheel` as the only file of project `project` (PEP 503 simple index). */
export async function servePackageIndex(
  project: string,
  wheel: string,
  sha256: string,
): Promise<PackageIndex> {
  const name = basename(wheel);
  const size = statSync(wheel).size;
  let sent = 0;
  const index = {
    url: "",
    rate: Number.POSITIVE_INFINITY,
    get sent() {
      return sent;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  /** The wheel, no faster than `index.rate`, until the client hangs up. */
  async function sendSlowly(response: ServerResponse): Promise<void> {
    const closed = once(response, "close");
    const started = Date.now();
    let sentHere = 0;
    for await (const chunk of createReadStream(wheel, {
      highWaterMark: 256 * 1024,
    }) as AsyncIterable<Buffer>) {
      if (response.destroyed) return;
      sent += chunk.length;
      sentHere += chunk.length;
      if (!response.write(chunk)) await Promise.race([once(response, "drain"), closed]);
      // Ahead of the rate: wait until the time this many bytes should take has passed.
      const ahead = (sentHere / index.rate) * 1000 - (Date.now() - started);
      if (ahead > 0) await Promise.race([new Promise((resolve) => setTimeout(resolve, ahead)), closed]);
    }
    response.end();
  }
  const server: Server = createServer((request, response) => {
    if (request.url === `/simple/${project}/`) {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(
        `<!DOCTYPE html><html><body><a href="/files/${name}#sha256=${sha256}">${name}</a></body></html>`,
      );
      return;
    }
    if (request.url !== `/files/${name}`) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": size });
    void sendSlowly(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  index.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple`;
  return index;
}
