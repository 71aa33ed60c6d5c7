import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { LabError } from '../../base/errors.js';
import { registryAnswers } from './api.js';
import { REGISTRY_MODULE_VERSION } from './binary.js';
import { REGISTRY_ENV, renderRegistryConfig } from './config.js';
import { pushAddress } from './mirror-url.js';
import { registryPaths } from './paths.js';
import { processRunsBinary, startDetached, stopProcess } from './process.js';
import { removeState, writeState, type RegistryState } from './state.js';

function logTail(lines = 15): string {
  try {
    return readFileSync(registryPaths().logPath, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `  | ${l}`).join('\n');
  } catch {
    return '  | (no log)';
  }
}

/**
 * Writes the config and starts `binary serve config.yml` detached, records it in state.json at
 * once (so a `lab registry up` killed meanwhile leaves a registry `down` can find), and waits until
 * `GET /v2/` answers. A registry that exits first or does not answer in time is stopped, its state
 * removed, and the error shows the end of its log.
 */
export async function startRegistry(
  binary: string,
  opts: { listen: string; port: number; timeoutMs: number },
  update: (detail: string) => void = () => undefined,
): Promise<RegistryState> {
  const { listen, port, timeoutMs } = opts;
  const paths = registryPaths();
  mkdirSync(paths.dataDir, { recursive: true });
  mkdirSync(paths.stateDir, { recursive: true });
  writeFileSync(paths.configPath, renderRegistryConfig({ listen, port, dataDir: paths.dataDir }));
  const pid = startDetached(binary, ['serve', paths.configPath], paths.logPath, REGISTRY_ENV);
  const state: RegistryState = {
    pid, port, listen, url: `http://${pushAddress(listen, port)}`, binary, version: REGISTRY_MODULE_VERSION, startedAt: new Date().toISOString(),
  };
  writeState(state);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await registryAnswers(state.url, 1000)) return state;
    const alive = processRunsBinary(pid, binary);
    if (!alive || Date.now() > deadline) {
      if (alive) await stopProcess(pid, binary, 2000);
      removeState();
      throw new LabError(
        `${alive ? `the registry did not answer GET ${state.url}/v2/ within ${timeoutMs / 1000} s` : 'the registry exited before it answered'}; its log (${paths.logPath}) ends:\n${logTail()}`,
        'see the log lines above (a bad --listen address, a port taken meanwhile, an unwritable data directory); then `npx lab registry up` again',
      );
    }
    update(`waiting for GET ${state.url}/v2/ (pid ${pid})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
