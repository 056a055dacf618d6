package io.gradreg.report;

import io.gradreg.regularizer.WeightConvention;
import io.gradreg.store.CurvePoint;
import io.gradreg.store.RunRecord;
import io.gradreg.store.RunStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An experiment's results in the paper's layout: one row per (architecture, training-set size),
 * one column per regularizer, each cell the mean and standard deviation of the test accuracy over
 * its evaluated runs, beside the paper's number where there is one.
 */
public final class Report {

    /**
     * One table cell. Accuracies in percent; {@code sd} is the sample standard deviation.
     * {@code weight} is in gradreg's per-example-mean units (what trained); {@code jobWeight} is the
     * weight as the job wrote it, in the report's {@link #weightConvention()}; {@code fileWeight},
     * when not null, is the job file's own weight, which a job parameter ({@code -p weight.*})
     * overrode with {@code jobWeight} (NaN: the job file gives none).
     */
    public record Cell(String architecture, String trainSize, String regularizer, double weight, double jobWeight,
            int planned,
            int evaluated, int failed, Double mean, Double sd, ExpectedResults.Expected paper,
            ExpectedResults.Expected observed, List<RunRecord> runs, Double fileWeight) {

        /** Whether the weight is a job parameter's rather than the job file's own. */
        public boolean overridden() {
            return fileWeight != null;
        }

        public Double difference() {
            return mean == null || paper == null ? null : mean - paper.accuracy();
        }

        /** Against the paper's number (Welch's test from the summary statistics), if both exist. */
        public Optional<PaperComparison> vsPaper() {
            return PaperComparison.of(this, paper, PaperComparison.PAPER_RUNS);
        }

        public int missing() {
            return planned - evaluated - failed;
        }
    }

    /** One row of the table: an architecture at one training-set size. */
    public record Row(String architecture, String trainSize) {
    }

    private final String experiment;
    private final long instanceId;
    private final List<Row> rows;
    private final List<String> columns;
    private final Map<io.gradreg.store.Cell, Cell> cells;
    private final List<RunRecord> runs;
    private final Map<String, Map<String, String>> regularizerParameters;
    private final WeightConvention weightConvention;
    private final Claims claims;
    private final Map<String, List<CurvePoint>> curves;
    private final Provenance provenance;
    private final String batchNorm;
    private final SweepSection sweep;
    private final MeasureTable measures;

    private Report(String experiment, long instanceId, List<Row> rows, List<String> columns,
            Map<io.gradreg.store.Cell, Cell> cells,
            List<RunRecord> runs, Map<String, Map<String, String>> regularizerParameters,
            WeightConvention weightConvention, Claims claims, Map<String, List<CurvePoint>> curves,
            Provenance provenance, String batchNorm, MeasureTable measures, SweepSection sweep) {
        this.batchNorm = batchNorm;
        this.measures = measures;
        this.sweep = sweep;
        this.weightConvention = weightConvention;
        this.claims = claims;
        this.curves = curves;
        this.provenance = provenance;
        this.experiment = experiment;
        this.instanceId = instanceId;
        this.rows = rows;
        this.columns = columns;
        this.cells = cells;
        this.runs = runs;
        this.regularizerParameters = regularizerParameters;
    }

    /** This report, naming the regularizer parameters its job set (regularizer, then key, to value). */
    public Report withRegularizerParameters(Map<String, Map<String, String>> parameters) {
        Map<String, Map<String, String>> sorted = new TreeMap<>();
        parameters.forEach((name, values) -> sorted.put(name, Collections.unmodifiableMap(new TreeMap<>(values))));
        return new Report(experiment, instanceId, rows, columns, cells, runs, Collections.unmodifiableMap(sorted),
                weightConvention, claims, curves, provenance, batchNorm, measures, sweep);
    }

    /** This report, testing the job's claims ({@link Claims}). */
    public Report withClaims(Claims claims) {
        return new Report(experiment, instanceId, rows, columns, cells, runs, regularizerParameters, weightConvention,
                claims, curves, provenance, batchNorm, measures, sweep);
    }

