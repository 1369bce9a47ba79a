/** Who is acting, as every audited use case records it (inventory import, rollout actions, workers). */
import { userInfo } from 'node:os';

/** The operator recorded in the audit log: FERRY_OPERATOR, else the OS user. */
export function currentOperator(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.FERRY_OPERATOR?.trim();
  if (fromEnv) return fromEnv;
  try { return userInfo().username; } catch { return 'unknown'; }
}
