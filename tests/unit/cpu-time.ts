/** CPU seconds (user and system) a call takes: what one request may cost the server, whatever else runs. */
export function cpuSeconds(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/**
 * The most CPU one hostile request may take. It catches unbounded or quadratic work (which costs tens of seconds
 * at these sizes), not slowness: the heaviest of these requests takes about 2 s alone on a 2-core machine and close
 * to twice that while the machine builds or runs other suites (process CPU time counts the collector's threads too).
 */
export const CPU_LIMIT_SECONDS = 6;
