import { useState } from 'preact/hooks';
import { post, type Me, type Rollout, type RolloutStatus } from './api';
import { Badge, ErrorLine, useApi } from './shared';

function CreateRollout() {
  const [f, setF] = useState({ selector: '', target: 'rocky-8', canary: '', waves: '100%', maxFailures: '1', repos: '', gpgcheck: true, start: true, name: '' });
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (e: Event): void => {
    const t = e.target as HTMLInputElement;
    setF({ ...f, [k]: t.type === 'checkbox' ? t.checked : t.value });
  };
  const submit = (e: Event): void => {
    e.preventDefault();
    setError(null);
    post<RolloutStatus>('/api/rollouts', {
      selector: f.selector, target: f.target, waves: f.waves || undefined, canary: f.canary || undefined, maxFailures: f.maxFailures || undefined,
      repos: f.repos.split(',').map((r) => r.trim()).filter(Boolean), gpgcheck: f.gpgcheck, start: f.start, ...(f.name ? { name: f.name } : {}),
    }).then((r) => { location.hash = `#/rollouts/${r.rollout.id}`; }, (err: Error) => setError(err.message));
  };
  return (
    <form class="create" onSubmit={submit} data-testid="create-rollout">
      <h2>New rollout</h2>
      <label>hosts (selector) <input name="selector" value={f.selector} onInput={set('selector')} placeholder="group:web or web1,web2" required /></label>
      <label>target <input name="target" value={f.target} onInput={set('target')} required /></label>
      <label>canary <input name="canary" value={f.canary} onInput={set('canary')} placeholder="e.g. 1 or 5%" /></label>
      <label>waves <input name="waves" value={f.waves} onInput={set('waves')} placeholder="30%,100%" /></label>
      <label>stop after failures <input name="maxFailures" value={f.maxFailures} onInput={set('maxFailures')} /></label>
      <label>repositories <input name="repos" value={f.repos} onInput={set('repos')} placeholder="rocky-8=http://mirror/rocky8" /></label>
      <label class="check"><input type="checkbox" name="gpgcheck" checked={f.gpgcheck} onChange={set('gpgcheck')} /> check signatures</label>
      <label class="check"><input type="checkbox" name="start" checked={f.start} onChange={set('start')} /> start now</label>
      <label>name <input name="name" value={f.name} onInput={set('name')} /></label>
      <button type="submit">Create rollout</button>
      <ErrorLine error={error} />
    </form>
  );
}

export function RolloutsPage({ me }: { me: Me }) {
  const { data, error } = useApi<Rollout[]>('/api/rollouts');
  return (
    <>
      <h1>Rollouts</h1>
      <ErrorLine error={error} />
      <table><thead><tr><th>rollout</th><th>target</th><th>hosts</th><th>state</th><th>created by</th><th>created</th></tr></thead>
        <tbody>{(data ?? []).slice().reverse().map((r) => <tr><td><a href={`#/rollouts/${r.id}`}>{r.name ?? r.id}</a></td><td>{r.target}</td><td><code>{r.selector}</code></td><td><Badge value={r.state} /></td><td>{r.createdBy}</td><td>{r.createdAt}</td></tr>)}</tbody></table>
      {me.role !== 'viewer' && <CreateRollout />}
    </>
  );
}
