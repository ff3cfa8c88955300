/**
 * Debian's nginx in front of a test Strapi, terminating TLS with a self-signed certificate, running one of the
 * deployment configurations of deploy/nginx/ as the README shows it. Only what cannot be the same on a test
 * machine is replaced: the listening address (a free port on 127.0.0.1), the certificate and the upstream's port.
 * nginx runs in the foreground as a child process, with its pid file, logs and temporary files in a directory of
 * its own, so that it needs no system paths.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { HttpRequest, HttpResponse } from './http';

/** The nginx binary: on PATH, or where Debian's package puts it (/usr/sbin may be missing from PATH); null if none. */
export function findNginx(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs.filter((entry) => entry !== '')) {
    const candidate = path.join(dir, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** A TCP port nobody listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface TlsProxy {
  /** https://127.0.0.1:<port>, the public origin. */
  origin: string;
  /** The self-signed certificate nginx presents, for clients to trust (PEM). */
  certificate: Buffer;
  /** An agent that trusts that certificate (and only it), for node-fetch based clients such as tsdav. */
  agent: https.Agent;
  /** A raw HTTPS request to the proxy that never follows redirects; `url` is a path below the origin or a full URL. */
  request(method: string, url: string, request?: HttpRequest): Promise<HttpResponse>;
  stop(): Promise<void>;
}

export interface TlsProxyOptions {
  /** The deployment configuration, e.g. deploy/nginx/caldav.conf. */
  configFile: string;
  /** Strapi's port (the upstream). */
  upstreamPort: number;
  /** The port to listen on (127.0.0.1); default: a free one. */
  port?: number;
}

/** Replaces exactly one match of `pattern`: the configuration the README shows must keep the lines the test adapts. */
function replaceOnce(text: string, pattern: RegExp, replacement: string, file: string): string {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) ?? [];
  if (matches.length !== 1) throw new Error(`${file}: expected exactly one line matching ${pattern}, found ${matches.length}`);
  return text.replace(pattern, replacement);
}

function waitForPort(port: number, child: ChildProcess, errorLog: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const log = () => {
    try {
      return readFileSync(errorLog, 'utf8');
    } catch {
      return '';
    }
  };
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`nginx exited (${child.exitCode ?? child.signalCode}):\n${log()}`));
        return;
      }
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s:\n${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startTlsProxy(options: TlsProxyOptions): Promise<TlsProxy> {
  const nginx = findNginx();
  if (!nginx) throw new Error('nginx is not installed (apt-get install nginx)');
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), 'caldav-nginx-'));
  // nginx's worker processes run as an unprivileged user when the tests run as root: they must reach the
  // temporary directories (the private key is read by the master process only).
  chmodSync(dir, 0o755);
  const file = path.basename(options.configFile);

  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
  ], { stdio: 'pipe' });

  let site = readFileSync(options.configFile, 'utf8');
  site = replaceOnce(site, /^(\s*)listen 443 ssl;$/m, `$1listen 127.0.0.1:${port} ssl;`, file);
  site = replaceOnce(site, /^\s*listen \[::\]:443 ssl;\n/m, '', file);
  site = replaceOnce(site, /^(\s*ssl_certificate)(\s+)\S+;$/m, `$1$2${cert};`, file);
  site = replaceOnce(site, /^(\s*ssl_certificate_key)(\s+)\S+;$/m, `$1$2${key};`, file);
  site = replaceOnce(site, /^(\s*)server 127\.0\.0\.1:1337;$/m, `$1server 127.0.0.1:${options.upstreamPort};`, file);
  writeFileSync(path.join(dir, 'site.conf'), site);

  // What Debian's /etc/nginx/nginx.conf provides around sites-enabled/, with this directory's paths.
  const temp = (name: string) => {
    const tempDir = path.join(dir, 'temp', name);
    mkdirSync(tempDir, { recursive: true });
    chmodSync(path.join(dir, 'temp'), 0o777);
    chmodSync(tempDir, 0o777);
    return tempDir;
  };
  const errorLog = path.join(dir, 'error.log');
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${errorLog} warn;`,
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${path.join(dir, 'access.log')};`,
      `  client_body_temp_path ${temp('body')};`,
      `  proxy_temp_path ${temp('proxy')};`,
      `  fastcgi_temp_path ${temp('fastcgi')};`,
      `  uwsgi_temp_path ${temp('uwsgi')};`,
      `  scgi_temp_path ${temp('scgi')};`,
      `  include ${path.join(dir, 'site.conf')};`,
      '}',
      '',
    ].join('\n'),
  );

  const child = spawn(nginx, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', errorLog], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test run that ends without stopping it (a crash, a timeout) leaves no nginx behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitForPort(port, child, errorLog);
  } catch (error) {
    process.off('exit', killOnExit);
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${stderr}`);
  }

  const certificate = readFileSync(cert);
  const agent = new https.Agent({ ca: certificate, keepAlive: true });
  const origin = `https://127.0.0.1:${port}`;

  return {
    origin,
    certificate,
    agent,
    request(method, url, request = {}) {
      const headers: Record<string, string> = { ...request.headers };
      if (request.basic) {
        headers.Authorization = `Basic ${Buffer.from(`${request.basic.username}:${request.basic.password}`).toString('base64')}`;
      }
      if (request.bearer) headers.Authorization = `Bearer ${request.bearer}`;
      const target = new URL(url, `${origin}/`);
      return new Promise<HttpResponse>((resolve, reject) => {
        const outgoing = https.request(target, { method, headers, agent }, (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, item);
            }
            resolve({
              status: incoming.statusCode ?? 0,
              headers: responseHeaders,
              text,
              json<T>() {
                return JSON.parse(text) as T;
              },
            });
          });
        });
        outgoing.on('error', reject);
        outgoing.end(request.body);
      });
    },
    async stop() {
      process.off('exit', killOnExit);
      agent.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
