package io.gradreg.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradreg.store.RunRecord;

/**
 * A report as report.json (Jackson's tree, so every string is escaped and numbers are exact):
 * settings, every cell with its comparison with the paper and its training curve, the claims with
 * each comparison, and every run. Absent and non-finite numbers are null (JSON has no NaN).
 */
final class JsonReport {

    private JsonReport() {
    }

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    static String render(Report report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("experiment", report.experiment());
        root.put("jobInstance", report.instanceId());
        root.put("weightConvention", report.weightConvention().id());
        ObjectNode parameters = root.putObject("regularizerParameters");
        report.regularizerParameters().forEach((name, values) -> {
            ObjectNode p = parameters.putObject(name);
            values.forEach(p::put);
        });
        if (report.batchNorm() != null) {
            root.put("batchNorm", report.batchNorm());
        }
        if (!report.measures().isEmpty()) {
            root.put("measuresDefinition", MeasureTable.DEFINITION);
        }
        ArrayNode cells = root.putArray("cells");
        for (Report.Cell c : report.cells()) {
            ObjectNode cell = cells.addObject();
            cell.put("architecture", c.architecture());
            cell.put("trainSize", c.trainSize());
            cell.put("regularizer", c.regularizer());
            cell.put("weight", c.jobWeight());
            cell.put("meanUnitsWeight", c.weight());
            if (report.weightsOverridden()) { // only then: reports of job files' weights stay as they were
                cell.put("weightSource", c.overridden() ? "override" : "job");
                if (c.overridden()) {
                    number(cell, "jobFileWeight", c.fileWeight().isNaN() ? null : c.fileWeight());
                }
            }
            cell.put("planned", c.planned());
            cell.put("evaluated", c.evaluated());
            cell.put("failed", c.failed());
            number(cell, "meanAccuracy", c.mean());
            number(cell, "sdAccuracy", c.sd());
            number(cell, "paperAccuracy", c.paper() == null ? null : c.paper().accuracy());
            number(cell, "paperSd", c.paper() == null ? null : c.paper().sd());
            number(cell, "difference", c.difference());
            var vs = c.vsPaper();
            number(cell, "standardError", vs.map(PaperComparison::standardError).orElse(null));
            number(cell, "welchP", vs.map(PaperComparison::pValue).orElse(null));
            if (vs.isPresent()) {
                cell.put("beyondTwoStandardErrors", vs.get().beyondTwoStandardErrors());
            } else {
                cell.putNull("beyondTwoStandardErrors");
            }
            number(cell, "replicationAccuracy", c.observed() == null ? null : c.observed().accuracy());
            if (!report.measures().isEmpty()) {
                ObjectNode measures = cell.putObject("measures");
                for (String m : report.measures().measures()) {
                    MeasureTable.Summary summary = report.measures().summary(c, m);
                    ObjectNode one = measures.putObject(m);
                    number(one, "mean", summary.mean());
                    number(one, "sd", summary.sd());
                    one.put("n", summary.n());
                }
            }
            number(cell, "replicationSd", c.observed() == null ? null : c.observed().sd());
            curve(cell, report.curve(c).orElse(null));
        }
        report.sweep().ifPresent(sweep -> SweepWriter.json(root, sweep));
        if (!report.claims().isEmpty()) {
            root.put("claimsRule", Claims.RULE);
            root.put("claimsModel", report.claimsModel().label());
            number(root, "claimsMargin", report.claimsMargin());
        }
        ArrayNode claims = root.putArray("claims");
        for (Claims.Result r : report.claims()) {
            ObjectNode claim = claims.addObject();
            claim.put("claim", r.text());
            claim.put("verdict", r.verdict().name());
            ArrayNode checks = claim.putArray("comparisons");
            for (Claims.Check c : r.checks()) {
                ObjectNode check = checks.addObject();
                check.put("left", c.left());
                check.put("op", c.op());
                check.put("right", c.right());
                if (c.measure() != null) { // absent: test accuracy, as in reports before measures
                    check.put("measure", c.measure());
                }
                check.put("test", c.test());
                check.put("paired", c.paired());
                check.put("nLeft", c.nLeft());
                check.put("nRight", c.nRight());
                number(check, "meanLeft", c.meanLeft());
                number(check, "meanRight", c.meanRight());
                number(check, "difference", c.difference());
                number(check, "standardError", c.standardError());
                number(check, "degreesOfFreedom", c.degreesOfFreedom());
                number(check, "statistic", c.statistic());
                number(check, "pValue", c.pValue());
                number(check, "adjustedP", c.adjustedP());
                number(check, "equalVarianceP", c.equalVarianceP());
                number(check, "ciLow", c.ciLow());
                number(check, "ciHigh", c.ciHigh());
                check.put("verdict", c.verdict().name());
            }
        }
        ArrayNode runs = root.putArray("runs");
        for (RunRecord r : report.runs()) {
            ObjectNode run = runs.addObject();
            run.put("run", r.runKey());
            run.put("seed", r.seed());
            run.put("status", r.status().name());
            run.put("minibatches", r.minibatchesDone());
            number(run, "testAccuracy", r.testAccuracy());
            number(run, "testLoss", r.testLoss());
            number(run, "finalLoss", r.finalLoss());
            number(run, "finalPenalty", r.finalPenalty());
            number(run, "trainSeconds", r.trainSeconds());
            if (!report.measures().of(r.runKey()).isEmpty()) {
                ObjectNode measures = run.putObject("measures");
                report.measures().of(r.runKey()).forEach((name, value) -> number(measures, name, value));
            }
            run.put("message", r.message());
            run.put("trainedBy", r.trainedBy());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The cell's training curve over its evaluated runs, column by column (null when none recorded
     * one): minibatch, runs averaged, mean and sd of the loss and of the raw penalty, learning rate.
     */
    private static void curve(ObjectNode cell, TrainingCurve curve) {
        if (curve == null) {
            cell.putNull("curve");
            return;
        }
        ObjectNode c = cell.putObject("curve");
        ArrayNode minibatch = c.putArray("minibatch");
        ArrayNode runs = c.putArray("runs");
        for (int i = 0; i < curve.size(); i++) {
            minibatch.add(curve.minibatch()[i]);
            runs.add(curve.runs()[i]);
        }
        numbers(c.putArray("lossMean"), curve.lossMean());
        numbers(c.putArray("lossSd"), curve.lossSd());
        numbers(c.putArray("penaltyMean"), curve.penaltyMean());
        numbers(c.putArray("penaltySd"), curve.penaltySd());
        numbers(c.putArray("learningRate"), curve.learningRate());
    }

    private static void numbers(ArrayNode array, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) {
                array.add(v);
            } else {
                array.addNull();
            }
        }
    }

    /** A number, or null when absent or not finite (JSON has no NaN). */
    private static void number(ObjectNode node, String field, Double value) {
        if (value == null || !Double.isFinite(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
