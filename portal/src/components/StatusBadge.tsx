const LABELS: Record<string, string> = {
  active: 'Active',
  paused: 'Paused',
  succeeded: 'Succeeded',
  failed: 'Failed',
  pending: 'Retrying',
  sending: 'Sending',
  held: 'Held',
};

/** A status in words (colour only repeats what the word says). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{LABELS[status] ?? status}</span>;
}
