import { useState } from 'preact/hooks';
import { login, type Me } from './api';

export function Login({ onLogin }: { onLogin: (me: Me) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event): void => {
    e.preventDefault();
    setError(null);
    login(token.trim()).then(onLogin, (err: Error) => setError(err.message));
  };
  return (
    <form class="login" onSubmit={submit}>
      <h1>Ferry</h1>
      <label>API token <input type="password" name="token" autocomplete="off" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} placeholder="ferry_…" /></label>
      <button type="submit">Log in</button>
      {error && <p class="error" role="alert">{error}</p>}
      <p class="hint">Create a token with <code>ferry token create --role viewer|operator|admin</code>.</p>
    </form>
  );
}
