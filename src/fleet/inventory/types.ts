/**
 * What an inventory import produces, whatever the format (Ansible INI/YAML with group_vars/host_vars,
 * ~/.ssh/config aliases, a host list, CSV): hosts with their groups, merged variables and connection.
 */
import type { JsonValue } from '../../core/index.js';

/** How to reach a host (the store's HostConnection, structurally). Never a secret. */
export interface InventoryConnection {
  address?: string;
  port?: number;
  user?: string;
  identityFile?: string;
}

/** Where a host was first defined: the file and its 1-based line. */
export interface InventoryOrigin { file: string; line: number }

export interface InventoryHost {
  name: string;
  /** Every group the host is in, ancestors included, 'all' and 'ungrouped' excluded, sorted by name. */
  groups: string[];
  /** Variables after Ansible's precedence, secrets dropped. */
  vars: Record<string, JsonValue>;
  connection: InventoryConnection;
  /** Selector labels from the `ferry_labels` variable (a mapping, or "k=v,k=v"). */
  labels: Record<string, string>;
  origin: InventoryOrigin;
}

export interface InventoryGroup {
  name: string;
  /** Direct children and direct hosts, as ansible-inventory --list shows them. */
  children: string[];
  hosts: string[];
}

export interface Inventory {
  hosts: InventoryHost[];
  groups: InventoryGroup[];
  /** Things the user should know that did not stop the import (dropped secrets, skipped keys); never a value. */
  notices: string[];
}

/**
 * File access for the parsers (the app passes the real file system in; tests an in-memory one), so
 * group_vars/ and host_vars/ beside an inventory are read without the parsers doing I/O themselves.
 */
export interface InventoryReader {
  /** The file's text, or undefined when there is no such file. */
  readText(path: string): string | undefined;
  /** The entries of a directory, or undefined when it is not one. */
  listDir(path: string): Array<{ name: string; isDirectory: boolean }> | undefined;
}
