package io.gradreg.report;

import static io.gradreg.report.SvgPlot.esc;
import static io.gradreg.report.SvgPlot.f;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a {@link SweepSection}: a Markdown section, CSV rows, a JSON node and HTML with one chart per group. */
final class SweepWriter {

    private SweepWriter() {
    }

    static String markdown(SweepSection sweep) {
        StringBuilder md = new StringBuilder("\n## Weight sweep\n\n")
                .append(SweepSection.ruleText(sweep.rule(), sweep.validationImages())).append("\n");
        for (SweepSection.Group g : sweep.groups()) {
            md.append("\n### ").append(g.group()).append(": ").append(outcome(g)).append("\n\n");
            md.append("| weight | validation % mean (sd) | runs | test % mean (sd), post hoc |\n|---:|---:|---:|---:|\n");
            for (SweepSection.Point p : g.grid()) {
                md.append("| ").append(plain(p.weight()))
                        .append(p.selected() ? " (selected)" : "").append(p.reference() ? " (job's)" : "")
                        .append(" | ").append(stats(p.validation())).append(" | ")
                        .append(p.validation() == null ? 0 : p.validation().n()).append("/").append(p.planned())
                        .append(" | ").append(stats(p.test())).append(" |\n");
            }
            g.selected().filter(p -> p.test() != null).ifPresent(p -> md.append("\nTest accuracy at the selected weight ")
                    .append(plain(p.weight())).append(": ").append(stats(p.test())).append(", n ").append(p.test().n())
                    .append(g.atReference().filter(r -> r.test() != null && !r.selected())
                            .map(r -> "; at the job's weight " + plain(r.weight()) + ": " + stats(r.test()) + ", n "
                                    + r.test().n() + " (the same subsets)")
                            .orElse(""))
                    .append(".\n"));
        }
        return md.toString();
    }

    private static String outcome(SweepSection.Group g) {
        String ref = g.reference().map(r -> "; job's weight " + plain(r)).orElse("");
        return g.selection().map(s -> "selected " + plain(s.weight()) + ref + " (" + s.summary() + ")")
                .orElse("not selected yet (grid incomplete)" + ref);
    }

    static String csv(SweepSection sweep) {
        StringBuilder csv = new StringBuilder("architecture,train_size,regularizer,weight,selected,job_weight,"
                + "validation_mean,validation_sd,validation_runs,planned_runs,test_mean_post_hoc,test_sd_post_hoc,test_runs\n");
        for (SweepSection.Group g : sweep.groups()) {
            for (SweepSection.Point p : g.grid()) {
                csv.append(String.join(",", g.group().architecture(), g.group().trainSize(), g.group().regularizer(),
                        plain(p.weight()), Boolean.toString(p.selected()), Boolean.toString(p.reference()),
                        num(p.validation() == null ? Double.NaN : p.validation().mean()),
                        num(p.validation() == null ? Double.NaN : p.validation().sd()),
                        Integer.toString(p.validation() == null ? 0 : p.validation().n()), Integer.toString(p.planned()),
                        num(p.test() == null ? Double.NaN : p.test().mean()),
                        num(p.test() == null ? Double.NaN : p.test().sd()),
                        Integer.toString(p.test() == null ? 0 : p.test().n()))).append('\n');
            }
        }
        return csv.toString();
    }

    static void json(ObjectNode root, SweepSection sweep) {
        ObjectNode node = root.putObject("sweep");
        node.put("rule", sweep.rule());
        node.put("ruleText", SweepSection.ruleText(sweep.rule(), sweep.validationImages()));
        node.put("validationImages", sweep.validationImages());
        ArrayNode groups = node.putArray("groups");
        for (SweepSection.Group g : sweep.groups()) {
            ObjectNode o = groups.addObject();
            o.put("architecture", g.group().architecture());
            o.put("trainSize", g.group().trainSize());
            o.put("regularizer", g.group().regularizer());
            g.reference().ifPresentOrElse(r -> o.put("jobWeight", r), () -> o.putNull("jobWeight"));
            if (g.selection().isPresent()) {
                o.put("selectedWeight", g.selection().get().weight());
                o.put("selection", g.selection().get().summary());
                o.put("selectedAt", g.selection().get().selectedAt().toString());
            } else {
                o.putNull("selectedWeight");
            }
            g.selected().ifPresent(p -> stats(o.putObject("selectedTest"), p.test()));
            g.atReference().ifPresent(p -> stats(o.putObject("jobWeightTest"), p.test()));
            ArrayNode grid = o.putArray("grid");
            for (SweepSection.Point p : g.grid()) {
                ObjectNode q = grid.addObject();
                q.put("weight", p.weight());
                q.put("planned", p.planned());
                q.put("selected", p.selected());
                q.put("jobWeight", p.reference());
                stats(q.putObject("validation"), p.validation());
                stats(q.putObject("testPostHoc"), p.test());
            }
        }
    }

