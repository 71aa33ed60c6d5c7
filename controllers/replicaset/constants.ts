// Names the ReplicaSet controller writes. The values are the wire strings of the built-in
// controller (pkg/controller/controller_utils.go, v1.34), so kubectl and the checks read them unchanged.

/** Event reasons the controller emits on the ReplicaSet; the two failures are also the ReplicaFailure condition's reasons. */
export const EventReason = {
  SuccessfulCreate: 'SuccessfulCreate',
  FailedCreate: 'FailedCreate',
  SuccessfulDelete: 'SuccessfulDelete',
  FailedDelete: 'FailedDelete',
} as const;
