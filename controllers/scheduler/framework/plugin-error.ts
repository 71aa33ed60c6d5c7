/** How the runtime words a plugin's failure: the extension point and plugin are named in the message. */
import { Code, Status } from './status.js';

export function describeThrown(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

export function pluginError(point: string, plugin: string, reason: string): Status {
  return new Status(Code.Error, [`running ${point} plugin "${plugin}": ${reason}`], plugin);
}
