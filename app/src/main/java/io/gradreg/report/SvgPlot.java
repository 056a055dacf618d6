package io.gradreg.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG plot renderer of our own, for the charts of report.html and accuracy.svg: a plot area
 * with linear or logarithmic axes, ticks, axis titles and a legend, into which the charts draw
 * bars, error bars, lines, bands and markers in data coordinates.
 *
 * <p>Why not a library: the charts are three simple kinds, and must come out as inline SVG that
 * a browser shows offline with no script. JFreeChart with JFreeSVG (the well-kept JVM option) would
 * add about 2 MB of dependencies to draw the same, styled through Java2D, with text as paths or
 * fonts we do not control; Vega-Lite or Plotly render in the browser and need their scripts
 * inlined (hundreds of kB). Our own output is plain text, deterministic and checked by tests.
 *
 * <p>Colours: the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies;
 * series also differ by legend label, and the paper's marks by shape.
 */
final class SvgPlot {

    /** Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black. */
    static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
        "#000000"};

    static String color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** One axis: its range in data units, whether logarithmic, its title (with units) and its ticks. */
    record Axis(double min, double max, boolean log, String title, List<Double> ticks) {

        static Axis linear(double min, double max, String title) {
            if (!(max > min)) {
                double pad = min == 0 ? 1 : Math.abs(min) * 0.05;
                min -= pad;
                max += pad;
            }
            double step = niceStep((max - min) / 6);
            double lo = Math.floor(min / step) * step;
            double hi = Math.ceil(max / step) * step;
            List<Double> ticks = new ArrayList<>();
            for (double t = lo; t <= hi + step / 2; t += step) {
                ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
            }
            return new Axis(lo, hi, false, title, ticks);
        }

        /** A logarithmic axis with ticks at the given values (e.g. the training sizes run). */
        static Axis log(List<Double> ticks, String title) {
            double min = ticks.stream().mapToDouble(d -> d).min().orElseThrow();
            double max = ticks.stream().mapToDouble(d -> d).max().orElseThrow();
            if (max <= min) {
                min /= 2;
                max *= 2;
            }
            double pad = (Math.log(max) - Math.log(min)) * 0.04;
            return new Axis(Math.exp(Math.log(min) - pad), Math.exp(Math.log(max) + pad), true, title, ticks);
        }

        /** Position of {@code v} in [0, 1] along the axis. */
        double fraction(double v) {
            return log ? (Math.log(v) - Math.log(min)) / (Math.log(max) - Math.log(min)) : (v - min) / (max - min);
        }

        /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
        static double niceStep(double rough) {
            double p = Math.pow(10, Math.floor(Math.log10(rough)));
            for (double m : new double[] {1, 2, 5, 10}) {
                if (m * p >= rough) {
                    return m * p;
                }
            }
            return 10 * p;
        }
    }

    private final StringBuilder svg = new StringBuilder();
    private final double left;
    private final double top;
    private final double width;
    private final double height;
    private final Axis x;
    private final Axis y;

    /** A plot whose area starts at ({@code left}, {@code top}) of the enclosing SVG, {@code width} by {@code height}. */
    SvgPlot(double left, double top, double width, double height, Axis x, Axis y) {
        this.left = left;
        this.top = top;
        this.width = width;
        this.height = height;
        this.x = x;
        this.y = y;
    }

    double px(double v) {
        return left + width * x.fraction(v);
    }

    double py(double v) {
        return top + height * (1 - y.fraction(v));
    }

    /** Plot frame, grid, ticks and axis titles; {@code xLabels} replaces the numeric x tick labels when not null. */
    SvgPlot axes(List<String> xLabels) {
        svg.append(f("<rect class=\"plot-area\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fff\" "
                + "stroke=\"#888\"/>%n", left, top, width, height));
        for (double t : y.ticks()) {
            double py = py(t);
            svg.append(f("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", left, py,
                    left + width, py));
            svg.append(f("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left - 5, py + 4, number(t)));
        }
        if (xLabels == null) {
            // every tick labelled: a label that would overlap its neighbour (4000 and 5000 on a log
            // axis) goes on a second line, with a tick mark joining it to its place
            double last = Double.NEGATIVE_INFINITY;
            boolean lower = false;
            for (double t : x.ticks()) {
                lower = px(t) - last < 40 && !lower;
                if (!lower) {
                    last = px(t);
                }
                double ly = top + height + (lower ? 28 : 16);
                svg.append(f("<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>",
                        px(t), top + height, px(t), top + height + (lower ? 18 : 5)));
                svg.append(f("<text class=\"tick-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n", px(t),
                        ly, number(t)));
            }
        }
        svg.append(f("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n", left + width / 2,
                top + height + 44, esc(x.title())));
        svg.append(f("<text transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                left - 46, top + height / 2, esc(y.title())));
        return this;
    }

    /** Starts the group of drawn data; the browser test checks that it is not empty. */
    SvgPlot beginData() {
        svg.append("<g class=\"data\">\n");
        return this;
    }

    SvgPlot endData() {
        svg.append("</g>\n");
        return this;
    }

    SvgPlot raw(String element) {
        svg.append(element).append('\n');
        return this;
    }

    /** A filled band between {@code low} and {@code high} over {@code xs} (NaN values leave it out). */
    SvgPlot band(double[] xs, double[] low, double[] high, String color) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(low[i]) || !Double.isFinite(high[i])) {
                return this;
            }
            points.append(f("%.1f,%.1f ", px(xs[i]), py(clampY(high[i]))));
        }
        for (int i = xs.length - 1; i >= 0; i--) {
            points.append(f("%.1f,%.1f ", px(xs[i]), py(clampY(low[i]))));
        }
        svg.append("<polygon class=\"band\" fill=\"").append(color).append("\" fill-opacity=\"0.22\" stroke=\"none\" points=\"")
                .append(points.toString().strip()).append("\"/>\n");
        return this;
    }

    SvgPlot line(double[] xs, double[] ys, String color) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            points.append(f("%.1f,%.1f ", px(xs[i]), py(clampY(ys[i]))));
        }
        svg.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
                .append(points.toString().strip()).append("\"/>\n");
        return this;
    }

    private double clampY(double v) {
        return Math.max(y.min(), Math.min(y.max(), v));
    }

    String svg() {
        return svg.toString();
    }

    /** The legend: one swatch and label per entry, in a column starting at (x, y). */
    static String legend(double x, double y, List<String> labels, List<String> colors) {
        StringBuilder s = new StringBuilder("<g class=\"legend\">\n");
        for (int i = 0; i < labels.size(); i++) {
            double ly = y + 18 * i;
            s.append(f("<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>", x, ly - 10, colors.get(i)));
            s.append(f("<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", x + 18, ly, esc(labels.get(i))));
        }
        return s.append("</g>\n").toString();
    }

    /** The paper's value: an open diamond. */
    static String diamond(double cx, double cy, String stroke) {
        return f("<path class=\"paper\" d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"1.6\"/>",
                cx, cy - 5, stroke);
    }

    /** The replication report's value: an open square. */
    static String square(double cx, double cy, String stroke) {
        return f("<rect class=\"observed\" x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"%s\" "
                + "stroke-width=\"1.4\"/>", cx - 4, cy - 4, stroke);
    }

    static String open(String title, double width, double height) {
        return f("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
                + "font-family=\"sans-serif\" font-size=\"12\" role=\"img\"><title>%s</title>%n", width, height, width,
                height, esc(title));
    }

    /** A tick label: up to 4 significant digits, no exponent for the ranges reports show. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? "%.4f" : "%.2e", v);
        return s.contains("e") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** Text for HTML and SVG, in element content and in quoted attributes alike. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
