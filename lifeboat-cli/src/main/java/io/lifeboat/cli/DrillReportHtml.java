package io.lifeboat.cli;

import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained page (inline styles, inline SVG, no script, nothing fetched)
 * that opens offline in any browser: the verdict, the RTO and RPO, a chart of the restore's progress
 * over time ({@code #progress-chart}), the RPO per partition as bars ({@code #rpo-chart}), and the
 * tables of the Markdown report.
 */
final class DrillReportHtml {

    /** The progress line's colour; the rendering test looks for it. */
    static final String PROGRESS_COLOR = "#1f6fb4";
    /** The RPO bars' colour. */
    static final String RPO_COLOR = "#d9480f";
    private static final int WIDTH = 720;
    private static final int HEIGHT = 260;
    private static final int LEFT = 70;
    private static final int BOTTOM = 40;
    private static final int TOP = 15;
    private static final int RIGHT = 20;

    private DrillReportHtml() {
    }

    static String render(DrillReport r) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Lifeboat drill ")
                .append(escape(r.drillId() == null ? r.startedAt().toString() : r.drillId())).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222;background:#fff}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "text-align:left}td.n{text-align:right}.ok{color:#2b8a3e;font-weight:bold}"
                        + ".bad{color:#c92a2a;font-weight:bold}svg{background:#fff;border:1px solid #ddd}"
                        + "svg text{font-size:12px;fill:#444}</style>\n</head><body>\n");
        html.append("<h1>Lifeboat disaster-recovery drill</h1>\n<p class=\"").append(r.verified() ? "ok" : "bad")
                .append("\" id=\"verdict\">").append(r.verified() ? "VERIFIED" : "FAILED").append(": ")
                .append(r.recordsCompared()).append(" restored records compared byte for byte</p>\n");
        if (r.failure() != null) {
            html.append("<pre>").append(escape(r.failure())).append("</pre>\n");
        }
        html.append("<table>");
        row(html, "drill", r.drillId() == null ? "embedded" : r.drillId());
        row(html, "started", r.startedAt().toString());
        if (r.backupConnector() != null) {
            row(html, "backup connector", r.backupConnector());
        }
        if (r.storeDescription() != null) {
            row(html, "backup set", r.storeDescription());
        }
        row(html, "RTO", DrillReportFiles.seconds(r.rtoMillis()));
        long rpoRecords = r.partitions().stream().mapToLong(DrillReport.PartitionLine::rpoRecords).max().orElse(0);
        long rpoMs = r.partitions().stream().filter(p -> p.rpoMillis() != null)
                .mapToLong(DrillReport.PartitionLine::rpoMillis).max().orElse(0);
        row(html, "RPO (worst partition)", rpoRecords + " records, " + DrillReportFiles.seconds(rpoMs));
        html.append("</table>\n");

        html.append("<h2>Restore progress</h2>\n").append(progressChart(r.progressSamples()));
        html.append("<h2>RPO per partition ").append("cluster".equals(r.mode()) ? "at the start of the drill"
                : "at the disaster").append("</h2>\n").append(rpoChart(r.partitions()));
        if (!r.partitions().isEmpty()) {
            html.append("<table><tr><th>partition</th><th>restored into</th><th>RPO records</th><th>RPO</th>"
                    + "<th>restored</th><th>verified</th></tr>\n");
            for (DrillReport.PartitionLine p : r.partitions()) {
                html.append("<tr><td>").append(escape(p.topic() + "-" + p.partition())).append("</td><td>")
                        .append(escape(p.targetTopic())).append("</td><td class=\"n\">").append(p.rpoRecords())
                        .append("</td><td class=\"n\">").append(p.rpoMillis() == null ? "none durable"
                                : DrillReportFiles.seconds(p.rpoMillis())).append("</td><td class=\"n\">")
                        .append(p.recordsRestored()).append("</td><td class=\"n\">").append(p.recordsVerified())
                        .append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        if (!r.topics().isEmpty()) {
            html.append("<h2>Topics</h2>\n<table><tr><th>topic</th><th>partitions</th><th>records</th><th>bytes</th></tr>\n");
            r.topics().forEach(t -> html.append("<tr><td>").append(escape(t.topic())).append("</td><td class=\"n\">")
                    .append(t.partitions()).append("</td><td class=\"n\">").append(t.records()).append("</td><td class=\"n\">")
                    .append(t.bytes()).append("</td></tr>\n"));
            html.append("</table>\n");
        }
        if (!r.groups().isEmpty()) {
            html.append("<h2>Consumer groups</h2>\n<table><tr><th>group</th><th>restored as</th><th>partition</th>"
                    + "<th>expected</th><th>committed</th><th></th></tr>\n");
            r.groups().forEach(g -> html.append("<tr><td>").append(escape(g.group())).append("</td><td>")
                    .append(escape(g.targetGroup())).append("</td><td>").append(escape(g.targetTopic() + "-" + g.partition()))
                    .append("</td><td class=\"n\">").append(g.expectedOffset()).append("</td><td class=\"n\">")
                    .append(g.committedOffset() == null ? "none" : g.committedOffset()).append("</td><td class=\"")
                    .append(g.matches() ? "ok\">OK" : "bad\">WRONG").append("</td></tr>\n"));
            html.append("</table>\n");
        }
        list(html, "Differences", r.differences());
        list(html, "Notes", r.notes());
        if (r.cleanedUp()) {
            html.append("<h2>Cleanup</h2>\n<p>").append(r.leftovers().isEmpty()
                    ? "Everything the drill created was removed." : "Left behind:").append("</p>\n");
            list(html, null, r.leftovers());
        }
        html.append("</body></html>\n");
        return html.toString();
    }

    /** Records in the target topics over time since the restore was submitted, as a line. */
    static String progressChart(List<RestoreSampler.Sample> samples) {
        long maxT = Math.max(1, samples.stream().mapToLong(RestoreSampler.Sample::elapsedMillis).max().orElse(1));
        long maxR = Math.max(1, samples.stream().mapToLong(RestoreSampler.Sample::records).max().orElse(1));
        StringBuilder svg = svgStart("progress-chart", "records restored over time");
        axes(svg, "seconds since the restore was submitted", "records", String.format(Locale.ROOT, "%.1f", maxT / 1000.0),
                Long.toString(maxR));
        StringBuilder points = new StringBuilder();
        for (RestoreSampler.Sample s : samples) {
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s.elapsedMillis(), maxT), y(s.records(), maxR)));
        }
        svg.append("<polyline fill=\"none\" stroke=\"").append(PROGRESS_COLOR).append("\" stroke-width=\"3\" points=\"")
                .append(points.toString().trim()).append("\"/>\n</svg>\n");
        return svg.toString();
    }

    /** Records not yet durable per partition when the drill started, as bars (labelled with the time too). */
    static String rpoChart(List<DrillReport.PartitionLine> partitions) {
        int rows = Math.max(1, partitions.size());
        int barHeight = Math.max(14, Math.min(24, (HEIGHT - TOP - BOTTOM) / rows - 4)); // room for a 12 px label
        int height = TOP + 10 + rows * (barHeight + 4);
        long max = Math.max(1, partitions.stream().mapToLong(DrillReport.PartitionLine::rpoRecords).max().orElse(1));
        StringBuilder svg = new StringBuilder("<svg id=\"rpo-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"RPO per partition\">\n");
        int labelWidth = 180;
        double plot = WIDTH - labelWidth - RIGHT - 90;
        int y = TOP;
        for (DrillReport.PartitionLine p : partitions) {
            double w = p.rpoRecords() == 0 ? 0 : Math.max(2, plot * p.rpoRecords() / max);
            svg.append("<text x=\"4\" y=\"").append(y + barHeight - 2).append("\">").append(escape(p.topic() + "-"
                    + p.partition())).append("</text>");
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                    labelWidth, y, w, barHeight, RPO_COLOR));
            svg.append("<text x=\"").append((int) (labelWidth + w + 6)).append("\" y=\"").append(y + barHeight - 2)
                    .append("\">").append(p.rpoRecords()).append(" rec, ")
                    .append(p.rpoMillis() == null ? "none durable" : DrillReportFiles.seconds(p.rpoMillis()))
                    .append("</text>\n");
            y += barHeight + 4;
        }
        if (partitions.isEmpty()) {
            svg.append("<text x=\"10\" y=\"30\">no partitions measured</text>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder svgStart(String id, String label) {
        return new StringBuilder("<svg id=\"").append(id).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(escape(label)).append("\">\n");
    }

    private static void axes(StringBuilder svg, String xLabel, String yLabel, String xMax, String yMax) {
        int x0 = LEFT;
        int y0 = HEIGHT - BOTTOM;
        svg.append("<line x1=\"").append(x0).append("\" y1=\"").append(TOP).append("\" x2=\"").append(x0).append("\" y2=\"")
                .append(y0).append("\" stroke=\"#888\"/>");
        svg.append("<line x1=\"").append(x0).append("\" y1=\"").append(y0).append("\" x2=\"").append(WIDTH - RIGHT)
                .append("\" y2=\"").append(y0).append("\" stroke=\"#888\"/>\n");
        svg.append("<text x=\"").append(x0 - 6).append("\" y=\"").append(TOP + 10).append("\" text-anchor=\"end\">")
                .append(escape(yMax)).append("</text>");
        svg.append("<text x=\"").append(x0 - 6).append("\" y=\"").append(y0).append("\" text-anchor=\"end\">0</text>");
        svg.append("<text x=\"").append(WIDTH - RIGHT).append("\" y=\"").append(y0 + 16).append("\" text-anchor=\"end\">")
                .append(escape(xMax)).append("</text>");
        svg.append("<text x=\"").append((x0 + WIDTH - RIGHT) / 2).append("\" y=\"").append(HEIGHT - 8)
                .append("\" text-anchor=\"middle\">").append(escape(xLabel)).append("</text>");
        svg.append("<text x=\"14\" y=\"").append((TOP + y0) / 2).append("\" transform=\"rotate(-90 14 ")
                .append((TOP + y0) / 2).append(")\" text-anchor=\"middle\">").append(escape(yLabel)).append("</text>\n");
    }

    private static double x(long t, long maxT) {
        return LEFT + (WIDTH - LEFT - RIGHT) * (double) t / maxT;
    }

    private static double y(long records, long maxR) {
        return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * (double) records / maxR;
    }

    private static void row(StringBuilder html, String name, String value) {
        html.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(value)).append("</td></tr>");
    }

    private static void list(StringBuilder html, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        if (title != null) {
            html.append("<h2>").append(escape(title)).append("</h2>\n");
        }
        html.append("<ul>");
        lines.forEach(l -> html.append("<li>").append(escape(l)).append("</li>"));
        html.append("</ul>\n");
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
