import { startDemo, type Demo } from './demo';

declare global {
  // The demo started for the run, stopped by global-teardown.ts.
  // eslint-disable-next-line no-var
  var caldavDemo: Demo | undefined;
}

/**
 * Starts the demo site once for all browser tests (unless DEMO_ORIGIN points at one already running); the test
 * files read its address from DEMO_ORIGIN.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DEMO_ORIGIN) return;
  const demo = await startDemo();
  globalThis.caldavDemo = demo;
  process.env.DEMO_ORIGIN = demo.origin;
}
