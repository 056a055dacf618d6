package io.gradreg.transfer;

import io.gradreg.results.RunsFile;
import io.gradreg.store.CurvePoint;
import java.util.ArrayList;
import java.util.List;

/** A run's training curve between the store's points and the runs file's columns. */
final class CurveColumns {

    private CurveColumns() {
    }

    /** A run's curve as the runs file's columns; null for none. */
    static RunsFile.Curve toFile(List<CurvePoint> points) {
        return points.isEmpty() ? null : new RunsFile.Curve(points.stream().map(CurvePoint::minibatch).toList(),
                points.stream().map(CurvePoint::loss).toList(), points.stream().map(CurvePoint::penalty).toList(),
                points.stream().map(CurvePoint::learningRate).toList());
    }

    /** The points of a checked runs file's curve ({@link RunsFile#read} checks the columns). */
    static List<CurvePoint> fromFile(RunsFile.Curve curve) {
        List<CurvePoint> points = new ArrayList<>(curve.minibatch().size());
        for (int i = 0; i < curve.minibatch().size(); i++) {
            points.add(new CurvePoint(curve.minibatch().get(i), curve.loss().get(i), curve.penalty().get(i),
                    curve.learningRate().get(i)));
        }
        return points;
    }
}
