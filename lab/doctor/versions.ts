/** Version numbers as the tools print them, and comparing them. */

export type Version = readonly [major: number, minor: number, patch: number];

/** '22.19.0' or 'v22.19.0' → [22, 19, 0]; undefined when it is not a version. */
export function parseSemver(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** `go version` output ('go version go1.24.2 linux/amd64', 'go version go1.25rc1 ...') → [1, 24, 2]. */
export function parseGoVersion(text: string): Version | undefined {
  const m = /\bgo(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function atLeast(version: Version, minimum: Version): boolean {
  for (let i = 0; i < 3; i++) {
    if (version[i]! !== minimum[i]!) return version[i]! > minimum[i]!;
  }
  return true;
}

export function formatVersion(v: Version): string {
  return v.join('.');
}
