// Names the scheduler writes. The values are the wire strings of kube-scheduler (v1.34), so
// kubectl, the trace and the exercises' checks read them unchanged.

/** Event reasons the scheduler emits on pods (schedule_one.go, framework/preemption). */
export const EventReason = {
  Scheduled: 'Scheduled',
  FailedScheduling: 'FailedScheduling',
  Preempted: 'Preempted',
} as const;

/** Reasons of the PodScheduled=False condition the scheduler writes (core/v1 PodReasonUnschedulable, PodReasonSchedulerError). */
export const PodScheduledReason = {
  Unschedulable: 'Unschedulable',
  SchedulerError: 'SchedulerError',
} as const;
