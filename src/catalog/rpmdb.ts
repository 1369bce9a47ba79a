/**
 * The rpm database format each EL major's rpm writes: Berkeley DB through EL8 (rpm 4.11 on EL7, 4.14 on EL8:
 * /var/lib/rpm/Packages and its index files), sqlite from EL9 (rpm 4.16: /var/lib/rpm/rpmdb.sqlite; Red Hat's
 * "Considerations in adopting RHEL 9", software management, and the RHEL 9.0 release notes). A cross-major
 * path from a Berkeley DB major to an sqlite one moves the database, as Leapp's el8toel9 does right before the
 * upgrade transaction (leapp-repository dnfplugin.py, _rebuild_rpm_db). The plan's rpmdb-rebuild step and the
 * assessment's rpmdb-conversion finding both ask this.
 */
export type RpmdbFormat = 'bdb' | 'sqlite';

/** The format the rpm of an EL major writes. */
export function rpmdbFormatOf(major: number): RpmdbFormat {
  return major >= 9 ? 'sqlite' : 'bdb';
}

/** Whether going from one major to another moves the rpm database to another format (unknown majors: no). */
export function rpmdbMoves(from: { major: number | null }, to: { major: number | null }): boolean {
  return from.major !== null && to.major !== null && rpmdbFormatOf(from.major) !== rpmdbFormatOf(to.major);
}
