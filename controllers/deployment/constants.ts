// Names shared by the Deployment controller's modules. The values are the wire strings the
// built-in controller (pkg/controller/deployment, v1.34) writes, so kubectl reads them unchanged.

/** Label added to a ReplicaSet's selector and pod template so ReplicaSets of one Deployment never overlap. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** extensions/v1beta1 rollback request, still honoured by the v1.34 controller. */
export const DEPRECATED_ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
export const LAST_APPLIED_CONFIG_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Upstream caps the revision-history annotation at this many characters. */
export const MAX_REVISION_HISTORY_LENGTH_IN_CHARS = 2000;

/** Condition reasons (deployment_util.go). */
export const Reason = {
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  FailedRSCreate: 'ReplicaSetCreateError',
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** Event reasons the controller emits on the Deployment. */
export const EventReason = {
  ScalingReplicaSet: 'ScalingReplicaSet',
  SelectingAll: 'SelectingAll',
  RollbackRevisionNotFound: 'DeploymentRollbackRevisionNotFound',
  RollbackTemplateUnchanged: 'DeploymentRollbackTemplateUnchanged',
  RollbackDone: 'DeploymentRollback',
  FailedRSCreate: 'ReplicaSetCreateError',
} as const;

/** progressDeadlineSeconds == MaxInt32 means "no deadline" (as upstream's HasProgressDeadline). */
export const MAX_INT32 = 2147483647;

export const COMPONENT = 'deployment-controller';

/** What a ReplicaSet's controller reference names for its Deployment. */
export const DEPLOYMENT_GVK = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;
