import { z } from 'zod';
import { isValidLabelSelector } from '../selectors.js';

/** What every check returns: did it pass, what it saw (precisely), what it wanted. */
export interface CheckResult {
  pass: boolean;
  saw: string;
  expected: string;
}

/** Fields every check may carry. `description` is the sentence the learner reads. */
const checkBase = {
  description: z.string().min(1).optional(),
};

/** A check's schema: its `kind`, the fields every check has, its own `fields`, and no others (a typo is an error). */
export function checkObject<K extends string, F extends z.ZodRawShape>(kind: K, fields: F) {
  return z.object({ kind: z.literal(kind), ...checkBase, ...fields }).strict();
}

export const labelSelectorField = z.string().refine(isValidLabelSelector, {
  message: 'not a label selector (examples: app=web, tier!=db, env in (a,b), !legacy)',
});

/** Which pods (or other objects) a check is about: by labels and/or name prefix. */
export const objectFilterFields = {
  selector: labelSelectorField.optional(),
  namePrefix: z.string().min(1).optional(),
};

export const regexField = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/** A Lease in the lab's namespace (k8s-flow-lab): deployment-controller, replicaset-controller, scheduler-<schedulerName>. */
export const leaseNameField = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
  message: 'a Lease name, e.g. deployment-controller, replicaset-controller or scheduler-lab-scheduler',
});
