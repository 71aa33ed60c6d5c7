import { lab } from './support.js';

/**
 * The end-to-end tests run against a real kind cluster that the lab brings up itself
 * (`lab up`: reuses a healthy cluster, creates one otherwise). Nothing is mocked.
 */
export default async function setup(): Promise<void> {
  const started = Date.now();
  let result = await lab(['up']);
  if (result.exitCode !== 0 && /not healthy/.test(result.stderr)) {
    process.stderr.write('[e2e] the existing cluster is broken; recreating it\n');
    result = await lab(['up', '--recreate']);
  }
  process.stderr.write(result.stderr);
  if (result.exitCode !== 0) throw new Error(`lab up failed (exit ${result.exitCode}); the e2e tests need a cluster`);
  process.stderr.write(`[e2e] cluster ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
}
