/** Ferry's rpm query format: the fields it asks rpm for and the separator bytes between them. */

/** Field (\x1f) and record (\x1e) separators: control bytes rpm header strings cannot hold in practice. */
export const RPM_FIELD_SEP = '\x1f';
export const RPM_RECORD_SEP = '\x1e';

/** The fields of RPM_QUERYFORMAT, in order. */
export const RPM_QUERY_FIELDS = [
  'name', 'epoch', 'version', 'release', 'arch', 'vendor', 'packager', 'sourcerpm', 'installtime', 'buildtime',
  'signature', 'license', 'size', 'summary',
] as const;

const SIG = '%|DSAHEADER?{%{DSAHEADER:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:{%|SIGGPG?{%{SIGGPG:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{(none)}|}|}|}|';

/** rpm --queryformat with real separator bytes (for argv use; the script builds the same with printf). */
export const RPM_QUERYFORMAT = [
  '%{NAME}', '%{EPOCH}', '%{VERSION}', '%{RELEASE}', '%{ARCH}', '%{VENDOR}', '%{PACKAGER}', '%{SOURCERPM}',
  '%{INSTALLTIME}', '%{BUILDTIME}', SIG, '%{LICENSE}', '%{SIZE}', '%{SUMMARY}',
].join(RPM_FIELD_SEP) + RPM_RECORD_SEP;
