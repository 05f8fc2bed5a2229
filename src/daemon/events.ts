// Reason codes of journal `event` entries (decisions use the scaling reasons in
// src/analyzer/scaling/reasons.ts). Stable strings: they are filtered on and shown on the dashboard.
export const EVENT_CODES = {
  DaemonStarted: 'autopilot run started',
  DaemonStopped: 'autopilot run stopped',
  StateRestored: "a scaler's saved state (stabilization windows, cooldown) was loaded from the journal",
  LagUnreadable: 'the lag of a cluster could not be read; its scalers hold or fall back',
  LagReadable: 'the lag of a cluster can be read again',
  TargetUnreadable: 'a target could not be read; its scaler skips decisions until it can',
  TargetReadable: 'a target can be read again',
  Leading: 'this replica became the leader and acts',
  Following: 'this replica is a follower: it decides and journals but does not act',
} as const

export type EventCode = keyof typeof EVENT_CODES
