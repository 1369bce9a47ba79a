/** The fleet report: its document (report.ts) and one renderer per format. */
export { buildFleetReport, FLEET_REPORT_FORMAT_VERSION, FLEET_RULE, hopLabel, storedHops, type FleetHop, type FleetHostResult, type FleetReport, type FleetRow } from './report.js';
export { renderFleetText, type FleetTextOptions } from './text.js';
export { renderFleetHtml, type FleetHtmlOptions } from './html.js';
export { csvText, FLEET_CSV_COLUMNS, renderFleetCsv } from './csv.js';
export { fleetReportSchema, validateFleetReport } from './schema.js';
