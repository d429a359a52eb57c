/**
 * What an example run leaves behind: {@link dev.ato.examples.report.RunReport} (report.json), its
 * charts ({@link dev.ato.examples.report.ReportCharts}), the page that shows them ({@link
 * dev.ato.examples.report.ReportPage}), all written through an {@link
 * dev.ato.examples.report.OutputDirectory} that appears only when complete, and the {@link
 * dev.ato.examples.report.RunTrace} that hears the run step by step.
 */
package dev.ato.examples.report;
