/**
 * Reading Ginkgo's JSON report (`--ginkgo.json-report`): the e2e binary writes one array of suite
 * reports, each with a SpecReport per spec, including the suite-level nodes (BeforeSuite and such)
 * and every spec that the focus left out. Pure: text in, the lab's spec results out.
 */

/** What the lab reports per spec. Ginkgo's pending counts as skipped; panicked, timed out, interrupted and aborted as failed. */
export type SpecState = 'passed' | 'failed' | 'skipped';

export interface SpecResult {
  /** The spec's full text as Ginkgo matches --focus against it: containers then the It, joined by spaces. */
  name: string;
  state: SpecState;
  /** Ginkgo's own word for the state (passed, skipped, failed, timedout, panicked, ...). */
  ginkgoState: string;
  durationMs: number;
  /** The namespace the spec's framework created (named in its log), where the lab's trace of it lives. */
  namespace?: string;
  failure?: { message: string; location?: string };
  /** Why Ginkgo or the e2e framework skipped it (e2eskipper's message), when it says. */
  skipReason?: string;
  /** The spec's log (GinkgoWriter), kept for classifying failures; not printed. */
  log: string;
}

export interface SuiteResult {
  /** The specs that belong to the run (the suite's own setup nodes are in setupFailures when they failed). */
  specs: SpecResult[];
  /** BeforeSuite/AfterSuite nodes that failed: every spec depends on them. */
  setupFailures: { node: string; message: string }[];
  suiteSucceeded: boolean;
  runTimeMs: number;
}

interface GinkgoLocation { FileName?: string; LineNumber?: number }
interface GinkgoSpecReport {
  ContainerHierarchyTexts?: string[] | null;
  LeafNodeType?: string;
  LeafNodeText?: string;
  State?: string;
  RunTime?: number;
  Failure?: { Message?: string; Location?: GinkgoLocation; ForwardedPanic?: string };
  CapturedGinkgoWriterOutput?: string;
  CapturedStdOutErr?: string;
  /** The spec's STEPs (ginkgo.By) and nodes, in order: the framework names the namespace in them. */
  SpecEvents?: { Message?: string }[] | null;
}
interface GinkgoReport {
  SuiteSucceeded?: boolean;
  RunTime?: number;
  SpecReports?: GinkgoSpecReport[] | null;
}

export class ReportFormatError extends Error {}

const FAILED_STATES = new Set(['failed', 'panicked', 'timedout', 'interrupted', 'aborted']);
const SKIPPED_STATES = new Set(['skipped', 'pending']);

export function stateOf(ginkgoState: string): SpecState {
  if (ginkgoState === 'passed') return 'passed';
  if (FAILED_STATES.has(ginkgoState)) return 'failed';
  if (SKIPPED_STATES.has(ginkgoState)) return 'skipped';
  throw new ReportFormatError(`unknown Ginkgo spec state "${ginkgoState}"`);
}

/** Go's time.Duration marshals as nanoseconds. */
const nsToMs = (ns: number | undefined): number => Math.round((ns ?? 0) / 1e6);

export function fullText(spec: Pick<GinkgoSpecReport, 'ContainerHierarchyTexts' | 'LeafNodeText'>): string {
  return [...(spec.ContainerHierarchyTexts ?? []), ...(spec.LeafNodeText ? [spec.LeafNodeText] : [])].join(' ');
}

/**
 * The namespace the e2e framework made for the spec, from its STEPs: it names it when it destroys
 * it after the spec ("Destroying namespace "deployment-927" for this suite.") and when it dumps its
 * events after a failure ("Collecting events from namespace "deployment-999".").
 */
export function namespaceIn(steps: string): string | undefined {
  return /(?:Destroying namespace|Collecting events from namespace|Created namespace:?) "?([a-z0-9]([-a-z0-9]*[a-z0-9])?)"?/.exec(steps)?.[1];
}

function location(loc: GinkgoLocation | undefined): string | undefined {
  return loc?.FileName ? `${loc.FileName.replace(/^.*?k8s\.io\/kubernetes(@[^/]+)?\//, '')}:${loc.LineNumber ?? 0}` : undefined;
}

/** e2eskipper's "[SKIPPED] Only supported for providers [gce gke] (not local)" and Ginkgo's own Skip(). */
function skipReason(spec: GinkgoSpecReport): string | undefined {
  const message = spec.Failure?.Message?.trim();
  return message ? message.split('\n')[0] : undefined;
}

const SUITE_NODES = /^(SynchronizedBeforeSuite|BeforeSuite|SynchronizedAfterSuite|AfterSuite|ReportBeforeSuite|ReportAfterSuite|ReportBeforeEach|ReportAfterEach)$/;

/**
 * Parses the report. `belongs` says which specs the run is about (the e2e binary reports every
 * spec of the suite, those its focus left out as skipped); suite-level nodes are never specs.
 */
export function parseGinkgoReport(text: string, belongs: (fullText: string) => boolean = () => true): SuiteResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ReportFormatError(`the Ginkgo report is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new ReportFormatError('the Ginkgo report is not a non-empty array of suite reports');
  const specs: SpecResult[] = [];
  const setupFailures: SuiteResult['setupFailures'] = [];
  let suiteSucceeded = true;
  let runTimeMs = 0;
  for (const suite of parsed as GinkgoReport[]) {
    if (typeof suite !== 'object' || suite === null || !('SpecReports' in suite)) throw new ReportFormatError('a suite report has no SpecReports');
    suiteSucceeded &&= suite.SuiteSucceeded === true;
    runTimeMs += nsToMs(suite.RunTime);
    for (const spec of suite.SpecReports ?? []) {
      const ginkgoState = spec.State ?? '';
      const state = stateOf(ginkgoState);
      if (SUITE_NODES.test(spec.LeafNodeType ?? '')) {
        if (state === 'failed') setupFailures.push({ node: spec.LeafNodeType!, message: spec.Failure?.Message?.trim() ?? ginkgoState });
        continue;
      }
      const name = fullText(spec);
      if (!belongs(name)) continue;
      const log = spec.CapturedGinkgoWriterOutput ?? '';
      const result: SpecResult = { name, state, ginkgoState, durationMs: nsToMs(spec.RunTime), log };
      const namespace = namespaceIn((spec.SpecEvents ?? []).map((e) => e.Message ?? '').join('\n'));
      if (namespace) result.namespace = namespace;
      if (state === 'failed') {
        const message = [spec.Failure?.Message?.trim(), spec.Failure?.ForwardedPanic?.trim()].filter(Boolean).join('\n') || ginkgoState;
        const loc = location(spec.Failure?.Location);
        result.failure = { message, ...(loc ? { location: loc } : {}) };
      } else if (state === 'skipped') {
        const reason = skipReason(spec);
        if (reason) result.skipReason = reason;
      }
      specs.push(result);
    }
  }
  return { specs, setupFailures, suiteSucceeded, runTimeMs };
}
