/** CPU seconds (user and system) a call takes: what one request may cost the server, whatever else runs. */
export function cpuSeconds(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/** The most CPU one request may take: a couple of seconds, with room for a slow machine. */
export const CPU_LIMIT_SECONDS = 3;
