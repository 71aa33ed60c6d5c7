/**
 * The result of running a plugin at one extension point, modelled on kube-scheduler's
 * framework.Status: a code, human-readable reasons, and the plugin that produced it.
 */

export enum Code {
  /** The plugin ran and the pod may proceed. */
  Success = 0,
  /** Something went wrong inside the plugin (a bug, a timeout, a failed API call). Retried with backoff. */
  Error = 1,
  /** The pod does not fit now; preemption might help. */
  Unschedulable = 2,
  /** The pod does not fit and preemption cannot change that (taints, affinity, node name). */
  UnschedulableAndUnresolvable = 3,
  /** Permit only: hold the pod until the plugin allows or rejects it. */
  Wait = 4,
  /** PreFilter/PreScore/Bind: this plugin has nothing to do for this pod; skip its later calls. */
  Skip = 5,
}

export class Status {
  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
    /** Name of the plugin that returned this status (filled in by the runtime). */
    readonly plugin?: string,
  ) {}

  isSuccess(): boolean {
    return this.code === Code.Success;
  }

  /** Unschedulable or UnschedulableAndUnresolvable: a verdict about the pod, not a failure of the plugin. */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }

  isSkip(): boolean {
    return this.code === Code.Skip;
  }

  message(): string {
    return this.reasons.join(', ');
  }

  withPlugin(plugin: string): Status {
    return new Status(this.code, this.reasons, plugin);
  }

  toString(): string {
    const who = this.plugin ? ` (${this.plugin})` : '';
    return `${Code[this.code]}${who}${this.reasons.length ? `: ${this.message()}` : ''}`;
  }
}

const SUCCESS = new Status(Code.Success);

export function success(): Status {
  return SUCCESS;
}

export function unschedulable(...reasons: string[]): Status {
  return new Status(Code.Unschedulable, reasons);
}

export function unresolvable(...reasons: string[]): Status {
  return new Status(Code.UnschedulableAndUnresolvable, reasons);
}

export function errorStatus(reason: string): Status {
  return new Status(Code.Error, [reason]);
}

export function skip(): Status {
  return new Status(Code.Skip);
}

export function wait(reason?: string): Status {
  return new Status(Code.Wait, reason ? [reason] : []);
}

/** Plugins may return nothing for success; normalise that. */
export function asStatus(value: Status | null | undefined | void): Status {
  return value instanceof Status ? value : SUCCESS;
}

/**
 * PreFilter, PostFilter and Permit return a result carrying a status, a bare Status, or nothing
 * (success): the result (empty when there was none) and its status, normalised.
 */
export function asResult<R extends { status?: Status }>(value: R | Status | null | undefined | void): { out: R; status: Status } {
  const out = (value instanceof Status ? { status: value } : (value ?? {})) as R;
  return { out, status: asStatus(out.status) };
}