    /** This report, with the runs' training curves (by run key; runs without one are left out). */
    public Report withCurves(Map<String, List<CurvePoint>> curves) {
        return new Report(experiment, instanceId, rows, columns, cells, runs, regularizerParameters, weightConvention,
                claims, Map.copyOf(curves), provenance, batchNorm, measures, sweep);
    }

    /** This report, saying where it comes from. */
    public Report withProvenance(Provenance provenance) {
        return new Report(experiment, instanceId, rows, columns, cells, runs, regularizerParameters, weightConvention,
                claims, curves, provenance, batchNorm, measures, sweep);
    }

    /**
     * This report, naming the batch-norm settings of its batchnorm runs when they are not the
     * defaults, as job properties ({@code bn-momentum=0.99 …}); null: the defaults.
     */
    public Report withBatchNorm(String properties) {
        return new Report(experiment, instanceId, rows, columns, cells, runs, regularizerParameters, weightConvention,
                claims, curves, provenance, properties, measures, sweep);
    }

    /** This report, with a weight sweep's grids, selections and final test accuracies. */
    public Report withSweep(SweepSection sweep) {
        return new Report(experiment, instanceId, rows, columns, cells, runs, regularizerParameters, weightConvention,
                claims, curves, provenance, batchNorm, measures, sweep);
    }

    /** The weight sweep, if this experiment is one. */
    public Optional<SweepSection> sweep() {
        return Optional.ofNullable(sweep);
    }

    /** This report, with the runs' robustness measures (by run key, each run's by measure name). */
    public Report withMeasures(Map<String, Map<String, Double>> byRun) {
        return new Report(experiment, instanceId, rows, columns, cells, runs, regularizerParameters, weightConvention,
                claims, curves, provenance, batchNorm, new MeasureTable(byRun), sweep);
    }

    /** The runs' robustness measures; empty when the job measured none. */
    public MeasureTable measures() {
        return measures;
    }

    /** The batch-norm settings that differ from the defaults, as job properties; null when none do. */
    public String batchNorm() {
        return batchNorm;
    }

    /** Where the report comes from; null when not given. */
    public Provenance provenance() {
        return provenance;
    }

    /** Whether any run of the report has a training curve. */
    public boolean hasCurves() {
        return !curves.isEmpty();
    }

    /**
     * The mean ± sd training curve of a cell over its evaluated runs (a failed run's curve would
     * mix a diverging run into the mean); empty when none of them recorded a curve.
     */
    public Optional<TrainingCurve> curve(Cell cell) {
        List<List<CurvePoint>> of = cell.runs().stream().filter(r -> r.status() == RunStatus.EVALUATED)
                .map(r -> curves.getOrDefault(r.runKey(), List.of())).toList();
        return Optional.ofNullable(TrainingCurve.of(of));
    }

    /** The job's claims, tested on this report's runs; empty when the job declares none. */
    public List<Claims.Result> claims() {
        return claims.evaluate(this);
    }

    /** How the claims' comparisons estimate their variance. */
    public Claims.Model claimsModel() {
        return claims.model();
    }

    /** The margin of the claims' equivalence tests, in points. */
    public double claimsMargin() {
        return claims.margin();
    }

    /** The units of the job's weights ({@link Cell#jobWeight()}). */
    public WeightConvention weightConvention() {
        return weightConvention;
    }

    /** Regularizer parameters the job set, by regularizer name; empty when it set none (defaults apply). */
    public Map<String, Map<String, String>> regularizerParameters() {
        return regularizerParameters;
    }

    /** A report of runs whose weights the job wrote in gradreg's mean units. */
    public static Report of(long instanceId, List<RunRecord> runs, ExpectedResults expected) {
        return of(instanceId, runs, expected, ExpectedResults.none(), WeightConvention.MEAN, Map.of());
    }

