/** Backup (src/exec/steps/backup.ts): the files and directories the conversion may change, and the "before" evidence. */
import { defineStepKind, PATHS_SCHEMA } from './kind.js';

export type BackupOptions = { files: string[]; dirs: string[] };

export const backupKind = defineStepKind<'backup', BackupOptions>({
  kind: 'backup',
  title: () => 'Back up repo files, release files, rpmdb, alternatives, /etc/issue',
  schema: {
    type: 'object',
    properties: { files: PATHS_SCHEMA, dirs: PATHS_SCHEMA },
    required: ['files', 'dirs'],
    additionalProperties: false,
  },
});
