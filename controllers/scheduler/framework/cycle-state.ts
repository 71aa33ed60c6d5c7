/**
 * CycleState: scratch space shared by the plugins during one scheduling cycle of one pod.
 * A PreFilter plugin computes something once (say, the pod's requests) and its Filter reads it
 * for every node. Keys are typed so a reader gets back the type the writer stored.
 */

/** A typed key. Create one per piece of state, usually as a module constant next to the plugin. */
export class StateKey<T> {
  // The phantom field ties T to the key so read() can return it.
  declare readonly __type?: T;
  constructor(readonly name: string) {}
}

/** Upstream's StateData: cycle state a plugin changes after PreFilter must know how to copy itself. */
export interface StateData {
  clone(): StateData;
}

function isStateData(value: unknown): value is StateData {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as StateData).clone === 'function';
}

export class CycleState {
  private readonly values = new Map<StateKey<unknown>, unknown>();
  /** Plugins whose PreFilter returned Skip: their Filter is not called this cycle. */
  readonly skipFilterPlugins = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score is not called this cycle. */
  readonly skipScorePlugins = new Set<string>();

  write<T>(key: StateKey<T>, value: T): void {
    this.values.set(key, value);
  }

  read<T>(key: StateKey<T>): T | undefined {
    return this.values.get(key) as T | undefined;
  }

  /**
   * The value under `key`, computed and stored by the first caller of the cycle: what every node's
   * Score shares (the pod's requests, its images) is then worked out once a cycle, not once a node.
   */
  memo<T>(key: StateKey<T>, compute: () => T): T {
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = compute();
    this.values.set(key, value);
    return value;
  }

  /** Like read(), but throws a clear error when the PreFilter/PreScore that writes it did not run. */
  mustRead<T>(key: StateKey<T>): T {
    if (!this.values.has(key)) throw new Error(`cycle state "${key.name}" not found: did its PreFilter/PreScore run?`);
    return this.values.get(key) as T;
  }

  delete(key: StateKey<unknown>): void {
    this.values.delete(key);
  }

  /**
   * A copy for a what-if run (nominated pods added, preemption's dry run on one node): its own key
   * map and skip sets. A value with a clone() method (StateData) is copied with it, so a plugin
   * whose PreFilterExtensions change their counts change only the copy; other values are shared
   * and must be treated as read-only after PreFilter.
   */
  clone(): CycleState {
    const copy = new CycleState();
    for (const [key, value] of this.values) copy.values.set(key, isStateData(value) ? value.clone() : value);
    for (const name of this.skipFilterPlugins) copy.skipFilterPlugins.add(name);
    for (const name of this.skipScorePlugins) copy.skipScorePlugins.add(name);
    return copy;
  }
}
