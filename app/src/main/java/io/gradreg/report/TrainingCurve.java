package io.gradreg.report;

import io.gradreg.store.CurvePoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The training curve of a table cell: at each recorded minibatch, the mean and sample standard
 * deviation over the cell's runs of the training loss and of the raw penalty, and the learning
 * rate (the same for every run of a cell). {@code runs[i]} counts the runs with a point at
 * {@code minibatch[i]}; an sd over fewer than two runs is NaN.
 */
public record TrainingCurve(int[] minibatch, int[] runs, double[] lossMean, double[] lossSd, double[] penaltyMean,
        double[] penaltySd, double[] learningRate) {

    /** The curve of the given runs' curves (runs without points add nothing); null when none has points. */
    public static TrainingCurve of(List<List<CurvePoint>> curves) {
        Map<Integer, List<CurvePoint>> byMinibatch = new TreeMap<>();
        for (List<CurvePoint> curve : curves) {
            for (CurvePoint p : curve) {
                byMinibatch.computeIfAbsent(p.minibatch(), k -> new ArrayList<>()).add(p);
            }
        }
        if (byMinibatch.isEmpty()) {
            return null;
        }
        int n = byMinibatch.size();
        TrainingCurve c = new TrainingCurve(new int[n], new int[n], new double[n], new double[n], new double[n],
                new double[n], new double[n]);
        int i = 0;
        for (Map.Entry<Integer, List<CurvePoint>> e : byMinibatch.entrySet()) {
            List<CurvePoint> points = e.getValue();
            c.minibatch[i] = e.getKey();
            c.runs[i] = points.size();
            double[] loss = points.stream().mapToDouble(CurvePoint::loss).toArray();
            double[] penalty = points.stream().mapToDouble(CurvePoint::penalty).toArray();
            c.lossMean[i] = mean(loss);
            c.lossSd[i] = sd(loss, c.lossMean[i]);
            c.penaltyMean[i] = mean(penalty);
            c.penaltySd[i] = sd(penalty, c.penaltyMean[i]);
            c.learningRate[i] = points.get(0).learningRate();
            i++;
        }
        return c;
    }

    public int size() {
        return minibatch.length;
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Sample standard deviation (n - 1); NaN for fewer than two values. */
    static double sd(double[] values, double mean) {
        if (values.length < 2) {
            return Double.NaN;
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (values.length - 1));
    }
}
