import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Demo {
  origin: string;
  stop(): Promise<void>;
}

const repoDir = path.resolve(__dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `npm run demo` on a spare port with a throw-away SQLite file, as .ci/demo-smoke does, and waits for it to
 * say it is running (the first start builds the admin panel, about a minute).
 */
export async function startDemo(timeoutMs = 240_000): Promise<Demo> {
  const port = await freePort();
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'caldav-browser-'));
  const log = path.join(workdir, 'demo.log');
  const out = fs.openSync(log, 'w');
  // Its own process group, so that stopping it stops npm and the node process it started, and nothing else.
  const child: ChildProcess = spawn('npm', ['run', 'demo'], {
    cwd: repoDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_FILENAME: path.join(workdir, 'demo.db') },
    stdio: ['ignore', out, out],
    detached: true,
  });
  child.unref();
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
      clearTimeout(timer);
    }
    fs.closeSync(out);
    fs.rmSync(workdir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = fs.readFileSync(log, 'utf8');
    if (text.includes('demo is running')) return { origin: `http://127.0.0.1:${port}`, stop };
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the demo exited before it was ready:\n${text.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const text = fs.readFileSync(log, 'utf8');
  await stop();
  throw new Error(`the demo was not ready after ${timeoutMs / 1000} s:\n${text.slice(-4000)}`);
}