    private static void stats(ObjectNode o, SweepSection.Stats s) {
        if (s == null) {
            o.put("n", 0);
            return;
        }
        o.put("mean", s.mean());
        if (Double.isNaN(s.sd())) {
            o.putNull("sd");
        } else {
            o.put("sd", s.sd());
        }
        o.put("n", s.n());
    }

    /** The HTML section: the rule, then per group its chart (validation accuracy against weight) and table. */
    static String html(SweepSection sweep) {
        StringBuilder h = new StringBuilder("<h2>Weight sweep</h2>\n<p>")
                .append(esc(SweepSection.ruleText(sweep.rule(), sweep.validationImages()))).append("</p>\n");
        for (SweepSection.Group g : sweep.groups()) {
            h.append("<h3>").append(esc(g.group().toString())).append("</h3>\n<p>").append(esc(outcome(g))).append("</p>\n");
            String chart = chart(g);
            if (chart != null) {
                h.append(chart);
            }
        }
        return h.toString();
    }

    /** Validation accuracy (mean ± 1 sd) against weight on a log axis; selected and job's weights marked. */
    static String chart(SweepSection.Group g) {
        List<SweepSection.Point> drawn = g.grid().stream().filter(p -> p.validation() != null && p.weight() > 0).toList();
        if (drawn.isEmpty()) {
            return null;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (SweepSection.Point p : drawn) {
            double sd = Double.isNaN(p.validation().sd()) ? 0 : p.validation().sd();
            lo = Math.min(lo, p.validation().mean() - sd);
            hi = Math.max(hi, p.validation().mean() + sd);
        }
        List<Double> ticks = new ArrayList<>(drawn.stream().map(SweepSection.Point::weight).toList());
        g.reference().filter(r -> r > 0 && !ticks.contains(r)).ifPresent(ticks::add);
        double left = 70;
        double plotWidth = 480;
        double height = 340;
        SvgPlot.Axis x = SvgPlot.Axis.log(ticks.stream().sorted().toList(), "weight (" + g.group().regularizer()
                + ", the job's convention; log scale)");
        SvgPlot.Axis y = SvgPlot.Axis.linear(lo, hi, "validation accuracy (%)");
        SvgPlot plot = new SvgPlot(left, 30, plotWidth, height - 80, x, y).axes(null).beginData();
        double[] xs = drawn.stream().mapToDouble(SweepSection.Point::weight).toArray();
        double[] mean = drawn.stream().mapToDouble(p -> p.validation().mean()).toArray();
        double[] low = drawn.stream().mapToDouble(p -> p.validation().mean() - p.validation().sd()).toArray();
        double[] high = drawn.stream().mapToDouble(p -> p.validation().mean() + p.validation().sd()).toArray();
        String color = SvgPlot.color(0);
        plot.band(xs, low, high, color).line(xs, mean, color);
        for (SweepSection.Point p : drawn) {
            plot.raw(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>weight %s: validation %s</title></circle>",
                    plot.px(p.weight()), plot.py(p.validation().mean()), p.selected() ? "6" : "3",
                    p.selected() ? SvgPlot.color(3) : color, plain(p.weight()), stats(p.validation())));
        }
        g.reference().filter(r -> r > 0).ifPresent(r -> plot.raw(f("<line class=\"reference\" x1=\"%.1f\" y1=\"%.1f\" "
                + "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"5 4\"/>", plot.px(r), plot.py(y.max()),
                plot.px(r), plot.py(y.min()))));
        plot.endData();
        List<String> labels = new ArrayList<>(List.of("validation mean ± 1 sd", "selected weight"));
        List<String> colors = new ArrayList<>(List.of(color, SvgPlot.color(3)));
        if (g.reference().isPresent()) {
            labels.add("job's weight (dashed)");
            colors.add("#555");
        }
        String svg = SvgPlot.open(g.group() + ": validation accuracy against weight", left + plotWidth + 210, height)
                + plot.svg() + SvgPlot.legend(left + plotWidth + 20, 50, labels, colors) + "</svg>\n";
        return "<figure class=\"chart\" data-chart=\"sweep\">\n" + svg + "<figcaption>" + esc(g.group()
                + ": mean validation accuracy of each grid weight with ±1 standard deviation over its runs; the large "
                + "dot is the selected weight" + (g.reference().isPresent() ? ", the dashed line the job's weight" : "")
                + ".") + "</figcaption>\n</figure>\n";
    }

    private static String stats(SweepSection.Stats s) {
        if (s == null) {
            return "–";
        }
        return Double.isNaN(s.sd()) ? String.format(Locale.ROOT, "%.2f", s.mean())
                : String.format(Locale.ROOT, "%.2f (%.2f)", s.mean(), s.sd());
    }

    private static String plain(double v) {
        return ReportWriter.num(v); // the weight as the job wrote it, as every report prints weights
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }
}
