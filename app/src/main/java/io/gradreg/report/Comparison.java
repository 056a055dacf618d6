package io.gradreg.report;

import io.gradreg.regularizer.WeightConvention;
import io.gradreg.store.Cell;
import io.gradreg.store.RunId;
import io.gradreg.store.RunRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Several experiments' reports as one ({@code gradreg report --compare A B ...}): every run keeps
 * its regularizer and size, and its architecture is prefixed with its experiment's label
 * ({@code c6-1:dropout}), so each experiment's cells are rows of their own in one table, one chart
 * and every report format. Claims may compare cells across experiments; the paired tests pair run
 * i with run i, which is the same subset only where both experiments drew it with the same seed and
 * size (gradreg's run i uses seed + i), as the report says.
 */
public final class Comparison {

    /** Separates an experiment's label from an architecture in a compared cell. */
    public static final char LABEL = ':';

    private Comparison() {
    }

    /**
     * One report of {@code reports}' runs, each labelled by its experiment name (with its job
     * instance when two are of the same experiment); weights in {@code convention} when all share it.
     */
    public static Report of(List<Report> reports, Claims claims) {
        if (reports.size() < 2) {
            throw new IllegalArgumentException("--compare needs two experiments or more, was " + reports.size());
        }
        Set<String> names = new HashSet<>();
        Set<String> repeated = new HashSet<>();
        for (Report r : reports) {
            if (!names.add(r.experiment())) {
                repeated.add(r.experiment());
            }
        }
        List<String> labels = new ArrayList<>();
        WeightConvention convention = reports.get(0).weightConvention();
        for (Report r : reports) {
            labels.add(repeated.contains(r.experiment()) ? r.experiment() + "-" + r.instanceId() : r.experiment());
            if (r.weightConvention() != convention) {
                throw new IllegalArgumentException("the experiments write their weights in different conventions ("
                        + convention.id() + ", " + r.weightConvention().id() + "); compare experiments of one convention");
            }
        }
        String title = "comparison of " + String.join(", ", labels);
        List<RunRecord> runs = new ArrayList<>();
        Map<String, Double> jobWeights = new HashMap<>();
        for (int i = 0; i < reports.size(); i++) {
            for (Report.Cell cell : reports.get(i).cells()) {
                for (RunRecord run : cell.runs()) {
                    String architecture = labels.get(i) + LABEL + run.architecture();
                    String key = new RunId(new Cell(architecture, run.regularizer(), run.trainSize()), run.runIndex())
                            .toString();
                    runs.add(new RunRecord(run.instanceId(), key, title, architecture, run.regularizer(), run.weight(),
                            run.trainSize(), run.runIndex(), run.seed(), run.minibatches(), run.status(),
                            run.minibatchesDone(), run.testAccuracy(), run.testLoss(), run.finalLoss(),
                            run.finalPenalty(), run.trainSeconds(), run.message(), run.jobExecutionId(),
                            run.resumedFrom(), run.trainedBy()));
                    jobWeights.put(key, cell.jobWeight());
                }
            }
        }
        return Report.of(0, runs, ExpectedResults.none(), ExpectedResults.none(), convention, jobWeights)
                .withClaims(claims);
    }
}
