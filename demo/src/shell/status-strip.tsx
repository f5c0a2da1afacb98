// The live status of this window: who runs the authority, how this window reaches it, and how
// far its copies of the to-dos and the settings are.
import type { Subscribable, SyncStatus } from '@statesync/core';
import { useStore } from '@statesync/react';
import type { SharedApp, SharedRole } from '@statesync/shared';
import type { LatencyMeter } from '../sync/latency.js';
import type { WindowKind } from './window-kind.js';

export interface StatusStripProps {
  app: SharedApp;
  todos: Subscribable<SyncStatus>;
  settings: Subscribable<SyncStatus>;
  meter: LatencyMeter;
  kind: WindowKind;
}

const ROLE_NAMES: Record<SharedRole, string> = {
  client: 'client',
  server: 'authority',
  local: 'authority (this page, alone)',
  leader: 'authority (this tab leads)',
};

const KIND_NAMES: Record<WindowKind, string> = {
  main: 'main window',
  panel: 'detached panel',
  embedded: 'iframe',
};

const shortEpoch = (epoch: string | undefined) => (epoch ? epoch.slice(0, 6) : '–');

function Revision({ name, status }: { name: string; status: Subscribable<SyncStatus> }) {
  const { localRevision, epoch, state } = useStore(status);
  return (
    <div className="status-item">
      <dt>{name}</dt>
      <dd>
        rev{' '}
        <strong data-testid={`status-${name.toLowerCase()}-revision`} data-epoch={epoch}>
          {localRevision ?? '–'}
        </strong>
        <span className="status-muted" title={epoch ? `epoch ${epoch}` : 'no epoch yet'}>
          {' '}
          · epoch {shortEpoch(epoch)}
        </span>
        {state !== 'synced' && <span className="status-muted"> · {state}</span>}
      </dd>
    </div>
  );
}

export function StatusStrip({ app, todos, settings, meter, kind }: StatusStripProps) {
  const { mode, role, connected } = useStore(app.status);
  const latency = useStore(meter);
  return (
    <section className="status-strip" aria-label="Sync status">
      <dl>
        <div className="status-item">
          <dt>This window</dt>
          <dd data-testid="status-kind">{KIND_NAMES[kind]}</dd>
        </div>
        <div className="status-item">
          <dt>Role</dt>
          <dd data-testid="status-role" data-role={role}>
            <span className={`status-dot ${connected ? 'is-on' : 'is-off'}`} aria-hidden="true" />
            {ROLE_NAMES[role]}
            {!connected && ' · disconnected'}
          </dd>
        </div>
        <div className="status-item">
          <dt>Mode</dt>
          <dd data-testid="status-mode" data-mode={mode}>
            {mode}
          </dd>
        </div>
        <Revision name="To-dos" status={todos} />
        <Revision name="Settings" status={settings} />
        <div className="status-item">
          <dt>Your last change</dt>
          <dd data-testid="status-latency">
            {latency
              ? `${latency.ms.toFixed(1)} ms (${latency.label}: request → shown here)`
              : 'none yet'}
          </dd>
        </div>
      </dl>
    </section>
  );
}