    /**
     * A report whose job wrote its weights in {@code convention}; {@code jobWeights} gives, by run
     * key, the weight as written (runs not in it show their mean-unit weight). {@code expected} holds
     * the paper's numbers, {@code observed} a second reference (the replication report's own).
     */
    public static Report of(long instanceId, List<RunRecord> runs, ExpectedResults expected, ExpectedResults observed,
            WeightConvention convention, Map<String, Double> jobWeights) {
        return of(instanceId, runs, expected, observed, convention, jobWeights, Map.of());
    }

    /**
     * The same, where {@code fileWeights} gives, by run key, the job file's own weight of each run
     * whose weight a job parameter overrode ({@link Cell#fileWeight()}).
     */
    public static Report of(long instanceId, List<RunRecord> runs, ExpectedResults expected, ExpectedResults observed,
            WeightConvention convention, Map<String, Double> jobWeights, Map<String, Double> fileWeights) {
        Set<Row> rows = new LinkedHashSet<>();
        Set<String> columns = new LinkedHashSet<>();
        Map<io.gradreg.store.Cell, List<RunRecord>> byCell = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            rows.add(new Row(r.architecture(), r.trainSize()));
            columns.add(r.regularizer());
            byCell.computeIfAbsent(r.cell(), k -> new ArrayList<>()).add(r);
        }
        Map<io.gradreg.store.Cell, Cell> cells = new LinkedHashMap<>();
        for (Map.Entry<io.gradreg.store.Cell, List<RunRecord>> e : byCell.entrySet()) {
            List<RunRecord> cellRuns = e.getValue();
            RunRecord first = cellRuns.get(0);
            List<Double> accuracies = new ArrayList<>();
            int failed = 0;
            for (RunRecord r : cellRuns) {
                if (r.status() == RunStatus.EVALUATED && r.testAccuracy() != null) {
                    accuracies.add(100 * r.testAccuracy());
                } else if (r.status() == RunStatus.FAILED) {
                    failed++;
                }
            }
            MeasureTable.Summary summary = MeasureTable.summarize(accuracies);
            Double mean = summary.mean();
            Double sd = summary.sd();
            cells.put(e.getKey(), new Cell(first.architecture(), first.trainSize(), first.regularizer(), first.weight(),
                    jobWeights.getOrDefault(first.runKey(), first.weight()),
                    cellRuns.size(), accuracies.size(), failed, mean, sd,
                    expected.get(first.architecture(), first.trainSize(), first.regularizer()).orElse(null),
                    observed.get(first.architecture(), first.trainSize(), first.regularizer()).orElse(null),
                    List.copyOf(cellRuns), fileWeights.get(first.runKey())));
        }
        String experiment = runs.isEmpty() ? "experiment" : runs.get(0).experiment();
        return new Report(experiment, instanceId, List.copyOf(rows), List.copyOf(columns), cells, List.copyOf(runs),
                Map.of(), convention, Claims.none(), Map.of(), null, null, MeasureTable.none(), null);
    }

    public String experiment() {
        return experiment;
    }

    public long instanceId() {
        return instanceId;
    }

    public List<Row> rows() {
        return rows;
    }

    public List<String> columns() {
        return columns;
    }

    /** The cell of regularizer {@code column} in {@code row}, if the experiment has it. */
    public Optional<Cell> cell(Row row, String column) {
        return Optional.ofNullable(cells.get(new io.gradreg.store.Cell(row.architecture(), column, row.trainSize())));
    }

    public List<Cell> cells() {
        return List.copyOf(cells.values());
    }

    public List<RunRecord> runs() {
        return runs;
    }

    /** Whether a job parameter overrode the job file's weight of any cell. */
    public boolean weightsOverridden() {
        return cells.values().stream().anyMatch(Cell::overridden);
    }

    /** Runs planned but neither evaluated nor failed. */
    public List<RunRecord> missing() {
        return runs.stream().filter(r -> !r.status().finished()).toList();
    }

    public List<RunRecord> failed() {
        return runs.stream().filter(r -> r.status() == RunStatus.FAILED).toList();
    }
}
