import net, { type AddressInfo } from 'node:net';

/**
 * A TCP proxy between Strapi and its database server, to take the database away and give it back while Strapi runs,
 * the way a network failure or a database restart does.
 */
export interface TcpProxy {
  port: number;
  /**
   * Cuts the database off: open connections are reset, and new ones are reset as soon as they are accepted (what a
   * client sees of a database host that restarts or drops off the network).
   */
  cut(): void;
  /**
   * Leaves new connections unanswered (accepted, never forwarded), as a host that drops packets does; open
   * connections are reset.
   */
  stall(): void;
  /** Forwards new connections again. */
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'forward' | 'cut' | 'stall' = 'forward';
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset connection reports ECONNRESET on its other end too; that is the point, not a failure of the test.
    socket.on('error', () => socket.destroy());
  };
  const resetAll = () => {
    for (const socket of sockets) socket.resetAndDestroy();
  };

  const server = net.createServer((client) => {
    track(client);
    if (mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    if (mode === 'stall') return;
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      mode = 'cut';
      resetAll();
    },
    stall() {
      mode = 'stall';
      resetAll();
    },
    restore() {
      // Connections left unanswered while stalled are dropped, so that their clients give up and connect anew.
      if (mode === 'stall') resetAll();
      mode = 'forward';
    },
    close() {
      resetAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
