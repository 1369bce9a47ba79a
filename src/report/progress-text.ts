/**
 * Progress as one terminal line per event (core's ProgressEvent, switched on its scope). Host-given text
 * (command output, step and restorable descriptions, host names, messages quoting paths) is escaped.
 */
import type { ProgressEvent } from '../core/index.js';
import { escapeTerminal as t } from './escape.js';

export function renderProgress(e: ProgressEvent): string {
  switch (e.scope) {
    case 'facts':
    case 'repos':
    case 'assess':
      return `[${e.scope}] ${t(e.message)}`;
    case 'step': {
      const at = `[${e.step.index + 1}/${e.step.total}]`;
      if (e.phase === 'start') return `${at} ${t(e.step.title)}`;
      if (e.phase === 'end') return `${at} done (${e.status ?? 'applied'})`;
      if (e.phase === 'skipped') return `${at} ${t(e.step.title)}: already done`;
      if (e.phase === 'failed') return `${at} FAILED: ${t(e.detail ?? '')}`;
      return `${at} would run: ${t(e.step.title)}\n${(e.detail ?? '').split('\n').map((l) => `      ${t(l)}`).join('\n')}`;
    }
    case 'output':
      return `      | ${t(e.message)}`;
    case 'restore':
      return `restore ${e.phase}: ${t(e.message)}${e.detail ? `: ${t(e.detail)}` : ''}`;
    case 'route':
      return `${e.hop === 0 ? '[route]' : `[hop ${e.hop}/${e.total}]`} ${t(e.message)}`;
    case 'collect':
      return `[collect] ${e.done}/${e.total}${e.failed ? ` (${e.failed} failed)` : ''}${e.host ? ` ${t(e.host)}` : ''}${e.message ? `: ${t(e.message)}` : ''}`;
  }
}
