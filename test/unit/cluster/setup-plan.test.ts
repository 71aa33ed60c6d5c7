import { describe, expect, it } from 'vitest';
import { planSetup, type MachineFacts } from '../../../lab/cluster/setup.js';

const ready: MachineFacts = { dockerAnswers: true, dockerInstalled: true, root: true, apt: true, goOk: true, debootstrap: true, nodeImagePresent: true, nodeImageIsOurs: true, kindPresent: true, kubectlPresent: true };
const ids = (f: Partial<MachineFacts>) => planSetup({ ...ready, ...f }).steps.map((s) => s.id);

describe('planSetup', () => {
  it('a fresh Debian machine as root: packages, dockerd, then the node image', () => {
    expect(ids({ dockerAnswers: false, dockerInstalled: false, goOk: false, debootstrap: false, nodeImagePresent: false })).toEqual(['packages', 'docker', 'node-image']);
  });

  it('Docker installed but stopped: only start it (and check the image)', () => {
    expect(ids({ dockerAnswers: false })).toEqual(['docker', 'node-image']);
  });

  it('everything there: the image is only checked against its inputs (cached)', () => {
    expect(ids({})).toEqual(['node-image']);
  });

  it('an image loaded from an archive on a machine without Go is used as it is', () => {
    expect(ids({ goOk: false, debootstrap: false })).toEqual([]);
  });

  it('no image and no Go: packages first, then the build', () => {
    expect(ids({ goOk: false, nodeImagePresent: false })).toEqual(['packages', 'node-image']);
  });

  it('a stock node image (online mode) needs no build tools', () => {
    expect(ids({ nodeImageIsOurs: false, nodeImagePresent: false, goOk: false, debootstrap: false })).toEqual([]);
  });

  it('online on a laptop (Docker Desktop, no Go, no kind): only kind and kubectl, downloaded', () => {
    expect(ids({ nodeImageIsOurs: false, nodeImagePresent: false, goOk: false, debootstrap: false, root: false, apt: false, kindPresent: false, kubectlPresent: false })).toEqual(['tools']);
    expect(planSetup({ ...ready, nodeImageIsOurs: false, root: false, apt: false, kindPresent: false }).blocked).toBeUndefined();
  });

  it('the offline build installs kind and kubectl itself: no download', () => {
    expect(ids({ kindPresent: false, kubectlPresent: false })).toEqual(['node-image']);
  });

  it('an image loaded from an archive, without Go and without kind: the tools are downloaded', () => {
    expect(ids({ goOk: false, debootstrap: false, kindPresent: false })).toEqual(['tools']);
  });

  it('not root: says exactly what to run instead of trying', () => {
    const plan = planSetup({ ...ready, root: false, dockerAnswers: false, dockerInstalled: false });
    expect(plan.blocked?.message).toBe('Docker is not installed');
    expect(plan.blocked?.fix).toContain('sudo bash scripts/install-prerequisites.sh && sudo bash scripts/setup-docker.sh');
  });

  it('not root and no Go for the build: points at the packages script or an image archive', () => {
    const plan = planSetup({ ...ready, root: false, goOk: false, nodeImagePresent: false });
    expect(plan.blocked?.message).toMatch(/needs Go/);
    expect(plan.blocked?.fix).toMatch(/install-prerequisites\.sh.*lab image load/);
  });

  it('no apt (macOS): Docker Desktop, no Linux scripts', () => {
    const plan = planSetup({ ...ready, apt: false, root: false, dockerAnswers: false, dockerInstalled: false });
    expect(plan.blocked?.fix).toMatch(/Docker Desktop/);
    expect(plan.blocked?.fix).not.toContain('sudo');
  });
});
