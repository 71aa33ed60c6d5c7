import { createServer } from 'node:net';
import { BadInputError } from '../../base/errors.js';
import { run } from '../exec.js';

/** Whether the registry can listen on listen:port; anything but "in use" or "not an address here" is bad input too. */
export async function portIsFree(listen: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(new BadInputError(`cannot listen on ${listen}:${port}: ${error.code ?? error.message}`, 'pass --listen with an address of this machine (0.0.0.0 for every interface)'));
    });
    server.listen({ host: listen, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Who listens on `port`, from `ss -ltnp` output: e.g. `"node" (pid 4242)`, or `a process` when ss
 * shows the socket but not its owner (another user's, without root).
 */
export function holderFromSs(ssOutput: string, port: number): string | undefined {
  for (const line of ssOutput.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const local = fields[3];
    if (!local || !local.endsWith(`:${port}`)) continue;
    const users = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    return users ? `"${users[1]}" (pid ${users[2]})` : 'a process';
  }
  return undefined;
}

export async function portHolder(port: number): Promise<string | undefined> {
  const result = await run('ss', ['-ltnp'], { reject: false }).catch(() => undefined);
  return result && result.exitCode === 0 ? holderFromSs(result.stdout, port) : undefined;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new BadInputError(`--port must be a TCP port (1-65535), not "${value}"`, 'e.g. --port 5001');
  return port;
}
